#!/usr/bin/env bash
# Issue #18's benchmark of reliable provisionals and session timers: SIPp
# UAC -> rvoip-gw (B2BUA) -> SIPp UAS, CALLS calls at RATE cps, each held
# HOLD_S s (1,000 at 5 cps for 200 s: 1,000 concurrent). The caller
# requires 100rel (PRACKs the gateway's reliable 180) and asks a 180 s
# session it refreshes at 90 s; the gateway asks the callee for 180 s too
# and refreshes that leg itself at 90 and 180 s. Then the same calls plain
# (no 100rel, no timers), for the CPU per call side by side. Signalling
# only (no RTP). Loopback; bounded in calls and time. Writes
# perf/results/prack_timer_load-<date>.md.
#
#   perf/prack_timer_load.sh                 # 1000 calls, 5 cps, 200 s
#   CALLS=20 RATE=10 HOLD_S=12 REFRESH_S=5 SE_S=90 perf/prack_timer_load.sh   # a quick look
set -uo pipefail
cd "$(dirname "$0")/.."
source perf/lib.sh
CALLS=${CALLS:-1000}; RATE=${RATE:-5}; HOLD_S=${HOLD_S:-200}; REFRESH_S=${REFRESH_S:-90}; SE_S=${SE_S:-180}
command -v sipp >/dev/null || { apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null; }
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
ulimit -n 65536 2>/dev/null || true
GW=$PWD/target/release/rvoip-gw
S=$PWD/perf/scenarios
WORK=$(mktemp -d); GW_PID=
trap 'kill $GW_PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/prack_timer_load-$STAMP.md
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$1/stat; }

# run NAME UAC UAS SESSION_EXPIRES: one run; prints its table row.
run() {
  local name=$1 uac=$2 uas=$3 se=$4 dir="$WORK/$1"; mkdir -p "$dir"
  local gwp uasp; gwp=$(port); uasp=$(port)
  # No RTP in these calls: the media timeout must outlast the hold.
  printf '[timers]\nsession_expires_s = %s\n[media]\nport_min = 10000\nport_max = 30000\ntimeout_secs = %s\n' \
    "$se" $((HOLD_S + 120)) >"$dir/gw.toml"
  "$GW" --sip 127.0.0.1:$gwp --route sip:127.0.0.1:$uasp --config "$dir/gw.toml" --log-level warn 2>"$dir/gw.log" &
  GW_PID=$!
  for _ in $(seq 50); do grep -q listening "$dir/gw.log" && break; sleep 0.1; done
  local limit=$((HOLD_S + CALLS / RATE + 120))
  for f in "$uac" "$uas"; do
    sed -e "s/@REFRESH_MS@/$((REFRESH_S * 1000))/; s/@REST_MS@/$(((HOLD_S - REFRESH_S) * 1000))/; s/@HOLD_MS@/$((HOLD_S * 1000))/" \
      -e "s/Session-Expires: 180;/Session-Expires: $SE_S;/" "$S/$f" >"$dir/$f"
  done
  ( cd "$dir" && timeout $limit sipp -sf "$uas" -i 127.0.0.1 -mi 127.0.0.1 -p $uasp -mp 40000 -m $CALLS \
      -nostdin -timeout ${limit}s -trace_stat -stf uas.csv -fd 5 -trace_err >uas.out 2>&1 ) &
  local uas_pid=$!
  sleep 0.5
  local c0 t0; c0=$(cpu_s $GW_PID); t0=$(date +%s.%N)
  ( cd "$dir" && timeout $limit sipp 127.0.0.1:$gwp -sf "$uac" -i 127.0.0.1 -mi 127.0.0.1 -p "$(port)" -mp 46000 \
      -r $RATE -l $CALLS -m $CALLS -nostdin -timeout ${limit}s -trace_stat -stf uac.csv -fd 5 -trace_err >uac.out 2>&1 )
  local uac_rc=$?
  wait $uas_pid; local uas_rc=$?
  local c1 t1; c1=$(cpu_s $GW_PID); t1=$(date +%s.%N)
  local hwm; hwm=$(awk '/VmHWM/{printf "%.1f", $2/1024}' /proc/$GW_PID/status)
  local peak; peak=$(grep -o 'calls=[0-9]*' "$dir/gw.log" | cut -d= -f2 | sort -n | tail -1)
  local last; last=$(grep 'calls=' "$dir/gw.log" | tail -1)
  kill $GW_PID; wait $GW_PID 2>/dev/null; GW_PID=
  local a b
  a=$(stats "$dir/uac.csv" 2>/dev/null || echo "? ? ? ? ?"); b=$(stats "$dir/uas.csv" 2>/dev/null || echo "? ? ? ? ?")
  read -r at aok afail aretr aunexp <<<"$a"; read -r bt bok bfail bretr bunexp <<<"$b"
  local cpu per; cpu=$(awk -v a="$c1" -v b="$c0" 'BEGIN{printf "%.2f", a-b}')
  per=$(awk -v c="$cpu" -v n="${aok:-0}" 'BEGIN{printf "%.0f", (n > 0 ? c / n * 1e6 : 0)}')
  echo "| $name | $at | $aok | $afail / $bfail | $aretr / $bretr | $aunexp / $bunexp | ${peak:-?} | $cpu s in $(awk -v a="$t1" -v b="$t0" 'BEGIN{printf "%.0f", a-b}') s | $per µs | $hwm MiB | exit $uac_rc / $uas_rc |"
  echo "    last status: $last" >>"$WORK/notes"
  cat "$dir"/*errors.log 2>/dev/null | head -c 600 | sed 's/^/    /' >>"$WORK/notes"; echo >>"$WORK/notes"
}

ROW1=$(run "100rel + session timers" uac_rel_timer.xml uas_refreshes.xml $SE_S)
ROW2=$(run "plain" uac_plain_hold.xml uas_plain.xml 0)
{
  echo "# Reliable provisionals and session timers under load (issue #18)"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); SIPp $(sipp -v 2>&1 | grep -o 'v[0-9.]*' | head -1); everything on loopback on the same cores, nothing pinned"
  echo "- command: \`CALLS=$CALLS RATE=$RATE HOLD_S=$HOLD_S REFRESH_S=$REFRESH_S SE_S=$SE_S perf/prack_timer_load.sh\`"
  echo "- gateway: \`rvoip-gw --sip ... --route sip:<SIPp UAS>\` with \`timers.session_expires_s\` = $SE_S (first run) or 0 (plain)"
  echo "- caller: \`sipp -sf perf/scenarios/uac_rel_timer.xml -r $RATE -l $CALLS -m $CALLS\` (Require: 100rel, PRACK, Session-Expires: $SE_S;refresher=uac, refresh re-INVITE at $REFRESH_S s, BYE at $HOLD_S s) / \`uac_plain_hold.xml\`"
  echo "- callee: \`sipp -sf perf/scenarios/uas_refreshes.xml\` (grants $SE_S s with the gateway refreshing; answers each refresh) / \`uas_plain.xml\`"
  echo
  echo "| run | calls | successful (UAC) | failed (UAC / UAS) | retransmissions (UAC / UAS) | unexpected (UAC / UAS) | peak calls (gateway) | gateway CPU | CPU per call | peak RSS | SIPp exit |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  echo "$ROW1"
  echo "$ROW2"
  echo
  echo "Notes (gateway status line at the end, SIPp errors if any):"
  echo
  cat "$WORK/notes"
} >"$OUT"
cat "$OUT"
