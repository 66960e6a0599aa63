#!/usr/bin/env bash
# rvoip's media plane side by side with rtpengine's userspace relay (Debian
# rtpengine-daemon, kernel forwarding off: --table=-1), under the same load
# from rvoip-rtpload: N relayed calls, 50 packets/s of G.711 each way per
# call. rtpengine's calls are set up over its ng protocol. Reports CPU per
# packet of each relay, loss and latency, and the ratio. Loopback only;
# every step is bounded in calls and time. Writes
# perf/results/rtpengine_compare-<date>.md.
#
#   perf/rtpengine_compare.sh                       # 100, 500, 1000 calls, 10 s each
#   CALLS_LIST="200 1000" DURATION=20 perf/rtpengine_compare.sh
set -uo pipefail
cd "$(dirname "$0")/.."
source perf/lib.sh
CALLS_LIST=${CALLS_LIST:-"100 500 1000"}; DURATION=${DURATION:-10}
command -v rtpengine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rtpengine-daemon >/dev/null; }
cargo build --release --bin rvoip-rtpload >/dev/null 2>&1 || { echo "build failed"; exit 1; }
ulimit -n 65536 2>/dev/null || true
LOAD=$PWD/target/release/rvoip-rtpload
WORK=$(mktemp -d); RE_PID=
trap 'kill $RE_PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/rtpengine_compare-$STAMP.md

NGP=$(port)
# Its own media ports (20000-30000) apart from rvoip's (12000-...) and the
# load tool's ephemeral endpoints; as many threads as cores, like rvoip.
RE_CMD="rtpengine --foreground --log-stderr --log-level=3 --table=-1 --interface=127.0.0.1 --listen-ng=127.0.0.1:$NGP --port-min=20000 --port-max=30000 --num-threads=$(nproc)"
$RE_CMD 2>"$WORK/rtpengine.log" & RE_PID=$!
sleep 1
kill -0 $RE_PID 2>/dev/null || { echo "rtpengine did not start:"; tail -5 "$WORK/rtpengine.log"; exit 1; }

ROWS=(); declare -A NS
field() { awk -v k="$1" '$1==k {print}' "$2"; }
for calls in $CALLS_LIST; do
  for relay in rvoip rtpengine; do
    args=(--calls "$calls" --duration "$DURATION")
    [ $relay = rtpengine ] && args+=(--rtpengine 127.0.0.1:$NGP --relay-pid $RE_PID)
    "$LOAD" "${args[@]}" >"$WORK/$relay-$calls.txt" 2>&1 || { echo "$relay $calls calls failed:"; cat "$WORK/$relay-$calls.txt"; }
    f="$WORK/$relay-$calls.txt"
    sent=$(field sent "$f" | awk '{print $2}'); recv=$(field received "$f" | awk '{print $2}')
    lost=$(field lost "$f" | cut -d' ' -f2- | xargs); pps=$(field rate_pps "$f" | awk '{print $2}')
    lat=$(field latency_us "$f" | cut -d' ' -f2- | xargs)
    cpu=$(field relay_cpu_s "$f" | awk '{print $2}'); ns=$(field relay_cpu_s "$f" | grep -o '[0-9]* ns per packet' | awk '{print $1}')
    NS[$relay-$calls]=${ns:-0}
    ROWS+=("| $relay | $calls | $sent | $recv | $lost | $pps | $lat | $cpu | ${ns:-?} |")
    echo "$relay $calls calls: recv=$recv lost=$lost cpu=$cpu ns/pkt=$ns" >&2
    sleep 1
  done
done
kill $RE_PID 2>/dev/null; wait $RE_PID 2>/dev/null

{
  echo "# Media relay: rvoip's media plane vs rtpengine (userspace)"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); $(rtpengine --version 2>&1 | head -1); the load tool shares the cores; loopback only"
  echo "- command: \`CALLS_LIST=\"$CALLS_LIST\" DURATION=$DURATION perf/rtpengine_compare.sh\`"
  echo "- load: \`rvoip-rtpload --calls N --duration $DURATION\` (in-process rvoip media plane, one worker per core) and \`rvoip-rtpload --calls N --duration $DURATION --rtpengine 127.0.0.1:NG --relay-pid PID\` (calls set up on rtpengine with ng offer/answer); 50 packets/s of G.711 (172-byte RTP) each way per call, sent in one burst per 20 ms tick"
  echo "- rtpengine: \`$RE_CMD\` (no kernel module: every packet through its userspace)"
  echo "- CPU is the relay's own (rvoip's media worker threads; rtpengine's process), from /proc, over the streaming period"
  echo
  echo "| relay | calls | sent | received | lost | pps | latency µs (end to end) | relay CPU s | relay CPU ns per packet |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  for calls in $CALLS_LIST; do
    r=${NS[rvoip-$calls]}; e=${NS[rtpengine-$calls]}
    echo "- $calls calls: CPU per packet rvoip $r ns, rtpengine $e ns: rtpengine/rvoip = $(python3 -c "print(f'{$e/max($r,1):.2f}')")x"
  done
  echo
  echo "Target (issue #3): rvoip's CPU per packet at least 1.5x better than rtpengine's userspace relay (ratio >= 1.5)."
} >"$OUT"
cat "$OUT"
