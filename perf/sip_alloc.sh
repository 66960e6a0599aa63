#!/usr/bin/env bash
# Heap allocations per SIP message of one bridged call (issue #20 item 1):
# runs tests/sip_alloc.rs (a counting global allocator around the sans-IO
# gateway, no sockets, simulated time) with SIP_ALLOC_SITES=1, which also
# groups one call's allocations by the innermost functions of rvoip that
# made them (a backtrace per allocation). Deterministic: a count, not a
# time, so it needs no quiet machine. Writes perf/results/sip_alloc-<date>.md.
#   perf/sip_alloc.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p perf/results
OUT=perf/results/sip_alloc-$(date -u +%Y%m%d-%H%M%S).md
{
  echo "# Allocations per SIP message, one bridged call ($(git rev-parse --short HEAD))"
  echo
  echo '`SIP_ALLOC_SITES=1 cargo test --test sip_alloc -- --nocapture`'
  echo
  echo '```'
  SIP_ALLOC_SITES=1 cargo test -q --test sip_alloc -- --nocapture 2>/dev/null |
    sed -n '/^allocations per/,/^test /p' | grep -v -e '^test ' -e '^\.$'
  echo '```'
} >"$OUT"
cat "$OUT"
echo "written to $OUT" >&2
