#!/usr/bin/env bash
# Issue #21 item 4: what the kernel fast path (bpf/rtp_fwd.c, feature
# kernel-fastpath) forwards. Three network namespaces as the tests build
# them (peer A — gateway — peer B over two veths); the gateway process
# loads the program, attaches it at a1/b1 ingress and installs CALLS
# calls A→B (full RTP rewrite); A sends 172-byte RTP round-robin over the
# calls with sendmmsg (pinned to core 1) at each rate in RATES (0: flat
# out), B counts with recvmmsg (pinned to core 0). On veth the program,
# the redirect and B's delivery run in the sender's softirq, so the CPU
# figures are the whole machine's (sender and receiver syscalls
# included): an upper bound on the forwarding's own cost. Needs root.
# Writes perf/results/kernel_fastpath-<date>.md.
#   perf/kernel_fastpath.sh
#   CALLS=10000 SECS=5 RATES="250000 500000 1000000 0" perf/kernel_fastpath.sh
set -uo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-10000}; SECS=${SECS:-5}; RATES=${RATES:-"250000 500000 1000000 0"}
cargo build --release --features kernel-fastpath --example kernel_fwd_load >/dev/null 2>&1 || { echo "build failed"; exit 1; }
TOOL=target/release/examples/kernel_fwd_load
TAG=rvoip-kfperf-$$; A=$TAG-a; GW=$TAG-gw; B=$TAG-b
TMP=$(mktemp -d)
cleanup() { for ns in "$A" "$GW" "$B"; do ip netns del "$ns" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
for ns in "$A" "$GW" "$B"; do ip netns add "$ns" && ip -n "$ns" link set lo up || exit 1; done
ip link add a0 netns "$A" type veth peer name a1 netns "$GW"
ip link add b0 netns "$B" type veth peer name b1 netns "$GW"
ip -n "$A" addr add 10.201.1.1/24 dev a0; ip -n "$GW" addr add 10.201.1.2/24 dev a1
ip -n "$B" addr add 10.201.2.1/24 dev b0; ip -n "$GW" addr add 10.201.2.2/24 dev b1
for p in "$A a0" "$GW a1" "$GW b1" "$B b0"; do set -- $p; ip -n "$1" link set "$2" up; done
ip netns exec "$GW" sysctl -qw net.ipv4.ip_forward=1
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/kernel_fastpath-$STAMP.md
ROWS=$TMP/rows; LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY=$(ps -eo pcpu=,comm= --sort=-pcpu | awk '$1 > 5 {printf "%s%s %s%%", sep, $2, $1; sep=", "}')
# Busy and softirq jiffies of the whole machine.
jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8, $8}' /proc/stat; }
HZ=$(getconf CLK_TCK)
for rate in $RATES; do
  ip netns exec "$GW" "$TOOL" gw --calls "$CALLS" --secs "$SECS" >"$TMP/gw" 2>&1 &
  gw=$!
  until grep -q installed "$TMP/gw" 2>/dev/null; do kill -0 $gw 2>/dev/null || { cat "$TMP/gw"; exit 1; }; sleep 0.1; done
  ip netns exec "$B" taskset -c 0 "$TOOL" recv --secs "$SECS" >"$TMP/recv" 2>&1 &
  recv=$!
  sleep 0.2
  read -r busy0 soft0 < <(jiffies)
  ip netns exec "$A" taskset -c 1 "$TOOL" send --calls "$CALLS" --secs "$SECS" --pps "$rate" >"$TMP/send" 2>&1
  read -r busy1 soft1 < <(jiffies)
  wait $recv $gw
  sent=$(awk '/^sent/{print $2}' "$TMP/send"); secs=$(awk '/^sent/{print $4}' "$TMP/send")
  fwd=$(awk '/^forwarded/{print $2}' "$TMP/gw"); up=$(awk '/^forwarded/{print $4+$6+$8+$10+$12+$14}' "$TMP/gw")
  got=$(awk '/^received/{print $2}' "$TMP/recv")
  awk -v r="$rate" -v s="$sent" -v t="$secs" -v f="$fwd" -v u="$up" -v g="$got" -v b=$((busy1 - busy0)) -v q=$((soft1 - soft0)) -v hz="$HZ" 'BEGIN{
    printf "| %s | %d | %.0f | %d | %.0f | %d | %d | %.3f | %.2f | %.2f | %.2f |\n",
      (r == 0 ? "flat out" : r), s, s / t, f, f / t, u, g, (s > 0 ? 100 * (s - g) / s : 0),
      b / hz / t, q / hz / t, (f > 0 ? b / hz * 1e6 / f : 0)}' >>"$ROWS"
  tail -1 "$ROWS" >&2
done
{
  echo "# Kernel fast path: packets forwarded in a veth namespace test — $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r); load average at start $LOAD0, at end $(cut -d' ' -f1-3 /proc/loadavg) (the box is shared with other engineers' builds and tests)"
  echo "- rvoip $(git describe --always --dirty 2>/dev/null)"
  echo "- command: \`CALLS=$CALLS SECS=$SECS RATES=\"$RATES\" perf/kernel_fastpath.sh\` (examples/kernel_fwd_load: gw in the gateway's namespace, recv in B's pinned to core 0, send in A's pinned to core 1)"
  echo "- other work on the machine at start: $BUSY"
  echo "- pps: per second of sending; passed up: packets the program left to the stack (should be 0); loss: sent but not received by B; CPU: the whole machine's busy and softirq cores during the send, and busy CPU µs per forwarded packet (sender and receiver syscalls included)"
  echo
  echo "| rate asked (pps) | sent | sent pps | forwarded | forwarded pps | passed up | received | loss % | busy cores | softirq cores | busy µs / forwarded |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$ROWS"
} >"$OUT"
cat "$OUT"; cat "$TMP/gw" >&2
