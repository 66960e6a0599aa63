#!/usr/bin/env bash
# Issue #21: how many PCMU<->Opus calls one core transcodes, at each Opus
# setting (`media.opus_complexity`:`media.opus_bitrate`), side by side in
# one run. rvoip-rtpload's in-process relay with one media worker pinned
# to core 0, transcoding inline (`--transcoders 0`); the load tool's own
# threads pinned to core 1 (--load-core; not taskset, which would confine
# the worker to that core too), so the worker's core is its alone.
# Each step: PLAIN relayed calls (timed end to end) plus M transcoded
# calls (A PCMU, B Opus; counted), the settings taking turns, the first
# to go rotating by round. A step is clean when under 0.1 % of the
# transcoded calls' packets and of the plain ones are lost. SLOTS spreads
# each 20 ms tick's packets over that many slots (1: every call's packet
# at once, the worst case; 20: one slot a millisecond, as calls started
# at random times send).
# With REF (a git revision) each setting also runs on REF's build, so that
# two builds are compared the same way (build column: REF or HEAD).
#   SETTINGS="5:0 1:24000" TRANSCODED="200 250 300 350" PLAIN=50 DURATION=10 ROUNDS=1 perf/transcode_capacity.sh [REF]
set -uo pipefail
cd "$(dirname "$0")/.."
SETTINGS=${SETTINGS:-"5:0 1:24000"}; TRANSCODED=${TRANSCODED:-"200 250 300 350"}
PLAIN=${PLAIN:-50}; DURATION=${DURATION:-10}; ROUNDS=${ROUNDS:-1}; IO=${IO:-uring}
RELAY_IP=${RELAY_IP:-127.0.0.77}; BASE_PORT=${BASE_PORT:-24000}; FEATURES=${FEATURES:-}
LOAD_CORE=${LOAD_CORE:-1}; SLOTS=${SLOTS:-1}
cargo build --release --bin rvoip-rtpload ${FEATURES:+--features "$FEATURES"} >/dev/null 2>&1 || { echo "build failed"; exit 1; }
REF=${1:-}; ROOT=$PWD
declare -A TOOL=([HEAD]=target/release/rvoip-rtpload)
if [ -n "$REF" ]; then
  REV=$(git rev-parse --short "$REF") || exit 1; OLD=$(mktemp -d)/before
  trap 'git worktree remove --force "$OLD" 2>/dev/null' EXIT
  git worktree add -q --detach "$OLD" "$REV" || exit 1
  OLD_TARGET=$(source perf/lib.sh && before_target "$REV")
  (cd "$OLD" && CARGO_TARGET_DIR=$OLD_TARGET cargo build --release --bin rvoip-rtpload ${FEATURES:+--features "$FEATURES"} >/dev/null 2>&1) ||
    { echo "build of $REV failed"; exit 1; }
  TOOL[$REV]=$OLD_TARGET/release/rvoip-rtpload
  "${TOOL[$REV]}" --help | grep -q -- --opus-complexity ||
    { echo "$REV's rvoip-rtpload has no --opus-complexity (it came with 4d8a597): compare builds from there on"; exit 1; }
  "${TOOL[$REV]}" --help | grep -q -- --load-core ||
    { echo "$REV's rvoip-rtpload has no --load-core (taskset would put its worker on the load's core): compare builds that have it"; exit 1; }
fi
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/transcode_capacity-$STAMP.md
ROWS=$(mktemp); LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY0=$(ps -eo pcpu,comm --sort=-pcpu | awk 'NR>1 && $1>=5 {printf "%s %s%%, ", $2, $1}')
run() { # transcoded calls, complexity:bitrate[:build]
  local m=$1 s=${2#*:}; local c=${2%%:*} b=${s%%:*} build=HEAD; [ "$s" != "$b" ] && build=${s#*:}
  local out; out=$(timeout $((DURATION * 3 + 60)) "${TOOL[$build]}" --load-core "$LOAD_CORE" --calls "$PLAIN" --transcoded "$m" \
    --transcoders 0 --workers 1 --opus-complexity "$c" --opus-bitrate "$b" --duration "$DURATION" --io "$IO" \
    --slots "$SLOTS" --relay-ip "$RELAY_IP" --base-port "$BASE_PORT" 2>&1)
  local lost p99 xlost ap99 cpu nspp late kern xp99
  read -r lost p99 xlost ap99 cpu nspp late kern xp99 < <(python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def find(pattern):
    m = re.search(pattern, out, re.M)
    return m.group(1) if m else "failed"
print(find(r"^lost .*\(([0-9.]+) %\)"), find(r"^latency_us .*p99=(\d+)"),
      find(r"^transcoded .* lost \d+ \(([0-9.]+) %"), find(r"^added_us .*p99=(\d+)"),
      find(r"^relay_cpu_s (\S+)"), find(r"^relay_cpu_s .*, (\d+) ns per packet"),
      find(r"^relay_drops .*late=(\d+)"), find(r"^relay_drops .*kernel=(\d+)"),
      find(r"^transcoded_us .*p99=(\d+)"))
PY
)
  local clean=no
  [ "$lost" != failed ] && [ "$xlost" != failed ] && awk -v a="$lost" -v x="$xlost" 'BEGIN {exit !(a < 0.1 && x < 0.1)}' && clean=yes
  echo "| $build | $c | $b | $m | $xlost | $xp99 | $lost | $p99 | $ap99 | $cpu | $nspp | $late | $kern | $clean |" >>"$ROWS"
  tail -1 "$ROWS" >&2
}
read -ra SET <<<"$SETTINGS"
if [ -n "$REF" ]; then # each setting on both builds
  BOTH=(); for s in "${SET[@]}"; do BOTH+=("$s:$REV" "$s:HEAD"); done; SET=("${BOTH[@]}")
fi
for r in $(seq 1 "$ROUNDS"); do
  for m in $TRANSCODED; do
    n=${#SET[@]}
    for i in $(seq 0 $((n - 1))); do run "$m" "${SET[$(((i + r - 1) % n))]}"; done
  done
done
{
  echo "# Transcoded calls per core at each Opus setting — $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r); load average at start $LOAD0, at end $(cut -d' ' -f1-3 /proc/loadavg); busy processes at start: ${BUSY0:-none over 5 %}"
  echo "- rvoip $(git describe --always --dirty 2>/dev/null)${FEATURES:+, features $FEATURES}${REF:+ (HEAD) against $REV}"
  echo "- command: \`SETTINGS=\"$SETTINGS\" TRANSCODED=\"$TRANSCODED\" PLAIN=$PLAIN DURATION=$DURATION ROUNDS=$ROUNDS IO=$IO SLOTS=$SLOTS perf/transcode_capacity.sh\` (rvoip-rtpload --load-core $LOAD_CORE --calls $PLAIN --transcoded M --transcoders 0 --workers 1 --opus-complexity C --opus-bitrate B --duration $DURATION --io $IO --slots $SLOTS --relay-ip $RELAY_IP --base-port $BASE_PORT; the one worker pinned to core 0, transcoding inline; the load tool on core $LOAD_CORE)"
  echo "- transcoded loss: the M calls' packets (both directions, counted); re-coded p99: the worker's histogram of re-coded packets, their voice's kernel arrival to the re-coded send (µs; \`failed\` from a build before it); plain: the $PLAIN relayed calls' loss and end-to-end p99 (µs); added p99: the worker's histogram, kernel arrival to sent (µs); relay CPU: the worker's, per packet received at the endpoints; late, kernel: dropped for waiting over 40 ms, and by the kernel for full socket buffers; clean: under 0.1 % lost on both"
  echo
  echo "| build | complexity | bitrate | transcoded calls | transcoded loss % | re-coded p99 µs | plain loss % | plain p99 µs | added p99 µs | relay CPU s | relay ns / packet | late | kernel | clean |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$ROWS"
} >"$OUT"
rm -f "$ROWS"
cat "$OUT"
