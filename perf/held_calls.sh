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
#   perf/held_calls.sh                       # 10,000 calls held 60 s, bridge and echo
#   HELD=2000 HOLD_S=10 MODES=bridge perf/held_calls.sh 13e7e7e
set -uo pipefail
cd "$(dirname "$0")/.."; ROOT=$PWD
source perf/lib.sh
# Each call's media sockets are descriptors: raise the limit (root may).
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
REF=${1:-}; HELD=${HELD:-10000}; HELD_RATE=${HELD_RATE:-1000}; HOLD_S=${HOLD_S:-60}; MODES=${MODES:-"bridge echo"}
command -v sipp >/dev/null || { apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null; }
WORK=$(mktemp -d); OLD=$WORK/before; GW_PID=; UAS_PID=
trap 'kill $GW_PID $UAS_PID 2>/dev/null; [ -n "$REF" ] && git worktree remove --force "$OLD" 2>/dev/null; rm -rf "$WORK"' EXIT
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
# What "after" is, read when it is built (edits made while the run goes on are not in it).
AFTER=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes')
declare -A BIN=([after]=$ROOT/target/release/rvoip-gw); SIDES=after
if [ -n "$REF" ]; then
  REV=$(git rev-parse --short "$REF") || exit 1
  git worktree add -q --detach "$OLD" "$REV" || exit 1
  OLD_TARGET=$(before_target "$REV")
  (cd "$OLD" && CARGO_TARGET_DIR=$OLD_TARGET cargo build --release --bin rvoip-gw >/dev/null 2>&1) ||
    { echo "build of $REV failed"; exit 1; }
  BIN[before]=$OLD_TARGET/release/rvoip-gw; SIDES="before after"
fi
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/held_calls-$STAMP.md
BUF=4194304
rss_kb() { awk '/VmRSS/{print $2}' /proc/$1/status; }
active() { curl -sf -m 2 "http://127.0.0.1:$MP/metrics" | awk '/^rvoip_calls_active/ {s += $NF} END {print s + 0}'; }
ROWS=()
# A bridged call holds four media sockets (RTP and RTCP per leg), an echoed
# one one: where the descriptor limit is lower than the calls need (20,000
# here, and this box refuses a higher one), fewer calls are placed and the
# result says so, rather than calls left without media.
FDS=$(ulimit -n); NOTES=()
for mode in $MODES; do
  socks=1; [ "$mode" = bridge ] && socks=4
  N=$HELD; fit=$(( (FDS - 1000) / socks ))
  if [ "$N" -gt "$fit" ]; then
    N=$fit; NOTES+=("- $mode: $HELD calls need $((HELD * socks)) media sockets, more than the descriptor limit ($FDS) allows: $N calls placed")
  fi
  for side in $SIDES; do
    UASP=$(port); GWP=$(port); MP=$(port)
    ( cd "$WORK" && exec sipp -sn uas -i 127.0.0.1 -p $UASP -buff_size $BUF -nostdin >/dev/null 2>&1 ) &
    UAS_PID=$!
    # 10,000 bridged calls take 40,000 media ports (RTP and RTCP per leg):
    # a range wider than the default's 22,000.
    { cat perf/signalling.toml; printf 'port_min = 10000\nport_max = 60000\n[metrics]\nlisten = "127.0.0.1:%s"\n' "$MP"; } >"$WORK/gw.toml"
    route=(); [ "$mode" = bridge ] && route=(--route "sip:127.0.0.1:$UASP")
    "${BIN[$side]}" --config "$WORK/gw.toml" --sip 127.0.0.1:$GWP "${route[@]}" --log-level warn 2>"$WORK/gw.log" &
    GW_PID=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$MP/metrics" >/dev/null && break; sleep 0.1; done
    R0=$(rss_kb $GW_PID)
    ( cd "$WORK" && exec timeout $((HOLD_S + N / HELD_RATE + 120)) sipp -sn uac 127.0.0.1:$GWP -i 127.0.0.1 \
        -p "$(port)" -buff_size $BUF -r $HELD_RATE -l $N -d $((HOLD_S * 1000)) -m $N -nostdin \
        -timeout $((HOLD_S + 200))s -trace_stat -stf held.csv -fd 1 >held.out 2>&1 ) &
    SIPP=$!
    PEAK_A=0; PEAK_R=0; HELD_R=0
    while kill -0 $SIPP 2>/dev/null; do
      sleep 1
      a=$(active); r=$(rss_kb $GW_PID)
      [ "${a:-0}" -gt "$PEAK_A" ] && PEAK_A=$a
      [ "${r:-0}" -gt "$PEAK_R" ] && PEAK_R=$r
      # The last sample with every call still up: after Timer L when the
      # hold outlasts it (HOLD_S > ramp + 32 s).
      [ "${a:-0}" -ge "$PEAK_A" ] && HELD_R=$r
    done
    read -r tot ok fail retr unexp < <(stats "$WORK/held.csv")
    kill $GW_PID $UAS_PID 2>/dev/null; wait $GW_PID $UAS_PID 2>/dev/null; GW_PID=; UAS_PID=
    per=$(python3 -c "print(f'{($PEAK_R-$R0)*1024/max($PEAK_A,1):.0f}')")
    held=$(python3 -c "print(f'{($HELD_R-$R0)*1024/max($PEAK_A,1):.0f}')")
    echo "$mode $side: $ok/$tot ok, peak $PEAK_A calls, RSS $((R0 / 1024)) -> $((PEAK_R / 1024)) MiB, $per B per call at the peak, $held at the end of the hold" >&2
    ROWS+=("| $mode | $side | $tot | $ok | $fail | $retr | $PEAK_A | $((R0 / 1024)) | $((PEAK_R / 1024)) | **$per** | $((HELD_R / 1024)) | **$held** |")
    sleep 2
  done
done
{
  echo "# Memory per held call"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); SIPp $(sipp -v 2>&1 | grep -o 'v[0-9.]*' | head -1); load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- rvoip-gw: after = $AFTER${REF:+, before = $REV}; embedded default config + perf/signalling.toml (media timeout above the hold) + metrics"
  echo "- command: \`HELD=$HELD HELD_RATE=$HELD_RATE HOLD_S=$HOLD_S MODES=\"$MODES\" perf/held_calls.sh $REF\`"
  echo "- load: \`sipp -sn uac -r $HELD_RATE -l $HELD -d $((HOLD_S * 1000)) -m $HELD\` (or fewer: below) -> rvoip-gw (bridge: \`--route\` to \`sipp -sn uas\`; echo: its echo service); media ports bound per call, no RTP"
  [ ${#NOTES[@]} -gt 0 ] && printf '%s\n' "${NOTES[@]}"
  echo "- per call: (RSS - RSS before the first call) / peak calls in progress (\`rvoip_calls_active\`), sampled each second; at the peak RSS (with the transactions UDP keeps for Timers J/L, 32 s, while they last) and at the last sample with every call still up (the held calls alone when the hold outlasts the ramp + 32 s)"
  echo
  echo "| mode | build | calls | successful | failed | retrans | peak calls | RSS idle MiB | RSS peak MiB | bytes per call at the peak | RSS at the hold's end MiB | bytes per held call |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} >"$OUT"
cat "$OUT"
