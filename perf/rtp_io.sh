#!/usr/bin/env bash
# Issue #21 item 1: the media workers' two I/O back-ends side by side in
# one run. rvoip-rtpload (in-process media plane, loopback, 50 pps of
# G.711 both ways per call) with the workers on epoll (recvmmsg/sendmmsg
# per ready socket) and on io_uring (multishot receives on every socket
# into one provided-buffer ring, the sends of a batch submitted
# together), alternately at each call count, who goes first rotating by
# round. Reports loss, end-to-end latency p50/p99/max, the workers' own
# added latency p50/p99, the late and kernel drops, and the relay's CPU
# per packet received and per packet read. Writes perf/results/rtp_io-<date>.md.
#   perf/rtp_io.sh                                   # 1,000 and 2,000 calls, one worker, 2 rounds
#   CALLS="1000 2000 4000" DURATION=10 ROUNDS=3 WORKERS=1 perf/rtp_io.sh
# BUSY_POLLS="0 50 200": each back-end also with its workers polling that
# many µs for packets before they sleep (rvoip-rtpload --busy-poll-us), every
# setting at each call count in one run. SLOTS=N spreads each 20 ms tick's
# packets over N slots (1: all calls' packets in one burst); LOAD_CORE=C
# pins the load tool's threads to core C (rvoip-rtpload --load-core: the
# worker keeps core 0; unset: unpinned). SHARED=1 (the default with
# LOAD_CORE set) puts every endpoint on one socket (--shared-socket:
# sendmmsg out, recvmmsg in, read between the sender's batches without
# sleeping), so the load tool's core keeps up with the relay's at
# thousands of calls and its receiver is never woken by the relay's sends;
# SHARED=0 (the default without LOAD_CORE, where a spinning sender could
# land on the worker's core): a socket per endpoint, a send and a wake-up each.
# BARE=1 adds, at each call count, a bare relay in place of the media plane
# (rvoip-rtpload --bare: one thread on core 0, epoll, a recvmmsg and a
# sendmmsg per ready socket, nothing else): the floor a relay with a socket
# per leg pays on this machine, read against in the same run (at normal
# priority whatever REALTIME says; --workers, --io and the late bound do
# not apply to it).
set -uo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-"1000 2000"}; DURATION=${DURATION:-10}; ROUNDS=${ROUNDS:-2}; WORKERS=${WORKERS:-1}
MAX_DELAY_MS=${MAX_DELAY_MS:-40}; BUSY_POLLS=${BUSY_POLLS:-0}; SLOTS=${SLOTS:-1}; LOAD_CORE=${LOAD_CORE:-}
SHARED=${SHARED:-$([ -n "$LOAD_CORE" ] && echo 1 || echo 0)}
# Not taskset: the worker pins itself within the process's cores, so
# taskset on the whole tool would put it on the load's core.
PIN=(); [ -n "$LOAD_CORE" ] && PIN=(--load-core "$LOAD_CORE")
[ "$SHARED" = 1 ] && PIN+=(--shared-socket)
# The relay on an address of its own: other gateways on a shared machine
# bind media ports on 127.0.0.1 across the default range, and a port
# shared through SO_REUSEPORT splits its packets. 4 relay ports a call
# from BASE_PORT.
RELAY_IP=${RELAY_IP:-127.0.0.2}; BASE_PORT=${BASE_PORT:-14000}
# REALTIME=N: the worker at SCHED_FIFO N, ahead of other work on core 0.
REALTIME=${REALTIME:-0}; BARE=${BARE:-0}
cargo build --release --bin rvoip-rtpload >/dev/null 2>&1 || { echo "build failed"; exit 1; }
TOOL=target/release/rvoip-rtpload
ulimit -n 65536 2>/dev/null || true
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/rtp_io-$STAMP.md
ROWS=$(mktemp); LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY=$(ps -eo pcpu=,comm= --sort=-pcpu | awk '$1 > 5 {printf "%s%s %s%%", sep, $2, $1; sep=", "}')
run() { # calls, io, busy-poll µs
  local n=$1 io=$2 busy=${3:-0} out how
  how=(--io "$io" --busy-poll-us "$busy"); [ "$io" = bare ] && how=(--bare)
  out=$(timeout $((DURATION * 3 + 60)) "$TOOL" "${PIN[@]}" --slots "$SLOTS" --calls "$n" --duration "$DURATION" --workers "$WORKERS" \
    --base-port "$BASE_PORT" --relay-ip "$RELAY_IP" --realtime "$REALTIME" --max-delay-ms "$MAX_DELAY_MS" "${how[@]}" 2>&1)
  get() { echo "$out" | awk -v k="$1" '$1==k {print}'; }
  local used sent recv lost lat p50 p99 mx added a50 a99 late kern cpu nspp nsread
  used=$(get calls | sed -n 's/.*, \([a-z]*\) I\/O[,)].*/\1/p')
  sent=$(get sent | awk '{print $2}'); recv=$(get received | awk '{print $2}')
  lost=$(get lost | sed 's/.*(\(.*\) %)/\1/')
  lat=$(get latency_us); p50=$(sed 's/.*p50=\([0-9]*\).*/\1/' <<<"$lat"); p99=$(sed 's/.*p99=\([0-9]*\).*/\1/' <<<"$lat"); mx=$(sed 's/.*max=\([0-9]*\).*/\1/' <<<"$lat")
  added=$(get added_us); a50=$(sed 's/.*p50=\([0-9]*\).*/\1/' <<<"$added"); a99=$(sed 's/.*p99=\([0-9]*\).*/\1/' <<<"$added")
  late=$(get relay_drops | sed -n 's/.*late=\([0-9]*\).*/\1/p'); kern=$(get relay_drops | sed -n 's/.*kernel=\([0-9]*\).*/\1/p')
  cpu=$(get relay_cpu_s | awk '{print $2}'); nspp=$(get relay_cpu_s | sed 's/.*, \([0-9]*\) ns per packet.*/\1/')
  # Per packet the relay read: relayed (received) and dropped late alike.
  nsread=$(awk -v c="$cpu" -v r="$recv" -v l="${late:-0}" 'BEGIN{printf "%.0f", c * 1e9 / (r + l > 0 ? r + l : 1)}')
  echo "| $n | ${used:-$io?} | $busy | $sent | $recv | $lost | $p50 | $p99 | $mx | $a50 | $a99 | ${late:-n/a} | ${kern:-n/a} | $cpu | $nspp | $nsread |" >>"$ROWS"
  tail -1 "$ROWS" >&2
}
# Each setting at each call count, who goes first rotating by round.
SETTINGS=(); for b in $BUSY_POLLS; do SETTINGS+=("epoll $b" "uring $b"); done
[ "$BARE" = 1 ] && SETTINGS+=("bare 0")
for r in $(seq 1 "$ROUNDS"); do
  for n in $CALLS; do
    k=${#SETTINGS[@]}
    for i in $(seq 0 $((k - 1))); do
      # shellcheck disable=SC2086
      run "$n" ${SETTINGS[$(((i + r - 1) % k))]}
    done
  done
done
{
  echo "# Media worker I/O: epoll against io_uring — $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r); load average at start $LOAD0, at end $(cut -d' ' -f1-3 /proc/loadavg) (the box is shared with other engineers' builds and tests)"
  echo "- rvoip $(git describe --always --dirty 2>/dev/null)"
  echo "- command: \`CALLS=\"$CALLS\" DURATION=$DURATION ROUNDS=$ROUNDS WORKERS=$WORKERS MAX_DELAY_MS=$MAX_DELAY_MS BUSY_POLLS=\"$BUSY_POLLS\" SLOTS=$SLOTS LOAD_CORE=$LOAD_CORE SHARED=$SHARED BARE=$BARE RELAY_IP=$RELAY_IP BASE_PORT=$BASE_PORT REALTIME=$REALTIME perf/rtp_io.sh\` (rvoip-rtpload --slots $SLOTS --calls N --duration $DURATION --workers $WORKERS --relay-ip $RELAY_IP --base-port $BASE_PORT --realtime $REALTIME --max-delay-ms $MAX_DELAY_MS --io epoll|uring --busy-poll-us B$([ "$BARE" = 1 ] && echo " (or --bare)") ${PIN[*]}; the worker pinned to core 0, the load tool's threads $([ -n "$LOAD_CORE" ] && echo "on core $LOAD_CORE" || echo "unpinned on the same 2 cores"), its endpoints $([ "$SHARED" = 1 ] && echo "on one shared socket" || echo "on a socket each"))"
  echo "- other work on the machine at start: $BUSY"
  echo "- latency: end to end, sender to receiver through the relay (µs); added: the workers' own histogram, kernel arrival stamp to sent (µs); late, kernel: packets the relay dropped for age, and the kernel for full socket buffers; relay CPU per packet received at the endpoints, and per packet the relay read (received + late)"
  echo
  echo "| calls | I/O | busy poll µs | sent | received | loss % | p50 µs | p99 µs | max µs | added p50 µs | added p99 µs | late | kernel | relay CPU s | relay ns / packet received | relay ns / packet read |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$ROWS"
} >"$OUT"
rm -f "$ROWS"
cat "$OUT"
