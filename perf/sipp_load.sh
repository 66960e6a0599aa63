#!/usr/bin/env bash
# Signalling load with SIPp's built-in uac against rvoip-gw on loopback, with
# SIPp's own uas as a baseline in the same run. Writes perf/results/
# sipp_load-<date>.md with the commands, the machine and the figures.
#
#   perf/sipp_load.sh                 # defaults below
#   RATE=5000 CALLS=50000 perf/sipp_load.sh
#
# Phases (each bounded in calls and time, loopback only):
#   1. SIPp uac -> SIPp uas  at RATE cps, <= 1000 concurrent (baseline)
#   2. SIPp uac -> rvoip-gw  at RATE cps, <= 1000 concurrent
#   3. SIPp uac -> rvoip-gw  HELD calls held HOLD_S seconds (RSS per call)
set -uo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-4000}; CALLS=${CALLS:-40000}; HOLD_MS=${HOLD_MS:-200}
HELD=${HELD:-10000}; HELD_RATE=${HELD_RATE:-1000}; HOLD_S=${HOLD_S:-30}
command -v sipp >/dev/null || { apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null; }
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
GW=$PWD/target/release/rvoip-gw
WORK=$(mktemp -d); trap 'kill $GW_PID $UAS_PID 2>/dev/null; rm -rf "$WORK"' EXIT
GW_PID=; UAS_PID=
BUF=4194304   # SIPp's socket buffers; its default drops datagrams at these rates
mkdir -p perf/results
OUT=perf/results/sipp_load-$(date -u +%Y%m%d-%H%M%S).md

port() { python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$1/stat; }
rss_kb() { awk '/VmRSS/{print $2}' /proc/$1/status; }
rcvbuf_errors() { awk '/^Udp:/{n++} n==2{print $6; exit}' /proc/net/snmp; }
stats() { # SIPp -trace_stat file -> key=value summary
  python3 - "$1" <<'PY'
import sys
rows=[l.strip().split(';') for l in open(sys.argv[1]) if l.strip()]
h,last=rows[0],rows[-1]
g=lambda k:last[h.index(k)]
print(f"{g('TotalCallCreated')} {g('SuccessfulCall(C)')} {g('FailedCall(C)')} {g('Retransmissions(C)')} {g('FailedUnexpectedMessage(C)')} {g('ElapsedTime(C)')}")
PY
}
uac() { # name target_port extra-args...
  local name=$1 target=$2; shift 2
  local e0; e0=$(rcvbuf_errors)
  ( cd "$WORK" && timeout 300 sipp -sn uac 127.0.0.1:$target -i 127.0.0.1 -p "$(port)" -buff_size $BUF \
      -nostdin -timeout 240s -trace_stat -stf $name.csv -fd 1 "$@" >$name.out 2>&1 )
  echo "$? $(stats $WORK/$name.csv) $(( $(rcvbuf_errors) - e0 ))"
}
start_gw() {
  GWP=$(port)
  "$GW" --sip 127.0.0.1:$GWP --config perf/signalling.toml --log-level warn 2>"$WORK/gw.log" & GW_PID=$!
  for _ in $(seq 50); do grep -q listening "$WORK/gw.log" && break; sleep 0.1; done
}

# 1. Baseline: SIPp against SIPp.
UASP=$(port)
( cd "$WORK" && timeout 300 sipp -sn uas -i 127.0.0.1 -p $UASP -buff_size $BUF -nostdin -bg >/dev/null 2>&1 )
UAS_PID=$(pgrep -n -f "sipp -sn uas -i 127.0.0.1 -p $UASP"); sleep 0.5
read -r B_RC B_TOT B_OK B_FAIL B_RETR B_UNEXP B_TIME B_DROP < <(uac base $UASP -r $RATE -l 1000 -d $HOLD_MS -m $CALLS)
kill $UAS_PID 2>/dev/null

# 2. rvoip-gw at RATE.
start_gw
C0=$(cpu_s $GW_PID)
read -r G_RC G_TOT G_OK G_FAIL G_RETR G_UNEXP G_TIME G_DROP < <(uac gw $GWP -r $RATE -l 1000 -d $HOLD_MS -m $CALLS)
C1=$(cpu_s $GW_PID)
G_PEAK=$(grep -o 'cps=[0-9.]*' "$WORK/gw.log" | cut -d= -f2 | sort -n | tail -1)
kill $GW_PID; wait $GW_PID 2>/dev/null

# 3. HELD concurrent calls held HOLD_S seconds.
start_gw
R0=$(rss_kb $GW_PID)
( cd "$WORK" && timeout $((HOLD_S + HELD / HELD_RATE + 120)) sipp -sn uac 127.0.0.1:$GWP -i 127.0.0.1 -p "$(port)" \
    -buff_size $BUF -r $HELD_RATE -l $HELD -d $((HOLD_S * 1000)) -m $HELD -nostdin -timeout $((HOLD_S + 200))s \
    -trace_stat -stf held.csv -fd 1 >held.out 2>&1 ) &
SIPP_HELD=$!
PEAK_ACTIVE=0; PEAK_RSS=0
while kill -0 $SIPP_HELD 2>/dev/null; do
  sleep 1
  a=$(grep -o 'legs=[0-9]*' "$WORK/gw.log" | tail -1 | cut -d= -f2)
  r=$(rss_kb $GW_PID)
  [ "${a:-0}" -gt "$PEAK_ACTIVE" ] && PEAK_ACTIVE=$a
  [ "${r:-0}" -gt "$PEAK_RSS" ] && PEAK_RSS=$r
done
wait $SIPP_HELD; H_RC=$?
read -r H_TOT H_OK H_FAIL H_RETR H_UNEXP H_TIME < <(stats "$WORK/held.csv")
kill $GW_PID; wait $GW_PID 2>/dev/null

CPU_PER_CALL=$(python3 -c "print(f'{($C1-$C0)/$G_TOT*1e6:.0f}')")
RSS_PER_CALL=$(python3 -c "print(f'{($PEAK_RSS-$R0)*1024/max($PEAK_ACTIVE,1):.0f}')")
{
  echo "# SIPp load against rvoip-gw — $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), $(free -g | awk '/Mem/{print $2}') GiB, kernel $(uname -r)"
  echo "- rvoip $(git describe --always --dirty 2>/dev/null), $(sipp -v 2>&1 | grep -o 'SIPp v[0-9.]*')"
  echo "- command: \`RATE=$RATE CALLS=$CALLS HOLD_MS=$HOLD_MS HELD=$HELD HELD_RATE=$HELD_RATE HOLD_S=$HOLD_S perf/sipp_load.sh\`"
  echo "- SIPp: \`sipp -sn uac -r $RATE -l 1000 -d $HOLD_MS -m $CALLS -buff_size $BUF\` (built-in uac: INVITE, 100/180/200, ACK, pause, BYE)"
  echo
  echo "| run | calls | successful | failed | retransmissions | unexpected | elapsed | UDP rcvbuf drops |"
  echo "|---|---|---|---|---|---|---|---|"
  echo "| SIPp uac -> SIPp uas @ $RATE cps | $B_TOT | $B_OK | $B_FAIL | $B_RETR | $B_UNEXP | $B_TIME | $B_DROP |"
  echo "| SIPp uac -> rvoip-gw @ $RATE cps | $G_TOT | $G_OK | $G_FAIL | $G_RETR | $G_UNEXP | $G_TIME | $G_DROP |"
  echo "| $HELD held calls ($HOLD_S s) -> rvoip-gw | $H_TOT | $H_OK | $H_FAIL | $H_RETR | $H_UNEXP | $H_TIME | - |"
  echo
  echo "- rvoip-gw peak calls/s (its status line): $G_PEAK"
  echo "- rvoip-gw CPU (user+sys) per call at $RATE cps: ${CPU_PER_CALL} µs ($(python3 -c "print(f'{$C1-$C0:.2f}')") s for $G_TOT calls)"
  echo "- held calls: peak active $PEAK_ACTIVE, RSS $((R0/1024)) MiB idle -> $((PEAK_RSS/1024)) MiB peak, ${RSS_PER_CALL} bytes per held call (includes transactions kept for Timer J/L)"
} | tee "$OUT"
echo "written $OUT"
[ "$G_FAIL" = 0 ] && [ "$H_FAIL" = 0 ]
