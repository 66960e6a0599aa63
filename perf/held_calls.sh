#!/usr/bin/env bash
# Memory per held call (issue #20: 10,000 concurrent calls with media
# anchored under 4 KiB of RSS each). SIPp's builtin uac places HELD calls
# at HELD_RATE and holds each HOLD_S seconds; rvoip-gw anchors each call's
# media (ports bound on its workers) and either bridges it to SIPp's
# builtin uas (`--route`, a B2BUA call: two dialogs) or answers it with its
# echo service (one dialog). RSS is sampled every second with the calls in
# progress from the gateway's own metrics; per call = (peak RSS - RSS
# before the first call) / peak calls in progress. SIPp sends no RTP, so
# perf/signalling.toml raises the media timeout above the hold.
# With a git REF, rvoip-gw is also built at REF and both run in turn in
# the same run (before, after). Loopback only; bounded (SIPp -m).
# Writes perf/results/held_calls-<date>.md.
#   perf/held_calls.sh                       # 10,000 calls, bridge and echo
#   HELD=2000 HOLD_S=10 MODES=bridge perf/held_calls.sh 13e7e7e
set -uo pipefail
cd "$(dirname "$0")/.."; ROOT=$PWD
source perf/lib.sh
REF=${1:-}; HELD=${HELD:-10000}; HELD_RATE=${HELD_RATE:-1000}; HOLD_S=${HOLD_S:-30}; MODES=${MODES:-"bridge echo"}
command -v sipp >/dev/null || { apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null; }
WORK=$(mktemp -d); OLD=$WORK/before; GW_PID=; UAS_PID=
trap 'kill $GW_PID $UAS_PID 2>/dev/null; [ -n "$REF" ] && git worktree remove --force "$OLD" 2>/dev/null; rm -rf "$WORK"' EXIT
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
declare -A BIN=([after]=$ROOT/target/release/rvoip-gw); SIDES=after
if [ -n "$REF" ]; then
  REV=$(git rev-parse --short "$REF") || exit 1
  git worktree add -q --detach "$OLD" "$REV" || exit 1
  (cd "$OLD" && CARGO_TARGET_DIR=$ROOT/target/before-$REV cargo build --release --bin rvoip-gw >/dev/null 2>&1) ||
    { echo "build of $REV failed"; exit 1; }
  BIN[before]=$ROOT/target/before-$REV/release/rvoip-gw; SIDES="before after"
fi
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/held_calls-$STAMP.md
BUF=4194304
rss_kb() { awk '/VmRSS/{print $2}' /proc/$1/status; }
active() { curl -sf "http://127.0.0.1:$MP/metrics" | awk '/^rvoip_calls_active/ {s += $NF} END {print s + 0}'; }
ROWS=()
for mode in $MODES; do
  for side in $SIDES; do
    UASP=$(port); GWP=$(port); MP=$(port)
    ( cd "$WORK" && exec sipp -sn uas -i 127.0.0.1 -p $UASP -buff_size $BUF -nostdin >/dev/null 2>&1 ) &
    UAS_PID=$!
    { cat perf/signalling.toml; printf '[metrics]\nlisten = "127.0.0.1:%s"\n' "$MP"; } >"$WORK/gw.toml"
    route=(); [ "$mode" = bridge ] && route=(--route "sip:127.0.0.1:$UASP")
    "${BIN[$side]}" --config "$WORK/gw.toml" --sip 127.0.0.1:$GWP "${route[@]}" --log-level warn 2>"$WORK/gw.log" &
    GW_PID=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$MP/metrics" >/dev/null && break; sleep 0.1; done
    R0=$(rss_kb $GW_PID)
    ( cd "$WORK" && exec timeout $((HOLD_S + HELD / HELD_RATE + 120)) sipp -sn uac 127.0.0.1:$GWP -i 127.0.0.1 \
        -p "$(port)" -buff_size $BUF -r $HELD_RATE -l $HELD -d $((HOLD_S * 1000)) -m $HELD -nostdin \
        -timeout $((HOLD_S + 200))s -trace_stat -stf held.csv -fd 1 >held.out 2>&1 ) &
    SIPP=$!
    PEAK_A=0; PEAK_R=0
    while kill -0 $SIPP 2>/dev/null; do
      sleep 1
      a=$(active); r=$(rss_kb $GW_PID)
      [ "${a:-0}" -gt "$PEAK_A" ] && PEAK_A=$a
      [ "${r:-0}" -gt "$PEAK_R" ] && PEAK_R=$r
    done
    read -r tot ok fail retr unexp < <(stats "$WORK/held.csv")
    kill $GW_PID $UAS_PID 2>/dev/null; wait $GW_PID $UAS_PID 2>/dev/null; GW_PID=; UAS_PID=
    per=$(python3 -c "print(f'{($PEAK_R-$R0)*1024/max($PEAK_A,1):.0f}')")
    echo "$mode $side: $ok/$tot ok, peak $PEAK_A calls, RSS $((R0 / 1024)) -> $((PEAK_R / 1024)) MiB, $per B per call" >&2
    ROWS+=("| $mode | $side | $tot | $ok | $fail | $retr | $PEAK_A | $((R0 / 1024)) | $((PEAK_R / 1024)) | **$per** |")
    sleep 2
  done
done
{
  echo "# Memory per held call"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); SIPp $(sipp -v 2>&1 | grep -o 'v[0-9.]*' | head -1); load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- rvoip-gw: after = $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes')${REF:+, before = $REV}; embedded default config + perf/signalling.toml (media timeout above the hold) + metrics"
  echo "- command: \`HELD=$HELD HELD_RATE=$HELD_RATE HOLD_S=$HOLD_S MODES=\"$MODES\" perf/held_calls.sh $REF\`"
  echo "- load: \`sipp -sn uac -r $HELD_RATE -l $HELD -d $((HOLD_S * 1000)) -m $HELD\` -> rvoip-gw (bridge: \`--route\` to \`sipp -sn uas\`; echo: its echo service); media ports bound per call, no RTP"
  echo "- per call: (peak RSS - RSS before the first call) / peak calls in progress (\`rvoip_calls_active\`), sampled each second; it includes the transactions UDP keeps for Timers J/L (32 s) when calls are held under that"
  echo
  echo "| mode | build | calls | successful | failed | retrans | peak calls | RSS idle MiB | RSS peak MiB | bytes per call |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} >"$OUT"
cat "$OUT"
