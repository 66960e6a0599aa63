#!/usr/bin/env bash
# Issue #21 item 2, transcoding on threads of its own: rvoip-rtpload
# (in-process media plane, one worker pinned to core 0, loopback, 50 pps
# both ways per call) with PLAIN relayed calls plus each of TRANSCODED
# PCMU<->Opus calls, the worker transcoding inline (--transcoders 0) and
# on one transcoder thread (--transcoders 1: pinned to core 1, which it
# shares with the load tool's unpinned threads), alternately, who goes
# first rotating each round. Reports the plain calls' loss and end-to-end
# latency p50/p99/max, the transcoded calls' loss (counted, not timed:
# the send stamp does not survive re-coding), the worker's own added
# latency (kernel arrival to sent, all its packets), the relay's CPU
# (worker and transcoder threads) per packet and the transcode queue's
# drops. Each run stops itself (timeout).
# Writes perf/results/transcode_split-<date>.md.
#   perf/transcode_split.sh
#   PLAIN=500 TRANSCODED="0 100 250" DURATION=10 ROUNDS=2 perf/transcode_split.sh
set -uo pipefail
cd "$(dirname "$0")/.."
PLAIN=${PLAIN:-500}; TRANSCODED=${TRANSCODED:-"0 100 200 250"}; DURATION=${DURATION:-10}; ROUNDS=${ROUNDS:-1}
WORKERS=${WORKERS:-1}; IO=${IO:-uring}
# A 127.0.0.0/8 address and ports of our own: other gateways on a shared
# machine bind 127.0.0.1 from the bottom of the media range (a shared port,
# SO_REUSEPORT, would split its packets).
RELAY_IP=${RELAY_IP:-127.0.0.77}; BASE_PORT=${BASE_PORT:-24000}
FEATURES=${FEATURES:-}
cargo build --release --bin rvoip-rtpload ${FEATURES:+--features "$FEATURES"} >/dev/null 2>&1 || { echo "build failed"; exit 1; }
TOOL=target/release/rvoip-rtpload
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/transcode_split-$STAMP.md
ROWS=$(mktemp); LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY0=$(ps -eo pcpu,comm --sort=-pcpu | awk 'NR>1 && $1>=5 {printf "%s %s%%, ", $2, $1}')
run() { # transcoded calls, transcoder threads
  local m=$1 t=$2
  local out; out=$(timeout $((DURATION * 3 + 60)) "$TOOL" --calls "$PLAIN" --transcoded "$m" --transcoders "$t" \
    --duration "$DURATION" --workers "$WORKERS" --io "$IO" --relay-ip "$RELAY_IP" --base-port "$BASE_PORT" 2>&1)
  get() { echo "$out" | awk -v k="$1" '$1==k {print}'; }
  local lost lat p50 p99 mx xlost added ap50 ap99 cpu nspp xdrop late kern
  lost=$(get lost | sed 's/.*(\(.*\) %)/\1/')
  lat=$(get latency_us); p50=$(sed 's/.*p50=\([0-9]*\).*/\1/' <<<"$lat"); p99=$(sed 's/.*p99=\([0-9]*\).*/\1/' <<<"$lat"); mx=$(sed 's/.*max=\([0-9]*\).*/\1/' <<<"$lat")
  xlost=$(get transcoded | sed -n 's/.*lost [0-9]* (\([0-9.]*\) %.*/\1/p')
  added=$(get added_us); ap50=$(sed 's/.*p50=\([0-9]*\).*/\1/' <<<"$added"); ap99=$(sed 's/.*p99=\([0-9]*\).*/\1/' <<<"$added")
  cpu=$(get relay_cpu_s | awk '{print $2}'); nspp=$(get relay_cpu_s | sed 's/.*, \([0-9]*\) ns per packet.*/\1/')
  xdrop=$(get relay_drops | sed -n 's/.*transcode=\([0-9]*\).*/\1/p')
  late=$(get relay_drops | sed -n 's/.*late=\([0-9]*\).*/\1/p'); kern=$(get relay_drops | sed -n 's/.*kernel=\([0-9]*\).*/\1/p')
  echo "| $PLAIN | $m | $t | ${lost:-failed} | $p50 | $p99 | $mx | ${xlost:-n/a} | $ap50 | $ap99 | $cpu | $nspp | ${xdrop:-n/a} | ${late:-n/a} | ${kern:-n/a} |" >>"$ROWS"
  tail -1 "$ROWS" >&2
}
for r in $(seq 1 "$ROUNDS"); do
  for m in $TRANSCODED; do
    if [ $((r % 2)) -eq 1 ]; then run "$m" 0; run "$m" 1; else run "$m" 1; run "$m" 0; fi
  done
done
{
  echo "# Transcoding inline or on a thread of its own: plain relay latency beside transcoded calls — $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r); load average at start $LOAD0, at end $(cut -d' ' -f1-3 /proc/loadavg); busy processes at start: ${BUSY0:-none over 5 %}"
  echo "- rvoip $(git describe --always --dirty 2>/dev/null)${FEATURES:+, features $FEATURES}"
  echo "- command: \`PLAIN=$PLAIN TRANSCODED=\"$TRANSCODED\" DURATION=$DURATION ROUNDS=$ROUNDS WORKERS=$WORKERS IO=$IO RELAY_IP=$RELAY_IP BASE_PORT=$BASE_PORT perf/transcode_split.sh\` (rvoip-rtpload --calls $PLAIN --transcoded M --transcoders 0|1 --duration $DURATION --workers $WORKERS --io $IO --relay-ip $RELAY_IP --base-port $BASE_PORT; workers pinned to cores 0..$((WORKERS - 1)), the transcoder thread to core $((WORKERS % $(nproc))) (the first after the workers', wrapping), the load tool's threads unpinned on the same $(nproc) cores)"
  echo "- plain: the relayed calls' loss and end-to-end latency, sender to receiver through the relay (µs); transcoded loss: counted only; added: the worker's own histogram, kernel arrival stamp to sent (inline: every packet; with a thread: relayed packets sent, voice handed off), µs; relay CPU: the worker and transcoder threads, per packet received at the endpoints; xq drops: voice dropped for a full transcoder queue; late, kernel: packets the worker dropped for waiting over 40 ms, and the kernel for full socket buffers (loss the endpoints see beyond these is the load tool's own, sharing the cores)"
  echo
  echo "| plain calls | transcoded calls | transcoder threads | plain loss % | plain p50 µs | plain p99 µs | plain max µs | transcoded loss % | added p50 µs | added p99 µs | relay CPU s | relay ns / packet | xq drops | late | kernel |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$ROWS"
} >"$OUT"
rm -f "$ROWS"
cat "$OUT"
