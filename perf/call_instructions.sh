#!/usr/bin/env bash
# Issue #20: instructions per bridged call, counted by valgrind's callgrind
# in the `b2bua_call` bench (caller A -> gateway -> callee B, SIPp's
# messages): only what runs inside the gateway's handle_datagram,
# handle_timeout, handle_media_event and its poll_* (the bench's peers and
# criterion left out), divided by the calls made (its handle_datagram calls / 5).
# A count, not a time: it hardly depends on what else the machine runs
# (two runs of one binary differ by about 0.3 %: the bench makes as many
# calls as valgrind gets through in SECS seconds, and the gateway's tables
# grow with them), so a change of a few per cent shows where a timed bench
# on a shared VM cannot see it. With a git ref, that ref's bench is
# counted too, side by side. Writes perf/results/call_instructions-<date>.md
# with the top functions by inclusive count.
#   perf/call_instructions.sh            # the working tree
#   perf/call_instructions.sh base20     # and base20's
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REF=${1:-}; SECS=${SECS:-3}; TOP=${TOP:-25}
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
WORK=$(mktemp -d); OLD=$WORK/before
trap 'git worktree remove --force "$OLD" 2>/dev/null; rm -rf "$WORK"' EXIT
bench_exe() { # the b2bua_call bench executable, built in the current directory
  local exe
  exe=$(cargo bench --bench b2bua_call --no-run 2>&1 | grep -o '[^ (]*deps/b2bua_call-[0-9a-f]*' | tail -1)
  case $exe in /*) echo "$exe" ;; *) echo "$PWD/$exe" ;; esac
}
count() { # bench executable, output file -> "calls instructions-per-call"
  valgrind --tool=callgrind --callgrind-out-file="$2" --collect-atstart=no \
    --toggle-collect='*Endpoint::handle_datagram*' --toggle-collect='*Endpoint::handle_timeout*' \
    --toggle-collect='*Endpoint::handle_media_event*' --toggle-collect='*Endpoint::poll_transmit*' \
    --toggle-collect='*Endpoint::poll_event*' --toggle-collect='*Endpoint::poll_media_command*' \
    "$1" --bench b2bua_call/bridged_call --profile-time "$SECS" >/dev/null 2>&1 || return 1
  python3 - "$2" <<'PY'
import re, sys
names, cur, datagrams, total = {}, None, 0, 0
for line in open(sys.argv[1]):
    m = re.match(r'c?fn=\((\d+)\)(?: (.*))?', line)
    if m:
        if m.group(2):
            names[m.group(1)] = m.group(2).strip()
        if line.startswith('cfn='):
            cur = m.group(1)
        continue
    m = re.match(r'calls=(\d+)', line)
    if m and names.get(cur, '') == 'rvoip::endpoint::Endpoint::handle_datagram':
        datagrams += int(m.group(1))
    m = re.match(r'(?:summary|totals): (\d+)', line)
    if m:
        total = int(m.group(1))
calls = datagrams // 5
if calls == 0:
    sys.exit("no call of rvoip::endpoint::Endpoint::handle_datagram in the profile (renamed, or named otherwise by this demangler?)")
print(calls, round(total / calls))
PY
}
top() { # callgrind output, calls -> the top functions by inclusive count, per call
  callgrind_annotate --inclusive=yes "$1" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | grep -v 'PROGRAM TOTALS' |
    grep -F '[' | grep -E 'rvoip::|memcpy|memmove|malloc|free' | head -n "$TOP" |
    awk -v c="$2" '{n=$1; gsub(",", "", n); sub(/^ *[0-9,]+ \( *[0-9.]+%\) +/, ""); sub(/ \[.*$/, ""); printf "| %d | `%s` |\n", n / c, $0}'
}
echo "building the working tree's bench" >&2
NEW=$(bench_exe); [ -x "$NEW" ] || { echo "bench build failed"; exit 1; }
if [ -n "$REF" ]; then
  REV=$(git rev-parse --short "$REF") || exit 1
  git worktree add -q --detach "$OLD" "$REV" || exit 1
  echo "building $REV's bench" >&2
  OLD_TARGET=$(source perf/lib.sh && before_target "$REV")
  BEFORE=$(cd "$OLD" && CARGO_TARGET_DIR=$OLD_TARGET bench_exe); [ -x "$BEFORE" ] || { echo "bench build of $REV failed"; exit 1; }
fi
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/call_instructions-$STAMP.md
echo "counting the working tree" >&2
read -r N_NEW I_NEW < <(count "$NEW" "$WORK/new.out"); [ "${N_NEW:-0}" -gt 0 ] || { echo "callgrind counted no call"; exit 1; }
if [ -n "$REF" ]; then
  echo "counting $REV" >&2
  read -r N_OLD I_OLD < <(count "$BEFORE" "$WORK/old.out"); [ "${N_OLD:-0}" -gt 0 ] || { echo "callgrind of $REV counted no call"; exit 1; }
fi
{
  echo "# Instructions per bridged call (\`b2bua_call\`, callgrind) — $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r); $(valgrind --version)"
  echo "- rvoip $(git describe --always --dirty 2>/dev/null)${REF:+, against $REV}"
  echo "- command: \`SECS=$SECS perf/call_instructions.sh $REF\` (valgrind --tool=callgrind --collect-atstart=no --toggle-collect on Endpoint::handle_datagram, handle_timeout, handle_media_event, poll_transmit, poll_event and poll_media_command; the bench run with --profile-time $SECS)"
  echo "- counted: instructions inside the gateway's handlers only, over the calls the bench made in that time under valgrind (each its handle_datagram calls / 5)"
  echo
  echo "| build | calls counted | instructions per call |"
  echo "|---|---|---|"
  [ -n "$REF" ] && echo "| $REV | $N_OLD | $I_OLD |"
  echo "| working tree | $N_NEW | $I_NEW |"
  [ -n "$REF" ] && echo && awk -v a="$I_NEW" -v b="$I_OLD" 'BEGIN{printf "- the working tree / %s: **%.3f**\n", "'"$REV"'", a / b}'
  echo
  echo "## Top functions, the working tree (inclusive instructions per call)"
  echo
  echo "| per call | function |"
  echo "|---|---|"
  top "$WORK/new.out" "$N_NEW"
} >"$OUT"
cat "$OUT"
