#!/usr/bin/env bash
# Issue #21, voice late or lost, before and after in one run:
# rvoip-rtpload (in-process media plane, loopback, 50 pps both ways per
# call) built at REF (before: 1 MiB socket buffers, everything relayed
# however late) and from the working tree, the latter with the latency
# bound off (--max-delay-ms 0) and on (40 ms, the default), alternately at
# each call count, who goes first rotating. Reports loss, end-to-end
# latency p50/p99/max, the workers' own added latency p99, the late and
# kernel drops and the relay's CPU per packet.
# Writes perf/results/rtp_late-<date>.md.
#   perf/rtp_late.sh 99eb9d8
#   CALLS="1000 2000" DURATION=10 ROUNDS=1 WORKERS=1 perf/rtp_late.sh HEAD~2
#   BEFORE_TOOL=/path/to/old/rvoip-rtpload perf/rtp_late.sh 99eb9d8   # reuse a build
set -uo pipefail
cd "$(dirname "$0")/.."
REF=${1:?usage: perf/rtp_late.sh REF}
CALLS=${CALLS:-"1000 2000"}; DURATION=${DURATION:-10}; ROUNDS=${ROUNDS:-1}; WORKERS=${WORKERS:-1}
# Relay ports at the top of the default media range (10000-32000), which
# other gateways on a shared machine deal from the bottom (sharing a port,
# SO_REUSEPORT, splits its packets), below the ephemeral range (32768 up).
BASE_PORT=${BASE_PORT:-24000}
REV=$(git rev-parse --short "$REF") || exit 1
WORK=$(mktemp -d); OLD=$WORK/before
trap 'git worktree remove --force "$OLD" 2>/dev/null; rm -rf "$WORK"' EXIT
if [ -z "${BEFORE_TOOL:-}" ]; then
  git worktree add -q --detach "$OLD" "$REV" || exit 1
  echo "building rvoip-rtpload at $REV" >&2
  (cd "$OLD" && CARGO_TARGET_DIR=$OLD/target cargo build --release --bin rvoip-rtpload >/dev/null 2>&1) || { echo "build of $REV failed"; exit 1; }
  BEFORE_TOOL=$OLD/target/release/rvoip-rtpload
fi
cargo build --release --bin rvoip-rtpload >/dev/null 2>&1 || { echo "build failed"; exit 1; }
AFTER_TOOL=target/release/rvoip-rtpload
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/rtp_late-$STAMP.md
ROWS=$(mktemp); LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
run() { # calls, label, tool, args...
  local n=$1 label=$2 tool=$3; shift 3
  local out; out=$(timeout $((DURATION * 3 + 60)) "$tool" --calls "$n" --duration "$DURATION" --workers "$WORKERS" --base-port "$BASE_PORT" "$@" 2>&1)
  get() { echo "$out" | awk -v k="$1" '$1==k {print}'; }
  local sent recv lost lat p50 p99 mx added ap99 late kern nspp
  sent=$(get sent | awk '{print $2}'); recv=$(get received | awk '{print $2}')
  lost=$(get lost | sed 's/.*(\(.*\) %)/\1/')
  lat=$(get latency_us); p50=$(sed 's/.*p50=\([0-9]*\).*/\1/' <<<"$lat"); p99=$(sed 's/.*p99=\([0-9]*\).*/\1/' <<<"$lat"); mx=$(sed 's/.*max=\([0-9]*\).*/\1/' <<<"$lat")
  added=$(get added_us); ap99=$(sed 's/.*p99=\([0-9]*\).*/\1/' <<<"$added")
  late=$(get relay_drops | sed -n 's/.*late=\([0-9]*\).*/\1/p'); kern=$(get relay_drops | sed -n 's/.*kernel=\([0-9]*\).*/\1/p')
  nspp=$(get relay_cpu_s | sed 's/.*, \([0-9]*\) ns per packet.*/\1/')
  # Per packet the relay read: relayed (received) and dropped late alike.
  local cpu nsread; cpu=$(get relay_cpu_s | awk '{print $2}')
  nsread=$(awk -v c="$cpu" -v r="$recv" -v l="${late:-0}" 'BEGIN{printf "%.0f", c * 1e9 / (r + l > 0 ? r + l : 1)}')
  echo "| $n | $label | $sent | $recv | $lost | $p50 | $p99 | $mx | $ap99 | ${late:-n/a} | ${kern:-n/a} | $cpu | $nspp | $nsread |" >>"$ROWS"
  tail -1 "$ROWS" >&2
}
for r in $(seq 1 "$ROUNDS"); do
  for n in $CALLS; do
    order=("before" "off" "on")
    shift_by=$(( (r - 1) % 3 ))
    order=("${order[@]:$shift_by}" "${order[@]:0:$shift_by}")
    for v in "${order[@]}"; do
      case $v in
        before) run "$n" "before ($REV)" "$BEFORE_TOOL" ;;
        off) run "$n" "after, bound off" "$AFTER_TOOL" --max-delay-ms 0 ;;
        on) run "$n" "after, 40 ms bound" "$AFTER_TOOL" --max-delay-ms 40 ;;
      esac
    done
  done
done
{
  echo "# Voice late or lost: RTP relay before and after — $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r); load average at start $LOAD0, at end $(cut -d' ' -f1-3 /proc/loadavg) (shared with other builds)"
  echo "- before: rvoip $REV; after: rvoip $(git describe --always --dirty 2>/dev/null)"
  echo "- command: \`CALLS=\"$CALLS\" DURATION=$DURATION ROUNDS=$ROUNDS WORKERS=$WORKERS BASE_PORT=$BASE_PORT perf/rtp_late.sh $REF\` (rvoip-rtpload --calls N --duration $DURATION --workers $WORKERS --base-port $BASE_PORT [--max-delay-ms 0|40]; the load tool shares the 2 cores with the relay)"
  echo "- latency: end to end, sender to receiver through the relay (µs); added p99: the workers' own histogram, kernel arrival stamp to sent, worst worker (µs); late, kernel: packets the relay dropped for age, and the kernel for full socket buffers; relay CPU per packet received at the endpoints, and per packet the relay read (received + late)"
  echo
  echo "| calls | build | sent | received | loss % | p50 µs | p99 µs | max µs | added p99 µs | late | kernel | relay CPU s | relay ns / packet received | relay ns / packet read |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$ROWS"
} >"$OUT"
rm -f "$ROWS"
cat "$OUT"
