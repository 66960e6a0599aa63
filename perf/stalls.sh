#!/usr/bin/env bash
# Stalls of the signalling thread under a steady load, before and after a
# change (issue #20: the early-run 503s). A fresh rvoip-gw --route (embedded
# default config) takes RATE calls/s for DUR s from SIPp (uac -> gateway ->
# builtin uas, signalling only), the gateway pinned to core 1 and both
# SIPps to core 0. Every 0.5 s the gateway's metrics give the longest wait
# of a SIP datagram in its socket since the last look
# (rvoip_sip_queue_delay_max_seconds): a stall of the thread shows as a
# wait. Reports, per build and round: the longest wait, how many half
# seconds had one over 50 ms and over 100 ms (the default overload_delay_ms),
# INVITEs shed (503), SIPp's failed calls and the gateway's CPU per call.
# The builds take turns, ROUNDS times each, so both see the same machine.
# Loopback only; each run stops itself (SIPp -m). Writes
# perf/results/stalls-<date>.md.
#   perf/stalls.sh 6d3dc7e                  # 4,000 cps for 30 s, 2 rounds
#   RATE=5000 DUR=40 ROUNDS=3 perf/stalls.sh HEAD~2
# BEFORE_ENV (variables REF's gateway starts with) tells a setting's part
# from the code's, e.g. BEFORE_ENV="MIMALLOC_ALLOW_THP=0".
set -uo pipefail
cd "$(dirname "$0")/.."; ROOT=$PWD
source perf/lib.sh
REF=${1:?usage: perf/stalls.sh REF}
RATE=${RATE:-4000}; DUR=${DUR:-30}; ROUNDS=${ROUNDS:-2}; BEFORE_ENV=${BEFORE_ENV:-}
command -v sipp >/dev/null || { apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null; }
REV=$(git rev-parse --short "$REF") || exit 1
WORK=$(mktemp -d); OLD=$WORK/before; GW_PID=; UAS_PID=; UAC_PID=
trap 'kill $GW_PID $UAS_PID $UAC_PID 2>/dev/null; git worktree remove --force "$OLD" 2>/dev/null; rm -rf "$WORK"' EXIT
git worktree add -q --detach "$OLD" "$REV" || exit 1
echo "building $REV and the working tree" >&2
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
OLD_TARGET=$(before_target "$REV") # shared with before_after.sh and held_calls.sh
(cd "$OLD" && CARGO_TARGET_DIR=$OLD_TARGET cargo build --release --bin rvoip-gw >/dev/null 2>&1) || {
  echo "build of $REV failed"; exit 1; }
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/stalls-$STAMP.md
BUF=4194304

# One run of gateway $1 (label $2, variables $3): prints a table row.
run() {
  local exe=$1 label=$2 vars=$3 uasp gwp mp
  uasp=$(port); gwp=$(port); mp=$(port)
  ( cd "$WORK" && exec taskset -c 0 sipp -sn uas -i 127.0.0.1 -p $uasp -buff_size $BUF -nostdin >/dev/null 2>&1 ) &
  UAS_PID=$!
  printf '[metrics]\nlisten = "127.0.0.1:%s"\n' "$mp" >"$WORK/gw.toml"
  env $vars taskset -c 1 "$exe" --config "$WORK/gw.toml" --sip 127.0.0.1:$gwp --route sip:127.0.0.1:$uasp \
    --log-level warn 2>"$WORK/gw.log" &
  GW_PID=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$mp/metrics" >/dev/null && break; sleep 0.1; done
  rm -f "$WORK/uac.csv"
  ( cd "$WORK" && exec taskset -c 0 timeout $((DUR + 60)) sipp -sn uac 127.0.0.1:$gwp -i 127.0.0.1 -p "$(port)" \
      -buff_size $BUF -r $RATE -l $((RATE * 2)) -m $((RATE * DUR)) -nostdin -timeout $((DUR + 30))s \
      -trace_stat -stf uac.csv >/dev/null 2>&1 ) &
  UAC_PID=$!
  : >"$WORK/waits"
  while kill -0 $UAC_PID 2>/dev/null; do
    sleep 0.5
    curl -sf "http://127.0.0.1:$mp/metrics" | awk '/^rvoip_sip_queue_delay_max_seconds/ {print $NF}' >>"$WORK/waits"
  done
  wait $UAC_PID
  local m shed cpu calls
  m=$(curl -sf "http://127.0.0.1:$mp/metrics")
  shed=$(echo "$m" | awk '/^rvoip_sip_shed_total/ {print $NF}')
  calls=$(echo "$m" | awk '/^rvoip_calls_answered_total/ {s += $NF} END {print s + 0}')
  cpu=$(awk '{print $14 + $15}' /proc/$GW_PID/stat)
  kill $GW_PID $UAS_PID 2>/dev/null; wait $GW_PID $UAS_PID 2>/dev/null
  read -r _ ok fail retr unexp < <(stats "$WORK/uac.csv")
  awk -v label="$label" -v shed="$shed" -v fail="$fail" -v retr="$retr" -v cpu="$cpu" -v calls="$calls" \
      -v tck="$(getconf CLK_TCK)" '
    { w = $1 * 1000; if (w > max) max = w; if (w > 50) o50++; if (w > 100) o100++; n++ }
    END { printf "| %s | %.0f | %d of %d | %d | %s | %s | %s | %.0f |\n", label, max, o50, n, o100, shed, fail, retr,
          calls ? cpu / tck / calls * 1e6 : 0 }' "$WORK/waits"
}

{
  echo "# Signalling stalls under a steady load: $REV against the working tree"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); tree $(git rev-parse --short HEAD)$(git diff --quiet || echo ', with changes')"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- command: \`${BEFORE_ENV:+BEFORE_ENV=\"$BEFORE_ENV\" }RATE=$RATE DUR=$DUR ROUNDS=$ROUNDS perf/stalls.sh $REF\`"
  echo "- each run: a fresh \`rvoip-gw --route\` (embedded default config) pinned to core 1; \`sipp -sn uac -r $RATE -m $((RATE * DUR))\` -> gateway -> \`sipp -sn uas\` (180 then 200), both on core 0; signalling only; the builds take turns"
  echo "- longest wait: of a SIP datagram in the gateway's socket (kernel arrival stamp to read), looked at every 0.5 s; shed: INVITEs answered 503 for overload"
  echo
  echo "| build | longest wait (ms) | half seconds over 50 ms | over 100 ms | shed | failed | retransmissions | CPU µs per call |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$OUT"
for r in $(seq "$ROUNDS"); do
  run "$OLD_TARGET/release/rvoip-gw" "$REV${BEFORE_ENV:+ with $BEFORE_ENV} (round $r)" "$BEFORE_ENV" >>"$OUT"
  run "$ROOT/target/release/rvoip-gw" "working tree (round $r)" "" >>"$OUT"
done
cat "$OUT"
echo "written to $OUT" >&2
