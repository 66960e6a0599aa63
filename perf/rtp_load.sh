#!/usr/bin/env bash
# Media relay load with rvoip-rtpload (in-process media plane, loopback):
# relayed calls at 100, 500, 1000, 2000, 4000, each streaming 50 pps both
# ways, plus the same endpoints sending directly (no relay) as a baseline.
# Writes perf/results/rtp_load-<date>.md and a PNG plot of relay CPU and
# p99 latency against calls.
#   perf/rtp_load.sh                    # default counts, 10 s each
#   CALLS="100 1000" DURATION=5 perf/rtp_load.sh
#   MODES="relay srtp" CALLS="1000 1000 1000" perf/rtp_load.sh   # SRTP on each call's A
#                                       # leg against plain, side by side (issue #16)
#   MODES="relay uring" WORKERS=1 CALLS="1000 2000" perf/rtp_load.sh   # the workers' I/O:
#                                       # epoll (relay) against io_uring (uring), one worker (issue #21)
set -uo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-"100 500 1000 2000 4000"}; DURATION=${DURATION:-10}; SLOTS=${SLOTS:-1}; MODES=${MODES:-"relay direct"}
WORKERS=${WORKERS:-0}
cargo build --release --bin rvoip-rtpload >/dev/null 2>&1 || { echo "build failed"; exit 1; }
TOOL=target/release/rvoip-rtpload
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=perf/results/rtp_load-$STAMP.md
CSV=$(mktemp)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "calls,mode,sent,received,lost_pct,pps,p50,p99,max,cpu_s,cores_per_1k,ns_per_pkt" > "$CSV"
for n in $CALLS; do
  for mode in $MODES; do
    flag="--io epoll"; [ $mode = direct ] && flag="--direct"; [ $mode = srtp ] && flag="--srtp"; [ $mode = uring ] && flag="--io uring"
    out=$(timeout $((DURATION * 3 + 30)) $TOOL --calls $n --duration $DURATION --slots $SLOTS --workers $WORKERS $flag)
    get() { echo "$out" | awk -v k="$1" '$1==k {print}'; }
    sent=$(get sent | awk '{print $2}'); recv=$(get received | awk '{print $2}')
    lost=$(get lost | sed 's/.*(\(.*\) %)/\1/'); pps=$(get rate_pps | awk '{print $2}')
    lat=$(get latency_us); p50=$(echo "$lat" | sed 's/.*p50=\([0-9]*\).*/\1/'); p99=$(echo "$lat" | sed 's/.*p99=\([0-9]*\).*/\1/'); mx=$(echo "$lat" | sed 's/.*max=\([0-9]*\).*/\1/')
    cpu=$(get relay_cpu_s | awk '{print $2}'); cores=$(get relay_cpu_s | sed 's/.*(\([0-9.]*\) cores.*/\1/'); nspp=$(get relay_cpu_s | sed 's/.*, \([0-9]*\) ns per packet.*/\1/')
    echo "$n,$mode,$sent,$recv,$lost,$pps,$p50,$p99,$mx,${cpu:-},${cores:-},${nspp:-}" >> "$CSV"
  done
done
python3 -c "import matplotlib" 2>/dev/null || pip install -q matplotlib >/dev/null 2>&1
python3 - "$CSV" "perf/results/rtp_load-$STAMP.png" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]))]
try:
    import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
except ImportError:
    sys.exit(0)
relay = [r for r in rows if r["mode"] == "relay"]; direct = [r for r in rows if r["mode"] == "direct"]
x = [int(r["calls"]) for r in relay]
fig, ax1 = plt.subplots(figsize=(7, 4))
ax1.plot(x, [float(r["cpu_s"] or 0) / float(r["calls"]) * 1000 for r in relay], "o-", color="tab:blue", label="relay CPU s per 1,000 calls")
ax1.set_xlabel("relayed calls (50 pps each way)"); ax1.set_ylabel("relay CPU seconds per 1,000 calls", color="tab:blue")
ax2 = ax1.twinx()
ax2.plot(x, [int(r["p99"]) for r in relay], "s-", color="tab:red", label="p99 latency, relay")
uring = [r for r in rows if r["mode"] == "uring"]
if len(uring) == len(relay):
    ax1.plot(x, [float(r["cpu_s"] or 0) / float(r["calls"]) * 1000 for r in uring], "o--", color="tab:green", label="relay CPU s per 1,000 calls, io_uring")
    ax2.plot(x, [int(r["p99"]) for r in uring], "s--", color="tab:orange", label="p99 latency, relay on io_uring")
if len(direct) == len(relay):
    ax2.plot(x, [int(r["p99"]) for r in direct], "s--", color="tab:gray", label="p99 latency, direct")
ax2.set_ylabel("p99 one-way latency (µs)", color="tab:red"); ax2.set_yscale("log")
fig.legend(loc="upper left"); fig.tight_layout(); fig.savefig(sys.argv[2], dpi=100)
PY
{
  echo "# RTP relay load — $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r)"
  echo "- rvoip $(git describe --always --dirty 2>/dev/null)"
  echo "- command: \`MODES=\"$MODES\" CALLS=\"$CALLS\" DURATION=$DURATION SLOTS=$SLOTS WORKERS=$WORKERS perf/rtp_load.sh\` (rvoip-rtpload --calls N --duration $DURATION --slots $SLOTS --workers $WORKERS [--io epoll | --io uring | --direct | --srtp]; workers 0 = one per core; slots 1 = each 20 ms tick sent as one burst; relay: the workers on epoll, uring: on io_uring; srtp: SRTP on each call's A leg, the relay unprotecting A->B and protecting B->A)"
  echo "- the load tool runs on the same 2 cores as the relay (its sender and receiver threads compete with the workers)"
  echo "- load average before / after the run (other work on the machine): $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| calls | mode | sent | received | loss % | pps | p50 µs | p99 µs | max µs | relay CPU s | cores / 1k calls | ns / packet |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  tail -n +2 "$CSV" | tr ',' '|' | sed 's/^/| /; s/$/ |/'
  echo
  [ -f "perf/results/rtp_load-$STAMP.png" ] && echo "![relay CPU and p99 latency against calls](rtp_load-$STAMP.png)"
} > "$OUT"
rm -f "$CSV"
cat "$OUT"
