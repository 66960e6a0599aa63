#!/usr/bin/env bash
# The 1000-call benchmark: SIPp UAC -> rvoip-gw (B2BUA, media anchored on its
# workers) -> SIPp UAS, both SIPp sides streaming G.711 u-law (rtp_stream of a
# 1 kHz tone file made here, 50 packets/s) for the whole call. Loopback only;
# bounded in calls and time. Writes perf/results/b2bua_load-<date>.md and a
# PNG of active calls, gateway CPU and RSS over the run.
#
# TRANSCODE=1: the calling side is `rvoip-gw call --codec opus --echo`
# instead of SIPp: the gateway transcodes SIPp's G.711 to Opus for the
# caller, whose echo sends it back, and Opus to G.711 for SIPp (every packet
# through an Opus encoder or decoder).
#
# SRTP=1: the calling side is `rvoip-gw call --srtp mandatory --sdes-in-clear
# --echo`: the caller's leg is SRTP (RTP/SAVP, SDES keys over UDP, which the
# gateway allows here with sip.sdes_in_clear), SIPp's leg plain RTP; the
# gateway unprotects and protects every packet (issue #16).
#
#   perf/b2bua_load.sh                      # 1000 calls at 100 cps, held 30 s
#   CALLS=500 RATE=50 HOLD_S=20 perf/b2bua_load.sh
#   TRANSCODE=1 CALLS=150 RATE=15 perf/b2bua_load.sh
#   SRTP=1 perf/b2bua_load.sh
#   CALLING=rvoip perf/b2bua_load.sh         # the SRTP run's caller without SRTP (to compare)
#   GW_BIN=target/before-REV/release/rvoip-gw perf/b2bua_load.sh   # another build
#   REALTIME=10 perf/b2bua_load.sh          # media workers at SCHED_FIFO 10 (root)
set -uo pipefail
cd "$(dirname "$0")/.."
source perf/lib.sh
CALLS=${CALLS:-1000}; RATE=${RATE:-100}; HOLD_S=${HOLD_S:-30}; TRANSCODE=${TRANSCODE:-0}; SRTP=${SRTP:-0}; REALTIME=${REALTIME:-0}
command -v sipp >/dev/null || { apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null; }
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
ulimit -n 65536 2>/dev/null || true
# GW_BIN: another build to run (a before/after pair), else the tree's.
GW=${GW_BIN:-$PWD/target/release/rvoip-gw}
S=$PWD/sipp/scenarios
WORK=$(mktemp -d); GW_PID=; UAS_PID=
trap 'kill $GW_PID $UAS_PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p perf/results
NAME=b2bua_load; [ "$TRANSCODE" = 1 ] && NAME=b2bua_transcode; [ "$SRTP" = 1 ] && NAME=b2bua_srtp
CALL_FLAGS=""; [ "$TRANSCODE" = 1 ] && CALL_FLAGS="--codec opus --echo"
[ "$SRTP" = 1 ] && CALL_FLAGS="$CALL_FLAGS --srtp mandatory --sdes-in-clear --echo"
[ "${CALLING:-sipp}" = rvoip ] && [ -z "$CALL_FLAGS" ] && { CALL_FLAGS="--echo"; NAME=b2bua_echo_caller; }
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/$NAME-$STAMP.md
BUF=4194304

cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$1/stat; }
# Datagrams the kernel dropped on a process's UDP sockets (full buffers).
sock_drops() {
  python3 - "$1" <<'PY'
import os, sys
pid = sys.argv[1]
inodes = set()
for fd in os.listdir(f"/proc/{pid}/fd"):
    try:
        t = os.readlink(f"/proc/{pid}/fd/{fd}")
    except OSError:
        continue
    if t.startswith("socket:["):
        inodes.add(t[8:-1])
total = 0
for line in open("/proc/net/udp").readlines()[1:]:
    f = line.split()
    if f[9] in inodes:
        total += int(f[-1])
print(total)
PY
}

# A second of 1 kHz tone, G.711 u-law, looped by rtp_stream.
python3 - "$WORK/tone.ulaw" <<'PY'
import math, sys
def ulaw(s):
    sign = 0x80 if s < 0 else 0
    s = min(abs(s), 32635) + 0x84
    exp, mask = 7, 0x4000
    while exp > 0 and not s & mask:
        exp -= 1; mask >>= 1
    return ~(sign | exp << 4 | (s >> (exp + 3)) & 0x0F) & 0xFF
open(sys.argv[1], "wb").write(bytes(ulaw(int(8000 * math.sin(2 * math.pi * 1000 * i / 8000))) for i in range(8000)))
PY

GWP=$(port); UASP=$(port); MET=127.0.0.1:$(port)
# Separate RTP port ranges: the calling rvoip-gw of TRANSCODE=1 runs here too.
printf '[metrics]\nlisten = "%s"\n[media]\nport_min = 10000\nport_max = 20000\nrealtime_priority = %s\n[sip]\nsdes_in_clear = %s\n' \
  "$MET" "$REALTIME" "$([ "$SRTP" = 1 ] && echo true || echo false)" >"$WORK/gw.toml"
printf '[media]\nport_min = 20000\nport_max = 30000\n' >"$WORK/caller.toml"
"$GW" --sip 127.0.0.1:$GWP --route sip:127.0.0.1:$UASP --config "$WORK/gw.toml" --log-level warn 2>"$WORK/gw.log" & GW_PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/gw.log" && break; sleep 0.1; done
LIMIT=$((HOLD_S + CALLS / RATE + 120))
( cd "$WORK" && timeout $LIMIT sipp -sf "$S/uas_rtp.xml" -i 127.0.0.1 -mi 127.0.0.1 -p $UASP -mp 40000 \
    -m $CALLS -buff_size $BUF -nostdin -timeout ${LIMIT}s -trace_stat -stf uas.csv -fd 1 >uas.out 2>&1 ) &
UAS_PID=$!
sleep 0.5
C0=$(cpu_s $GW_PID); T0=$(date +%s.%N)
if [ -n "$CALL_FLAGS" ]; then
  ( cd "$WORK" && timeout $LIMIT "$GW" --config caller.toml call sip:bob@127.0.0.1:$GWP --count $CALLS --rate $RATE \
      --duration $HOLD_S --concurrency $CALLS $CALL_FLAGS >uac.out 2>uac.err ) &
else
  ( cd "$WORK" && timeout $LIMIT sipp 127.0.0.1:$GWP -sf "$S/uac_rtp.xml" -i 127.0.0.1 -mi 127.0.0.1 -p "$(port)" \
      -mp 46000 -r $RATE -l $CALLS -m $CALLS -d $((HOLD_S * 1000)) -buff_size $BUF -nostdin -timeout ${LIMIT}s \
      -trace_stat -stf uac.csv -fd 1 >uac.out 2>&1 ) &
fi
UAC_PID=$!
echo "t_s,calls,cpu_pct,rss_mib" >"$WORK/timeline.csv"
PEAK_CALLS=0; PREV=$C0; PREV_T=$T0
while kill -0 $UAC_PID 2>/dev/null; do
  sleep 1
  c=$(grep -o 'calls=[0-9]*' "$WORK/gw.log" | tail -1 | cut -d= -f2); c=${c:-0}
  now=$(cpu_s $GW_PID); now_t=$(date +%s.%N); rss=$(awk '/VmRSS/{printf "%.1f", $2/1024}' /proc/$GW_PID/status)
  echo "$(awk -v a="$now_t" -v b="$T0" -v c="$now" -v d="$PREV" -v e="$PREV_T" \
    'BEGIN{printf "%.1f", a-b}'),$c,$(awk -v c="$now" -v d="$PREV" -v a="$now_t" -v e="$PREV_T" \
    'BEGIN{printf "%.1f", (c-d)*100/(a-e)}'),$rss" >>"$WORK/timeline.csv"
  PREV=$now; PREV_T=$now_t; [ "$c" -gt "$PEAK_CALLS" ] && PEAK_CALLS=$c
done
wait $UAC_PID; UAC_RC=$?
wait $UAS_PID; UAS_RC=$?
T1=$(date +%s.%N); C1=$(cpu_s $GW_PID)
sleep 2   # the last calls' media counters arrive after their BYE
LAST=$(grep 'rtp_in=' "$WORK/gw.log" | tail -1)
DROPS=$(sock_drops $GW_PID)
# Latency the workers added per packet (kernel arrival stamp to sent).
LAT=$(added_latency "$MET")
HWM=$(awk '/VmHWM/{printf "%.1f", $2/1024}' /proc/$GW_PID/status)
XCODED=$(python3 -c "import urllib.request;print(next((l.split()[-1] for l in urllib.request.urlopen('http://$MET/metrics').read().decode().splitlines() if l.startswith('rvoip_transcoded_calls_total')),'?'))")
SRTP_DROPS=$(python3 -c "import urllib.request;print(sum(int(float(l.split()[-1])) for l in urllib.request.urlopen('http://$MET/metrics').read().decode().splitlines() if l.startswith(('rvoip_srtp_auth_failed_total','rvoip_srtp_replayed_total'))))")
kill $GW_PID; wait $GW_PID 2>/dev/null
if [ -n "$CALL_FLAGS" ]; then
  # `rvoip-gw call` prints attempted/answered/failed; it has no retransmission count.
  A_TOT=$(awk '/^attempted/{print $2}' "$WORK/uac.out"); A_OK=$(awk '/^answered/{print $2}' "$WORK/uac.out")
  A_FAIL=$(awk '/^failed/{print $2}' "$WORK/uac.out"); A_RETR=n/a; A_UNEXP=n/a
  A_TOT=${A_TOT:-0}; A_OK=${A_OK:-0}; A_FAIL=${A_FAIL:-$CALLS}
else
  read -r A_TOT A_OK A_FAIL A_RETR A_UNEXP < <(stats "$WORK/uac.csv")
fi
read -r B_TOT B_OK B_FAIL B_RETR B_UNEXP < <(stats "$WORK/uas.csv")
field() { echo "$LAST" | grep -o "$1=[0-9]*" | cut -d= -f2; }
RIN=$(field rtp_in); ROUT=$(field rtp_out); RLOST=$(field rtp_lost)
read -r ELAPSED CPU CPU_PER_1K LOSS CPS < <(python3 -c "
e=$T1-$T0; cpu=$C1-$C0; calls=max($A_OK,1)
print(f'{e:.1f} {cpu:.2f} {cpu/calls*1000:.2f} {100*$RLOST/max($RIN+$RLOST,1):.4f} {$A_TOT/ ($CALLS/$RATE):.1f}')")
EXPECTED=$((CALLS * HOLD_S * 50 * 2))

python3 -c "import matplotlib" 2>/dev/null || pip install -q matplotlib >/dev/null 2>&1
if [ "$SRTP" = 1 ]; then
  TITLE="rvoip-gw call (SRTP, echo) -> rvoip-gw -> SIPp UAS (RTP), $CALLS calls, SRTP on the caller's leg"
  CALLER="\`rvoip-gw call sip:bob@GW --count $CALLS --rate $RATE --duration $HOLD_S --srtp mandatory --sdes-in-clear --echo\` (RTP/SAVP with SDES keys, sends back what it hears, protected)"
elif [ "$CALL_FLAGS" = "--echo" ]; then
  TITLE="rvoip-gw call (RTP, echo) -> rvoip-gw -> SIPp UAS (RTP), $CALLS calls"
  CALLER="\`rvoip-gw call sip:bob@GW --count $CALLS --rate $RATE --duration $HOLD_S --echo\` (plain RTP, sends back what it hears)"
elif [ "$TRANSCODE" = 1 ]; then
  TITLE="rvoip-gw call (Opus, echo) -> rvoip-gw -> SIPp UAS (G.711), $CALLS calls transcoded both ways"
  CALLER="\`rvoip-gw call sip:bob@GW --count $CALLS --rate $RATE --duration $HOLD_S --codec opus --echo\` (offers only Opus, sends back what it hears)"
else
  TITLE="SIPp UAC -> rvoip-gw -> SIPp UAS, $CALLS calls with G.711 RTP both ways"
  CALLER="\`sipp -sf sipp/scenarios/uac_rtp.xml -r $RATE -l $CALLS -m $CALLS -d $((HOLD_S * 1000))\`, streaming a 1 kHz G.711 u-law tone (PT 0, 20 ms) with rtp_stream for the whole call"
fi
python3 - "$WORK/timeline.csv" "perf/results/$NAME-$STAMP.png" "$TITLE" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
try:
    import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
except ImportError:
    sys.exit(0)
t = [float(r["t_s"]) for r in rows]
fig, ax = plt.subplots(3, 1, sharex=True, figsize=(8, 7))
ax[0].plot(t, [int(r["calls"]) for r in rows]); ax[0].set_ylabel("active calls")
ax[1].plot(t, [float(r["cpu_pct"]) for r in rows], color="tab:red"); ax[1].set_ylabel("rvoip-gw CPU %")
ax[2].plot(t, [float(r["rss_mib"]) for r in rows], color="tab:green"); ax[2].set_ylabel("RSS MiB")
ax[2].set_xlabel("seconds")
fig.suptitle(sys.argv[3], fontsize=9)
fig.tight_layout(); fig.savefig(sys.argv[2], dpi=90)
PY

{
  echo "# B2BUA benchmark with media: $TITLE"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); SIPp $(sipp -v 2>&1 | grep -o 'v[0-9.]*' | head -1), everything on loopback on the same cores; gateway binary $GW"
  echo "- command: \`CALLING=${CALLING:-sipp} SRTP=$SRTP TRANSCODE=$TRANSCODE REALTIME=$REALTIME CALLS=$CALLS RATE=$RATE HOLD_S=$HOLD_S perf/b2bua_load.sh\`"
  echo "- gateway: \`rvoip-gw --sip 127.0.0.1:$GWP --route sip:127.0.0.1:$UASP\` (embedded default config; media.realtime_priority = $REALTIME$( [ "$REALTIME" != 0 ] && grep -q 'real-time' "$WORK/gw.log" && echo ', REFUSED: see the log'))"
  echo "- caller: $CALLER"
  echo "- callee: \`sipp -sf sipp/scenarios/uas_rtp.xml\`, streaming a 1 kHz G.711 u-law tone (PT 0, 20 ms) with rtp_stream from the ACK to the BYE"
  echo
  echo "| | value |"
  echo "|---|---|"
  echo "| calls attempted (UAC) | $A_TOT |"
  echo "| calls answered end to end (UAC successful) | $A_OK |"
  echo "| calls failed (UAC / UAS) | $A_FAIL / $B_FAIL |"
  echo "| retransmissions (UAC / UAS) | $A_RETR / $B_RETR |"
  echo "| unexpected messages (UAC / UAS) | $A_UNEXP / $B_UNEXP |"
  echo "| peak concurrent calls (gateway) | $PEAK_CALLS |"
  echo "| calls transcoded (gateway) | $XCODED |"
  echo "| SRTP packets dropped (authentication, replay; gateway) | $SRTP_DROPS |"
  echo "| offered call rate | $RATE cps |"
  echo "| RTP packets the SIPp sides streamed (received + lost at the gateway) | $((RIN + RLOST)) (nominal $EXPECTED) |"
  echo "| RTP packets received by the gateway | $RIN |"
  echo "| RTP packets lost on the way in (RFC 3550 sequence gaps) | $RLOST ($LOSS %) |"
  echo "| datagrams dropped by the kernel on the gateway's sockets | $DROPS |"
  echo "| RTP packets relayed out by the gateway | $ROUT |"
  echo "| gateway CPU over the run | $CPU s in $ELAPSED s |"
  echo "| gateway CPU per 1,000 calls (with ${HOLD_S} s of media each) | $CPU_PER_1K s |"
  echo "| gateway peak RSS | $HWM MiB |"
  echo "| latency added by the media workers (kernel arrival stamp to sent) | $LAT |"
  echo "| SIPp exit codes (UAC / UAS) | $UAC_RC / $UAS_RC |"
  echo
  echo "SIPp 3.6.1's rtp_stream does not count what it receives, so delivery to"
  echo "the SIPp sides is the gateway's relayed-out count; loss is measured where"
  echo "the packets enter the gateway (sequence numbers per leg, RFC 3550) and"
  echo "by the kernel's drop counter on the gateway's sockets."
  echo
  echo "Targets (issue #4): zero failed calls, < 0.01 % packet loss."
  echo
  echo "![timeline]($NAME-$STAMP.png)"
  echo
  echo "Final gateway status line: \`$LAST\`"
} >"$OUT"
cat "$OUT"
