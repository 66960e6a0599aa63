#!/usr/bin/env bash
# What digest authentication costs a call (issue #15 target: a
# challenged-then-authenticated call at most 1.3x an unauthenticated one in
# CPU, SHA-256 and MD5 both measured). Runs the b2bua_call bench's
# bridged_call, authenticated_call_* and gateway/* ROUNDS times, each round
# one process with all of them side by side, pinned to core $CORE; ratios
# per round and their medians. Two measures:
#   whole iteration: peers' work included (formatting, the client's hashes);
#   gateway only:    time inside the gateway's handlers and polls.
# Writes perf/results/auth_cost-<date>.md.
#   perf/auth_cost.sh              # 5 rounds on core 1
#   ROUNDS=3 CORE=0 perf/auth_cost.sh
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}; CORE=${CORE:-1}
EXE=$(cargo bench --bench b2bua_call --no-run 2>&1 | grep -o '[^ (]*deps/b2bua_call-[0-9a-f]*' | tail -1)
[ -x "$EXE" ] || { echo "bench build failed"; exit 1; }
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/auth_cost-$STAMP.md
RAW=$(mktemp); trap 'rm -f "$RAW"' EXIT
FILTER='bridged_call|authenticated|gateway'
for r in $(seq "$ROUNDS"); do
  taskset -c "$CORE" "$EXE" --bench --warm-up-time 2 --measurement-time 6 --noplot "$FILTER" 2>/dev/null |
    awk -v r="$r" '/^b2bua_call\// {name=$1}
      /time:/ {l=$0; sub(/.*time: *\[/, "", l); split(l, a, " "); v=a[3]; u=a[4];
               if (u=="ns") v/=1000; if (u=="ms") v*=1000; print r, name, v}' >> "$RAW"
  echo "round $r done" >&2
done
python3 - "$RAW" "$ROUNDS" "$CORE" "$STAMP" > "$OUT" <<'PY'
import sys, statistics, subprocess, platform
raw, rounds, core, stamp = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
t = {}
for line in open(raw):
    r, name, v = line.split(); t.setdefault(name, {})[int(r)] = float(v)
cpu = next((l.split(': ', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
rev = subprocess.run(['git', 'describe', '--always', '--dirty'], capture_output=True, text=True).stdout.strip()
print(f"# Cost of digest authentication per call — {stamp}\n")
print(f"- machine: {len(open('/proc/cpuinfo').read().split('processor')) - 1} cores, {cpu}, kernel {platform.release()}")
print(f"- rvoip {rev}; bench pinned to core {core}; {rounds} rounds, each one process running all benches")
print(f"- command: `ROUNDS={rounds} CORE={core} perf/auth_cost.sh`")
print("- target (issue #15): a challenged-then-authenticated call costs at most 1.3x an unauthenticated one\n")
print("| bench | median µs | per round µs |\n|---|---|---|")
for name in sorted(t):
    vals = [t[name][r] for r in sorted(t[name])]
    print(f"| {name} | {statistics.median(vals):.1f} | {' '.join(f'{v:.1f}' for v in vals)} |")
print("\n| ratio | median | per round | target 1.3 |\n|---|---|---|---|")
pairs = [("whole iteration, SHA-256", "b2bua_call/authenticated_call_sha256", "b2bua_call/bridged_call"),
         ("whole iteration, MD5", "b2bua_call/authenticated_call_md5", "b2bua_call/bridged_call"),
         ("gateway only, SHA-256", "b2bua_call/gateway/authenticated_sha256", "b2bua_call/gateway/bridged_call"),
         ("gateway only, MD5", "b2bua_call/gateway/authenticated_md5", "b2bua_call/gateway/bridged_call")]
for label, a, b in pairs:
    rs = [t[a][r] / t[b][r] for r in sorted(t[a]) if r in t.get(b, {})]
    if not rs: continue
    m = statistics.median(rs)
    print(f"| {label} | {m:.2f} | {' '.join(f'{x:.2f}' for x in rs)} | {'met' if m <= 1.3 else 'NOT met'} |")
PY
cat "$OUT"
echo "written $OUT"
