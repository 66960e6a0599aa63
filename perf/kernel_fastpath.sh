#!/usr/bin/env bash
# Issue #21 item 4: what the kernel fast path (bpf/rtp_fwd.c, feature
# kernel-fastpath) forwards. Three network namespaces as the tests build
# them (peer A — gateway — peer B over two veths); the gateway process
# loads the program, attaches it at a1/b1 ingress and installs CALLS
# calls A→B (full RTP rewrite); A sends 172-byte RTP round-robin over the
# calls at each rate in RATES (0: flat out). Needs root.
#
# MODE=raw (default): the forwarding gets core 0 to itself. A sends whole
#   frames through AF_PACKET (qdisc bypassed) pinned to core 1; RPS
#   steers a1's receive, where the program runs, to core 0 and b0's to
#   core 1, where perf/kernel_sink.c drops them at ingress (b0's counter
#   is what arrived). Core 0's busy time (from its idle time, which the
#   kernel measures exactly, where busy ticks miss short wake-ups) over
#   the packets forwarded is the forwarding's whole cost per packet:
#   the veth hand-over, the program, the redirect, and the enqueue to B.
#   Lost: dropped at either core's backlog (netdev_max_backlog; BACKLOG
#   sets it for the run and puts it back).
# MODE=udp: A sends with a UDP socket's sendmmsg pinned to core 1 and B
#   counts with recvmmsg pinned to core 0; on veth the program, the
#   redirect and B's delivery run in the sender's softirq, so the core
#   figures mix the sender's and receiver's stacks with the forwarding.
#
# Writes perf/results/kernel_fastpath-<date>.md.
#   perf/kernel_fastpath.sh
#   MODE=udp CALLS=10000 SECS=5 RATES="250000 500000 1000000 0" perf/kernel_fastpath.sh
set -uo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-10000}; SECS=${SECS:-5}; RATES=${RATES:-"250000 500000 1000000 0"}
MODE=${MODE:-raw}; BACKLOG=${BACKLOG:-}
case $MODE in raw | udp) ;; *) echo "MODE is raw or udp, not $MODE"; exit 1 ;; esac
# TOOL: another build of examples/kernel_fwd_load (with its program), to
# compare two side by side; by default this tree's, built here.
if [ -z "${TOOL:-}" ]; then
  cargo build --release --features kernel-fastpath --example kernel_fwd_load >/dev/null 2>&1 || { echo "build failed"; exit 1; }
  TOOL=target/release/examples/kernel_fwd_load
fi
TAG=rvoip-kfperf-$$; A=$TAG-a; GW=$TAG-gw; B=$TAG-b
TMP=$(mktemp -d)
BACKLOG0=$(sysctl -n net.core.netdev_max_backlog)
cleanup() {
  for ns in "$A" "$GW" "$B"; do ip netns del "$ns" 2>/dev/null; done
  sysctl -qw net.core.netdev_max_backlog="$BACKLOG0"; rm -rf "$TMP"
}
trap cleanup EXIT
for ns in "$A" "$GW" "$B"; do
  ip netns add "$ns" && ip -n "$ns" link set lo up || exit 1
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 # no ND/MLD in the counts
done
ip link add a0 netns "$A" type veth peer name a1 netns "$GW"
ip link add b0 netns "$B" type veth peer name b1 netns "$GW"
ip -n "$A" addr add 10.201.1.1/24 dev a0; ip -n "$GW" addr add 10.201.1.2/24 dev a1
ip -n "$B" addr add 10.201.2.1/24 dev b0; ip -n "$GW" addr add 10.201.2.2/24 dev b1
for p in "$A a0" "$GW a1" "$GW b1" "$B b0"; do set -- $p; ip -n "$1" link set "$2" up; done
ip netns exec "$GW" sysctl -qw net.ipv4.ip_forward=1
[ -n "$BACKLOG" ] && sysctl -qw net.core.netdev_max_backlog="$BACKLOG"
if [ "$MODE" = raw ]; then
  ip netns exec "$GW" sh -c 'echo 1 >/sys/class/net/a1/queues/rx-0/rps_cpus'
  ip netns exec "$B" sh -c 'echo 2 >/sys/class/net/b0/queues/rx-0/rps_cpus'
  clang -O2 -target bpf "-I/usr/include/$(uname -m)-linux-gnu" -c perf/kernel_sink.c -o "$TMP/sink.o" || exit 1
  tc -n "$B" qdisc add dev b0 clsact && tc -n "$B" filter add dev b0 ingress bpf da obj "$TMP/sink.o" sec tc || exit 1
  SEND_ARGS="--raw-to $(ip netns exec "$GW" cat /sys/class/net/a1/address)"
else
  SEND_ARGS=
fi
stat_of() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/kernel_fastpath-$STAMP.md
ROWS=$TMP/rows; LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY=$(ps -eo pcpu=,comm= --sort=-pcpu | awk '$1 > 5 {printf "%s%s %s%%", sep, $2, $1; sep=", "}')
# Wall time and each core's idle time (idle + iowait, exact under nohz).
clock() { echo "$(date +%s.%N) $(awk '/^cpu0 /{i0=$5+$6} /^cpu1 /{i1=$5+$6} END{print i0, i1}' /proc/stat)"; }
HZ=$(getconf CLK_TCK)
for rate in $RATES; do
  ip netns exec "$GW" "$TOOL" gw --calls "$CALLS" --secs "$SECS" >"$TMP/gw" 2>&1 &
  gw=$!
  until grep -q installed "$TMP/gw" 2>/dev/null; do kill -0 $gw 2>/dev/null || { cat "$TMP/gw"; exit 1; }; sleep 0.1; done
  recv=
  if [ "$MODE" = udp ]; then
    ip netns exec "$B" taskset -c 0 "$TOOL" recv --secs "$SECS" >"$TMP/recv" 2>&1 &
    recv=$!
  fi
  sleep 0.2
  rx0=$(stat_of "$B" b0 rx_packets)
  read -r t0 idle0_0 idle1_0 < <(clock)
  ip netns exec "$A" taskset -c 1 "$TOOL" send --calls "$CALLS" --secs "$SECS" --pps "$rate" $SEND_ARGS >"$TMP/send" 2>&1
  read -r t1 idle0_1 idle1_1 < <(clock)
  wait $recv $gw
  sent=$(awk '/^sent/{print $2}' "$TMP/send"); secs=$(awk '/^sent/{print $4}' "$TMP/send")
  fwd=$(awk '/^forwarded/{print $2}' "$TMP/gw"); up=$(awk '/^forwarded/{print $4+$6+$8+$10+$12+$14}' "$TMP/gw")
  if [ "$MODE" = udp ]; then got=$(awk '/^received/{print $2}' "$TMP/recv"); else got=$(($(stat_of "$B" b0 rx_packets) - rx0)); fi
  awk -v r="$rate" -v s="$sent" -v t="$secs" -v f="$fwd" -v u="$up" -v g="$got" -v t0="$t0" -v t1="$t1" \
    -v i0=$((idle0_1 - idle0_0)) -v i1=$((idle1_1 - idle1_0)) -v hz="$HZ" 'BEGIN{
    w = t1 - t0; b0 = 1 - i0 / hz / w; b1 = 1 - i1 / hz / w; lost = (s > g ? s - g : 0)
    printf "| %s | %d | %.0f | %d | %.0f | %d | %d | %.3f | %.2f | %.2f | %.2f |\n",
      (r == 0 ? "flat out" : r), s, s / t, f, f / t, u, g, (s > 0 ? 100 * lost / s : 0),
      b0, b1, (f > 0 ? b0 * w * 1e6 / f : 0)}' >>"$ROWS"
  tail -1 "$ROWS" >&2
done
{
  echo "# Kernel fast path: packets forwarded in a veth namespace test — $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r); load average at start $LOAD0, at end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- rvoip $(git describe --always --dirty 2>/dev/null); load tool and program: $TOOL"
  echo "- command: \`MODE=$MODE CALLS=$CALLS SECS=$SECS RATES=\"$RATES\"${BACKLOG:+ BACKLOG=$BACKLOG} perf/kernel_fastpath.sh\` (netdev_max_backlog ${BACKLOG:-$BACKLOG0})"
  if [ "$MODE" = raw ]; then
    echo "- layout: A sends whole frames through AF_PACKET (qdisc bypassed) on core 1; RPS puts a1's receive (the program, the redirect, the enqueue to B) on core 0 and b0's on core 1, where a tc program drops them; received is b0's count"
  else
    echo "- layout: A sends with a UDP socket's sendmmsg on core 1, B counts with recvmmsg on core 0; the forwarding runs in the sender's softirq (core 1)"
  fi
  echo "- other work on the machine at start: ${BUSY:-none over 5 %}"
  echo "- pps: per second of sending; passed up: packets the program left to the stack (should be 0); loss: sent but not received by B; core busy: 1 - the core's idle time over the wall time of the send; µs per packet: core 0's busy time over the packets forwarded"
  echo
  echo "| rate asked (pps) | sent | sent pps | forwarded | forwarded pps | passed up | received | loss % | core 0 busy | core 1 busy | core 0 µs / forwarded |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$ROWS"
} >"$OUT"
cat "$OUT"; cat "$TMP/gw" >&2
