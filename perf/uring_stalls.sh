#!/usr/bin/env bash
# A wake-up the io_uring path misses (issue #21): rvoip-rtpload (in-process
# relay, one worker pinned to core 0, the load tool on core LOAD_CORE,
# packets spread over SLOTS slots of each 20 ms tick) run PAIRS times on
# each media I/O back-end, alternately, CALLS calls for DURATION s each;
# per run the end-to-end latency max, when the slowest packet was sent and
# how many took over 20 ms, and the packets the relay dropped as late
# (older than 40 ms). A worker that sleeps on while its datagrams
# wait shows as a max of tens of ms and late drops. Loopback only;
# bounded. Writes perf/results/uring_stalls-<date>.md.
#   perf/uring_stalls.sh
#   PAIRS=4 CALLS=300 perf/uring_stalls.sh
set -uo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-8}; CALLS=${CALLS:-100}; DURATION=${DURATION:-6}; SLOTS=${SLOTS:-20}; LOAD_CORE=${LOAD_CORE:-1}
RELAY_IP=${RELAY_IP:-127.0.0.2}; BASE_PORT=${BASE_PORT:-14000}
cargo build --release --bin rvoip-rtpload >/dev/null 2>&1 || { echo "build failed"; exit 1; }
TOOL=target/release/rvoip-rtpload
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/uring_stalls-$STAMP.md
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg); ROWS=()
declare -A STALLED=([epoll]=0 [uring]=0) LATE=([epoll]=0 [uring]=0)
for i in $(seq 1 "$PAIRS"); do
  for io in epoll uring; do
    out=$(timeout $((DURATION * 3 + 60)) "$TOOL" --load-core "$LOAD_CORE" --calls "$CALLS" --duration "$DURATION" \
      --workers 1 --relay-ip "$RELAY_IP" --base-port "$BASE_PORT" --io "$io" --slots "$SLOTS" 2>&1)
    mx=$(echo "$out" | awk '$1=="latency_us"' | sed 's/.*max=\([0-9]*\).*/\1/')
    p99=$(echo "$out" | awk '$1=="latency_us"' | sed 's/.*p99=\([0-9]*\).*/\1/')
    late=$(echo "$out" | awk '$1=="relay_drops"' | sed 's/.*late=\([0-9]*\).*/\1/')
    at=$(echo "$out" | awk '$1=="slowest"{print $4}'); slow=$(echo "$out" | awk '$1=="slowest"{print $9}')
    [ "${mx:-0}" -gt 20000 ] && STALLED[$io]=$((STALLED[$io] + 1))
    LATE[$io]=$((LATE[$io] + ${late:-0}))
    ROWS+=("| $i | $io | ${p99:-?} | ${mx:-?} | ${at:-?} | ${slow:-?} | ${late:-?} |")
    echo "${ROWS[-1]}" >&2
  done
done
{
  echo "# Relay stalls by media I/O back-end — $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cores, kernel $(uname -r); load average at start $LOAD0, at end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- rvoip $(git describe --always --dirty 2>/dev/null)"
  echo "- command: \`PAIRS=$PAIRS CALLS=$CALLS DURATION=$DURATION SLOTS=$SLOTS LOAD_CORE=$LOAD_CORE perf/uring_stalls.sh\` (rvoip-rtpload --load-core $LOAD_CORE --calls $CALLS --duration $DURATION --workers 1 --relay-ip $RELAY_IP --base-port $BASE_PORT --io epoll|uring --slots $SLOTS; the worker pinned to core 0)"
  echo "- runs with a latency max over 20 ms: epoll ${STALLED[epoll]} of $PAIRS, io_uring ${STALLED[uring]} of $PAIRS; packets dropped as late: epoll ${LATE[epoll]}, io_uring ${LATE[uring]}"
  echo
  echo "| pair | I/O | p99 µs | max µs | slowest sent at s (of $DURATION) | packets over 20 ms | late drops |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} >"$OUT"
cat "$OUT"
