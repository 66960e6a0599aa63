#!/usr/bin/env bash
# rvoip-rtpload over SIP against rvoip-gw: N calls INVITEd to the gateway's
# echo service (its embedded default route), one RTP endpoint per call
# streaming 50 packets/s of G.711 with the send time stamped in the payload,
# BYE at the end. Every packet crosses the gateway's media workers twice
# (in, echoed out), so the tool's latency is the round trip; the latency the
# workers add per packet comes from the gateway's /metrics. One fresh
# gateway per call count. Loopback only; bounded in calls and time.
# Writes perf/results/rtp_load_sip-<date>.md.
#   perf/rtp_load_sip.sh                          # 100, 500, 1000 calls, 10 s each
#   CALLS="1000" DURATION=30 REALTIME=10 perf/rtp_load_sip.sh   # workers at SCHED_FIFO 10 (root)
set -uo pipefail
cd "$(dirname "$0")/.."
source perf/lib.sh
CALLS=${CALLS:-"100 500 1000"}; DURATION=${DURATION:-10}; REALTIME=${REALTIME:-0}; CPS=${CPS:-500}
cargo build --release --bin rvoip-gw --bin rvoip-rtpload >/dev/null 2>&1 || { echo "build failed"; exit 1; }
ulimit -n 65536 2>/dev/null || true
GW=$PWD/target/release/rvoip-gw; TOOL=$PWD/target/release/rvoip-rtpload
WORK=$(mktemp -d); GW_PID=
trap 'kill $GW_PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/rtp_load_sip-$STAMP.md
ROWS=$WORK/rows.md
for n in $CALLS; do
  GWP=$(port); MET=127.0.0.1:$(port)
  printf '[metrics]\nlisten = "%s"\n[media]\nrealtime_priority = %s\n' "$MET" "$REALTIME" >"$WORK/gw.toml"
  "$GW" --sip 127.0.0.1:$GWP --config "$WORK/gw.toml" --log-level warn 2>"$WORK/gw.log" & GW_PID=$!
  for _ in $(seq 50); do grep -q listening "$WORK/gw.log" && break; sleep 0.1; done
  out=$(timeout $((DURATION + n / CPS + 90)) "$TOOL" --sip 127.0.0.1:$GWP --calls $n --cps $CPS --duration $DURATION --relay-pid $GW_PID)
  rc=$?
  get() { echo "$out" | awk -v k="$1" '$1==k {sub(/^[^ ]+ +/, ""); print}'; }
  lat=$(get latency_us); added=$(added_latency "$MET")
  kill $GW_PID; wait $GW_PID 2>/dev/null; GW_PID=
  echo "| $n | $(get calls) | $(get sent) | $(get received) | $(get lost) | $(get rate_pps) | $lat | $(get relay_cpu_s) | $added | $rc |" >>"$ROWS"
done
{
  echo "# RTP load over SIP through rvoip-gw — $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r); the tool and the gateway share the cores, loopback only"
  echo "- rvoip $(git describe --always --dirty 2>/dev/null)"
  echo "- command: \`CALLS=\"$CALLS\" DURATION=$DURATION REALTIME=$REALTIME CPS=$CPS perf/rtp_load_sip.sh\`"
  echo "- gateway: \`rvoip-gw --sip 127.0.0.1:PORT\` (embedded default: calls go to the echo service; media.realtime_priority = $REALTIME)"
  echo "- load: \`rvoip-rtpload --sip 127.0.0.1:PORT --calls N --cps $CPS --duration $DURATION --relay-pid GW\`: N calls, 50 pps each way per call"
  echo "- round trip: tool -> gateway worker -> echo -> gateway worker -> tool; CPU is the whole gateway's (signalling and media) while the media flows"
  echo
  echo "| calls | SIP outcome | sent | received | lost | pps back | round trip (µs) | gateway CPU | latency the workers added (/metrics) | exit |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  cat "$ROWS"
} >"$OUT"
cat "$OUT"
