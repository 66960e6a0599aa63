#!/usr/bin/env bash
# What setting up and ending a call costs the media plane, before and
# after a change: rvoip-gw built from REF and from the working tree, run
# one at a time (pinned to core 1, SIPp on core 0), SIPp uac -> rvoip-gw
# --route -> SIPp uas_answer at RATE calls per second without RTP; the
# media worker thread's CPU time (perf stat task-clock) and context
# switches over WINDOW_S seconds in the middle of each run, per call, and
# the signalling thread's beside it (what waking the worker costs it).
# Each side ROUNDS times, alternating. Loopback only; each run bounded (SIPp -m).
# The before build shares held_calls.sh's target directory.
#   perf/media_per_call.sh 33edad8
#   RATE=3000 ROUNDS=5 perf/media_per_call.sh HEAD~2
set -uo pipefail
cd "$(dirname "$0")/.."; ROOT=$PWD
source perf/lib.sh
REF=${1:?usage: perf/media_per_call.sh REF}
RATE=${RATE:-4000}; ROUNDS=${ROUNDS:-3}; WINDOW_S=${WINDOW_S:-8}
command -v sipp >/dev/null || { apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null; }
command -v perf >/dev/null || { apt-get update -qq && apt-get install -y -qq linux-perf >/dev/null; }
REV=$(git rev-parse --short "$REF") || exit 1
OLD=$(mktemp -d)/before; BUF=4194304
trap 'git worktree remove --force "$OLD" 2>/dev/null' EXIT
git worktree add -q --detach "$OLD" "$REV" || exit 1
echo "building $REV and the working tree" >&2
OLD_TARGET=$(before_target "$REV")
(cd "$OLD" && CARGO_TARGET_DIR=$OLD_TARGET cargo build --release --bin rvoip-gw >/dev/null 2>&1) || { echo "build of $REV failed"; exit 1; }
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
declare -A EXE=([before]=$OLD_TARGET/release/rvoip-gw [after]=$ROOT/target/release/rvoip-gw)
thread_of() { # pid name -> the tid of its first thread so named
  for t in /proc/$1/task/*; do [ "$(cat "$t/comm")" = "$2" ] && { basename "$t"; return; }; done
}
stat() { # tid -> "cpu_ms switches" over WINDOW_S s
  perf stat -x, -e task-clock,context-switches -t "$1" -- sleep "$WINDOW_S" 2>&1 |
    awk -F, '$3 ~ /task-clock/ {c=$1} $3 ~ /context-switches/ {s=$1} END {print c, s}'
}
one() { # side -> "worker_cpu_ms worker_switches signalling_cpu_ms signalling_switches"
  local work uasp gp uas gw uac mt
  work=$(mktemp -d); uasp=$(port); gp=$(port)
  ( cd "$work" && exec taskset -c 0 sipp -sf "$ROOT/sipp/scenarios/uas_answer.xml" -i 127.0.0.1 -p "$uasp" \
      -buff_size $BUF -nostdin >/dev/null 2>&1 ) & uas=$!
  taskset -c 1 "${EXE[$1]}" --sip 127.0.0.1:"$gp" --route sip:127.0.0.1:"$uasp" --log-level warn 2>"$work/gw.log" & gw=$!
  for _ in $(seq 50); do grep -q listening "$work/gw.log" && break; sleep 0.1; done
  ( cd "$work" && timeout $((WINDOW_S + 60)) taskset -c 0 sipp -sn uac 127.0.0.1:"$gp" -i 127.0.0.1 -p "$(port)" \
      -buff_size $BUF -r "$RATE" -l $((RATE * 2)) -m $((RATE * (WINDOW_S + 8))) -nostdin -timeout $((WINDOW_S + 40))s \
      >/dev/null 2>&1 ) & uac=$!
  sleep 4
  mt=$(thread_of $gw rvoip-media-0)
  stat "$gw" >"$work/sig" & local sp=$!
  echo "$(stat "$mt") $(wait $sp; cat "$work/sig")"
  wait $uac
  kill $gw $uas 2>/dev/null; wait $gw $uas 2>/dev/null; rm -rf "$work"
}
ROWS=()
for r in $(seq "$ROUNDS"); do
  for side in before after; do
    # Whole, not through a pipe: the next run starts once this one ended.
    res=$(one $side); read -r ms sw sms ssw <<<"$res"
    calls=$((RATE * WINDOW_S))
    per() { python3 -c "print(f'{$1 / $calls:.2f}')"; }
    us=$(per "$ms * 1000"); cs=$(per "$sw"); sus=$(per "$sms * 1000"); scs=$(per "$ssw")
    ROWS+=("| $r | $side | $ms | $sw | $us | $cs | $sus | $scs |")
    echo "round $r $side: media worker ${us} µs and $cs switches per call; signalling ${sus} µs and $scs switches" >&2
  done
done
mkdir -p perf/results; OUT=perf/results/media_per_call-$(date -u +%Y%m%d-%H%M%S).md
{
  echo "# The media worker's cost per call (no RTP): $REV against $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes')"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- command: \`RATE=$RATE ROUNDS=$ROUNDS WINDOW_S=$WINDOW_S perf/media_per_call.sh $REF\`"
  echo "- load: \`sipp -sn uac -r $RATE\` -> rvoip-gw --route (embedded default config, core 1) -> \`sipp uas_answer\` (180 then 200; both SIPps on core 0); media ports bound per call, no RTP; one gateway at a time"
  echo "- figures: \`perf stat -e task-clock,context-switches\` on the threads rvoip-media-0 and rvoip-gw (signalling) for $WINDOW_S s from the 4th second, divided by the calls offered in that time"
  echo
  echo "| round | build | worker CPU ms | worker switches | worker µs per call | worker switches per call | signalling µs per call | signalling switches per call |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} >"$OUT"
cat "$OUT"
