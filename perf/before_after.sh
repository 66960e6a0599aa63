#!/usr/bin/env bash
# A change's cost in signalling CPU, measured side by side in one run:
# rvoip-gw and the b2bua_call bench built from REF (before) and from the
# working tree (after).
#  1. b2bua_call: the two bench executables run alternately ROUNDS times
#     each (criterion, bridged_call and shed_invite); medians compared.
#  2. SIPp: both gateways run for the whole run, each warmed up, then each
#     rate is offered to both, one straight after the other, who goes
#     first alternating from rate to rate (the same
#     scenario as kamailio_compare.sh: sipp -sn uac -> DUT -> uas_answer),
#     CPU per call from /proc, clean = no failed call, no retransmission,
#     no unexpected message.
# Loopback only; every step bounded in calls and time. Writes
# perf/results/before_after-<date>.md.
#   perf/before_after.sh 1a8e6c9                      # rates below, 10 s each
#   RATES="3000 4000" STEP_S=5 ROUNDS=2 perf/before_after.sh HEAD~3
# ROUNDS=0 skips the bench. REF "-" runs the working tree's rvoip-gw on both sides (no bench), so
# that BEFORE_ENV and AFTER_ENV (variables each gateway starts with) are
# what differs: a runtime setting's cost, e.g.
#   AFTER_ENV="MIMALLOC_PURGE_DELAY=1000" perf/before_after.sh -
set -uo pipefail
cd "$(dirname "$0")/.."; ROOT=$PWD
source perf/lib.sh
REF=${1:?usage: perf/before_after.sh REF}
BEFORE_ENV=${BEFORE_ENV:-}; AFTER_ENV=${AFTER_ENV:-}
RATES=${RATES:-"3000 4000 5000"}; STEP_S=${STEP_S:-10}; ROUNDS=${ROUNDS:-3}
WARMUP_RATE=${WARMUP_RATE:-3000}; WARMUP_S=${WARMUP_S:-10}
command -v sipp >/dev/null || { apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null; }
WORK=$(mktemp -d); OLD=$WORK/before
GW_PIDS=(); UAS_PID=
trap 'kill "${GW_PIDS[@]}" $UAS_PID 2>/dev/null; git worktree remove --force "$OLD" 2>/dev/null; rm -rf "$WORK"' EXIT
if [ "$REF" = - ]; then
  REV="the working tree"; ROUNDS=0
else
  REV=$(git rev-parse --short "$REF") || exit 1
  git worktree add -q --detach "$OLD" "$REV" || exit 1
fi
bench_exe() { # the b2bua_call bench executable, built in the current directory
  local exe
  exe=$(cargo bench --bench b2bua_call --no-run 2>&1 | grep -o '[^ (]*deps/b2bua_call-[0-9a-f]*' | tail -1)
  case $exe in /*) echo "$exe" ;; *) echo "$PWD/$exe" ;; esac
}
echo "building $REV and the working tree" >&2
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
if [ "$REF" = - ]; then
  OLD_TARGET=$ROOT/target
else
  # The same target directory as held_calls.sh's: one build serves both.
  OLD_TARGET=$(before_target "$REV")
  (cd "$OLD" && CARGO_TARGET_DIR=$OLD_TARGET cargo build --release --bin rvoip-gw >/dev/null 2>&1) || { echo "build of $REV failed"; exit 1; }
fi
if [ "$ROUNDS" -gt 0 ]; then
  B_BEFORE=$(cd "$OLD" && CARGO_TARGET_DIR=$OLD_TARGET bench_exe)
  B_AFTER=$(bench_exe)
  [ -x "$B_BEFORE" ] && [ -x "$B_AFTER" ] || { echo "bench build failed"; exit 1; }
fi
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/before_after-$STAMP.md

# 1. The bench, alternately.
declare -A TIMES
for r in $(seq "$ROUNDS"); do
  for side in before after; do
    exe=$B_BEFORE; [ $side = after ] && exe=$B_AFTER
    while read -r name t; do TIMES[$side-$name]+="$t "; done < <(
      "$exe" --bench --warm-up-time 2 --measurement-time 8 --noplot 2>/dev/null |
        awk '/^b2bua_call\// {name=$1}
          /time:/ {l=$0; sub(/.*time: *\[/, "", l); split(l, a, " "); v=a[3]; u=a[4];
                   if (u=="ns") v/=1000; if (u=="ms") v*=1000; print name, v}')
    echo "bench round $r $side done" >&2
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# 2. SIPp, alternately.
BUF=4194304; UASP=$(port)
( cd "$WORK" && exec sipp -sf "$ROOT/sipp/scenarios/uas_answer.xml" -i 127.0.0.1 -p $UASP -buff_size $BUF -nostdin \
    >/dev/null 2>&1 ) &
UAS_PID=$!
declare -A PORT
for side in before after; do
  exe=$OLD_TARGET/release/rvoip-gw; [ $side = after ] && exe=$ROOT/target/release/rvoip-gw
  PORT[$side]=$(port); vars=$BEFORE_ENV; [ $side = after ] && vars=$AFTER_ENV
  env $vars "$exe" --sip 127.0.0.1:${PORT[$side]} --route sip:127.0.0.1:$UASP --log-level warn 2>"$WORK/$side.log" &
  GW_PIDS+=($!)
  for _ in $(seq 50); do grep -q listening "$WORK/$side.log" && break; sleep 0.1; done
done
offer() { # side rate secs name -> rc ok fail retr unexp
  ( cd "$WORK" && timeout $(($3 + 40)) sipp -sn uac 127.0.0.1:${PORT[$1]} -i 127.0.0.1 -p "$(port)" -buff_size $BUF \
      -r $2 -l $(($2 * 2)) -m $(($2 * $3)) -nostdin -timeout $(($3 + 20))s -trace_stat -stf $4.csv -trace_err >/dev/null 2>&1 )
  rc=$?; read -r _ ok fail retr unexp < <(stats "$WORK/$4.csv")
}
for side in before after; do offer $side $WARMUP_RATE $WARMUP_S warmup-$side; sleep 2; done
ROWS=(); k=0
for rate in $RATES; do
  # Who goes first alternates from rate to rate: no side always follows.
  order="0 1"; [ $((k % 2)) = 1 ] && order="1 0"; k=$((k + 1))
  for i in $order; do
    side=before; [ $i = 1 ] && side=after
    read -r c0 m0 < <(cpu_of "${GW_PIDS[$i]}"); offer $side $rate $STEP_S $side-$rate; read -r c1 m1 < <(cpu_of "${GW_PIDS[$i]}")
    clean=no; [ $rc -eq 0 ] && [ "$fail" = 0 ] && [ "$retr" = 0 ] && [ "$unexp" = 0 ] && [ "$ok" = $((rate * STEP_S)) ] && clean=yes
    us=$(python3 -c "print(f'{($c1-$c0)/max($ok,1)*1e6:.0f}')")
    mus=$(python3 -c "print(f'{($m1-$m0)/max($ok,1)*1e6:.0f}')")
    why=""; [ "$clean" = no ] && why=$(grep -h -m1 -o 'Aborting call on unexpected message[^.]*\|[0-9]\{3\} [A-Z][a-z ]*' "$WORK"/uac_*_errors.log 2>/dev/null | head -1)
    rm -f "$WORK"/uac_*_errors.log
    ROWS+=("| $side | $rate | $ok | $fail | $retr | $unexp | $us | $mus | $clean ${why:+($why)} |")
    echo "$side $rate cps: ok=$ok failed=$fail retrans=$retr cpu/call=${us}us (media ${mus}us) clean=$clean $why" >&2
    sleep 2
  done
done
{
  echo "# Signalling CPU before and after: $REV vs the working tree ($(git rev-parse --short HEAD)$(git diff --quiet || echo ', with changes'))"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); loopback only; SIPp and both gateways share the cores"
  echo "- command: \`${BEFORE_ENV:+BEFORE_ENV=\"$BEFORE_ENV\" }${AFTER_ENV:+AFTER_ENV=\"$AFTER_ENV\" }RATES=\"$RATES\" STEP_S=$STEP_S ROUNDS=$ROUNDS perf/before_after.sh $REF\`"
  [ -n "$BEFORE_ENV$AFTER_ENV" ] && echo "- environment: before \`${BEFORE_ENV:-(none)}\`, after \`${AFTER_ENV:-(none)}\`"
  echo
  if [ "$ROUNDS" -gt 0 ]; then
  echo "## b2bua_call bench (one bridged call through the sans-IO gateway), $ROUNDS alternating rounds each"
  echo
  echo "| bench | before (median µs) | after (median µs) | after/before | runs before | runs after |"
  echo "|---|---|---|---|---|---|"
  for name in b2bua_call/bridged_call b2bua_call/shed_invite; do
    b=$(echo "${TIMES[before-$name]:-}" | median); a=$(echo "${TIMES[after-$name]:-}" | median)
    echo "| $name | $b | $a | $(python3 -c "print(f'{$a/$b:.3f}')" 2>/dev/null) | ${TIMES[before-$name]:-} | ${TIMES[after-$name]:-} |"
  done
  echo
  fi
  echo "## SIPp uac -> rvoip-gw --route -> SIPp uas_answer, $STEP_S s per step, before then after at each rate"
  echo
  echo "| build | cps | successful | failed | retrans | unexpected | CPU µs/call | of which media workers | clean |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} >"$OUT"
cat "$OUT"
