#!/usr/bin/env bash
# Where rvoip-gw's time goes at a given call rate, so the next engineer
# starts from data: SIPp uac -> rvoip-gw --route (embedded default config)
# -> SIPp builtin uas (180 then 200), signalling only, rvoip-gw pinned to
# core 1 and both SIPps to core 0. While the load runs:
#   1. its system calls per call, by thread and by call name (perf's
#      syscall tracepoints over a window, calls from its own metrics), and
#      datagrams per batched call (the return values of recvmmsg and
#      sendmmsg);
#   2. then a CPU profile of the gateway (perf record, DWARF call graphs),
#      folded and drawn with inferno once the load is over:
#      perf/results/profile-<date>.svg, the top 20 symbols by own samples,
#      and the share per thread.
# Writes perf/results/profile-<date>.md. Loopback only; the load stops by
# itself (SIPp -m). Installs what it uses: sip-tester and linux-perf from
# Debian, inferno from crates.io (into target/tools).
#   perf/profile.sh                    # 4,000 cps, 10 s profiled, 5 s of syscalls
#   RATE=2000 PROFILE_S=20 perf/profile.sh
set -uo pipefail
cd "$(dirname "$0")/.."; ROOT=$PWD
source perf/lib.sh
LOAD0=$(cut -d" " -f1-3 /proc/loadavg)
RATE=${RATE:-4000}; WARM_S=${WARM_S:-5}; PROFILE_S=${PROFILE_S:-10}; SYSCALL_S=${SYSCALL_S:-5}
FREQ=${FREQ:-499}
need() { command -v "$1" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need sipp sip-tester; need perf linux-perf
TOOLS=$ROOT/target/tools
[ -x "$TOOLS/bin/inferno-flamegraph" ] || cargo install -q --locked inferno --root "$TOOLS" || { echo "inferno install failed"; exit 1; }
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
GW=$ROOT/target/release/rvoip-gw
WORK=$(mktemp -d); GW_PID=; UAS_PID=; UAC_PID=
trap 'kill $GW_PID $UAS_PID $UAC_PID 2>/dev/null; [ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"' EXIT
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/profile-$STAMP.md; SVG=perf/results/profile-$STAMP.svg
BUF=4194304
UASP=$(port); GWP=$(port); MP=$(port)
( cd "$WORK" && exec taskset -c 0 sipp -sn uas -i 127.0.0.1 -p $UASP -buff_size $BUF -nostdin >/dev/null 2>&1 ) &
UAS_PID=$!
printf '[metrics]\nlisten = "127.0.0.1:%s"\n' "$MP" >"$WORK/gw.toml"
taskset -c 1 "$GW" --config "$WORK/gw.toml" --sip 127.0.0.1:$GWP --route sip:127.0.0.1:$UASP --log-level warn \
  2>"$WORK/gw.log" &
GW_PID=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$MP/metrics" >/dev/null && break; sleep 0.1; done
answered() { curl -sf "http://127.0.0.1:$MP/metrics" | awk '/^rvoip_calls_answered_total/ {s += $NF} END {print s + 0}'; }
TOTAL_S=$((WARM_S + PROFILE_S + SYSCALL_S + 6))
( cd "$WORK" && exec taskset -c 0 timeout $((TOTAL_S + 60)) sipp -sn uac 127.0.0.1:$GWP -i 127.0.0.1 -p "$(port)" \
    -buff_size $BUF -r $RATE -l $((RATE * 2)) -m $((RATE * TOTAL_S)) -nostdin -timeout $((TOTAL_S + 30))s \
    -trace_stat -stf uac.csv -fd 1 >uac.out 2>&1 ) &
UAC_PID=$!
sleep "$WARM_S"

# 1. System calls: every entry, by thread and name, and what each batched
# receive or send carried.
c0=$(answered)
perf stat -e raw_syscalls:sys_enter --per-thread -p $GW_PID -o "$WORK/stat.txt" -- sleep "$SYSCALL_S" 2>/dev/null &
STAT_PID=$!
perf record -q -m 4096 -e 'raw_syscalls:sys_enter' -e 'syscalls:sys_exit_recvmmsg' -e 'syscalls:sys_exit_sendmmsg' \
  -p $GW_PID -o "$WORK/sys.data" -- sleep "$SYSCALL_S" 2>>"$WORK/perf.err"
wait $STAT_PID
c1=$(answered)
# 2. The CPU profile (folded and drawn once the load is over).
perf record -q -F "$FREQ" --call-graph dwarf,16384 -p $GW_PID -o "$WORK/cpu.data" -- sleep "$PROFILE_S" 2>"$WORK/perf.err"
perf script -i "$WORK/sys.data" -F comm,event,trace 2>/dev/null >"$WORK/sys.txt"
wait $UAC_PID; UAC_PID=
perf script -i "$WORK/cpu.data" 2>/dev/null >"$WORK/cpu.txt"
"$TOOLS/bin/inferno-collapse-perf" --all "$WORK/cpu.txt" >"$WORK/cpu.folded"
"$TOOLS/bin/inferno-flamegraph" --title "rvoip-gw at $RATE cps (SIPp uac -> B2BUA -> uas), $PROFILE_S s" \
  "$WORK/cpu.folded" >"$SVG"
perf report -i "$WORK/cpu.data" --no-children --sort symbol --stdio -g none --percent-limit 0.3 2>/dev/null |
  grep -E '^ +[0-9.]+%' | head -20 | sed -E 's/ +- +- *$//; s/ +$//' >"$WORK/top.txt"
perf report -i "$WORK/cpu.data" --no-children --sort comm --stdio -g none 2>/dev/null |
  grep -E '^ +[0-9.]+%' >"$WORK/threads.txt"

read -r tot ok fail retr unexp < <(stats "$WORK/uac.csv")
CALLS=$((c1 - c0))

python3 - "$WORK" "$CALLS" >"$WORK/sys.md" <<'PY'
import re, sys, collections
work, calls = sys.argv[1], max(int(sys.argv[2]), 1)
# x86_64 numbers of the calls a gateway makes; others by number.
names = {0: "read", 1: "write", 7: "poll", 20: "writev", 44: "sendto", 45: "recvfrom", 46: "sendmsg",
         47: "recvmsg", 202: "futex", 228: "clock_gettime", 232: "epoll_wait", 281: "epoll_pwait",
         299: "recvmmsg", 307: "sendmmsg", 426: "io_uring_enter", 441: "epoll_pwait2", 24: "sched_yield",
         9: "mmap", 11: "munmap", 28: "madvise", 51: "getsockname", 39: "getpid", 186: "gettid",
         35: "nanosleep", 230: "clock_nanosleep", 318: "getrandom", 16: "ioctl", 72: "fcntl", 3: "close",
         41: "socket", 49: "bind", 54: "setsockopt", 42: "connect", 290: "eventfd2", 233: "epoll_ctl"}
by = collections.Counter(); per_thread = collections.Counter()
batch = collections.defaultdict(lambda: [0, 0])
for line in open(f"{work}/sys.txt"):
    m = re.match(r"\s*(\S.*?)\s+(raw_syscalls:sys_enter|syscalls:sys_exit_\w+):\s*(.*)", line)
    if not m:
        continue
    comm, ev, rest = m.groups()
    thread = re.sub(r"-\d+$", "-N", comm)
    if ev == "raw_syscalls:sys_enter":
        nr = int(re.search(r"NR (\d+)", rest).group(1))
        by[(thread, names.get(nr, f"#{nr}"))] += 1; per_thread[thread] += 1
    else:
        ret = int(re.search(r"0x([0-9a-f]+)", rest).group(1), 16)
        if ret < 1 << 31:
            b = batch[(thread, ev.rsplit("_", 1)[1])]; b[0] += 1; b[1] += ret
# perf stat's exact counts per thread, to check the record lost nothing.
exact = collections.Counter()
for line in open(f"{work}/stat.txt"):
    m = re.match(r"\s*(\S+)-\d+\s+([\d,]+)\s+raw_syscalls:sys_enter", line)
    if m:
        exact[re.sub(r"-\d+$", "-N", m.group(1))] += int(m.group(2).replace(",", ""))
total = sum(per_thread.values())
if exact:
    print(f"(perf stat counted {sum(exact.values())} in the same window, the record {total})\n")
print(f"{total} system calls in the window for {calls} calls answered: **{total / calls:.1f} per call**\n")
print("| thread | calls/call | top calls (per call) |\n|---|---|---|")
for t, n in per_thread.most_common():
    top = sorted(((c, k[1]) for k, c in by.items() if k[0] == t), reverse=True)[:6]
    print(f"| {t} | {n / calls:.2f} | " + ", ".join(f"{name} {c / calls:.2f}" for c, name in top) + " |")
print()
for (thread, name), (n, d) in sorted(batch.items()):
    if n:
        print(f"- {thread} {name}: {n} returned {d} datagrams, **{d / n:.2f} per system call**, "
              f"{d / calls:.2f} datagrams per SIP call")
PY

{
  echo "# rvoip-gw profile at $RATE cps"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); $(perf --version); SIPp $(sipp -v 2>&1 | grep -o 'v[0-9.]*' | head -1); rvoip-gw at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes')"
  echo "- load average when it started (other work on the machine): $LOAD0"
  echo "- command: \`RATE=$RATE WARM_S=$WARM_S PROFILE_S=$PROFILE_S SYSCALL_S=$SYSCALL_S FREQ=$FREQ perf/profile.sh\`"
  echo "- load: \`sipp -sn uac -r $RATE\` -> \`rvoip-gw --route\` (embedded default config, pinned to core 1) -> \`sipp -sn uas\` (180 then 200); both SIPps on core 0; signalling only (media ports bound, no RTP)"
  echo "- SIPp: $ok of $tot calls successful, $fail failed, $retr retransmissions, $unexp unexpected"
  echo "- profile: \`perf record -F $FREQ --call-graph dwarf,16384\` on the gateway for $PROFILE_S s after $WARM_S s of warm-up; flame graph: [$(basename "$SVG")]($(basename "$SVG"))"
  echo
  echo "## CPU by thread (share of the gateway's samples)"
  echo; echo '```'; cat "$WORK/threads.txt"; echo '```'; echo
  echo "## Top 20 symbols by own samples"
  echo; echo '```'; cat "$WORK/top.txt"; echo '```'; echo
  echo "## System calls over $SYSCALL_S s (before the profile)"
  echo; cat "$WORK/sys.md"
} >"$OUT"
cat "$OUT"
