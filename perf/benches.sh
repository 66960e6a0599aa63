#!/usr/bin/env bash
# Runs the criterion benches and writes their estimates to
# perf/results/benches-<date>.md with the command, machine and date.
#   perf/benches.sh            # all benches
#   perf/benches.sh sip_parse  # one bench target
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p perf/results
OUT=perf/results/benches-$(date -u +%Y%m%d-%H%M%S).md
ARGS=()
[ $# -eq 0 ] && ARGS=(--benches)
for b in "$@"; do ARGS+=(--bench "$b"); done
LOG=$(mktemp)
cargo bench "${ARGS[@]}" -- --warm-up-time 2 --measurement-time 5 2>&1 | tee "$LOG" >/dev/null
{
  echo "# criterion benches — $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r)"
  echo "- rvoip $(git describe --always --dirty 2>/dev/null), $(rustc --version)"
  echo "- command: \`perf/benches.sh $*\` (cargo bench ${ARGS[*]:-} -- --warm-up-time 2 --measurement-time 5)"
  echo
  echo "| bench | low | estimate | high |"
  echo "|---|---|---|---|"
  awk '/^[a-z_]+\/[a-z_0-9]+/ {name=$1}
       /time:/ {l=$0; sub(/.*time: *\[/, "", l); sub(/\].*/, "", l); split(l, a, " ");
                print "| " name " | " a[1] " " a[2] " | " a[3] " " a[4] " | " a[5] " " a[6] " |"}' "$LOG"
} > "$OUT"
rm -f "$LOG"
cat "$OUT"
echo "written $OUT"
