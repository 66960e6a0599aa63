# Sourced by perf/robustness.sh: phases 5 (signalling loss in a network
# namespace) and 6 (TCP connection limits and idle timeout). Uses its GW,
# ROOT, WORK, BUF, want, keep, add, stats.

# --- 5. Signalling loss -----------------------------------------------------
LOSS_PCT=${LOSS_PCT:-20}; LOSS_CALLS=${LOSS_CALLS:-300}
if want loss; then
  command -v nft >/dev/null || { apt-get update -qq && apt-get install -y -qq nftables >/dev/null; }
  NS=rvoip-loss-$$
  ip netns add $NS && ip netns exec $NS ip link set lo up
  # netem is not built into this kernel: nftables drops LOSS_PCT % of the
  # UDP datagrams loopback delivers (at input, so senders see no error).
  ip netns exec $NS nft -f - <<EOF
table inet loss {
  chain in {
    type filter hook input priority 0; policy accept;
    meta l4proto udp numgen random mod 100 < $LOSS_PCT drop
  }
}
EOF
  inns() { ip netns exec $NS "$@"; }
  printf '[metrics]\nlisten = "127.0.0.1:9464"\n' >"$WORK/loss.toml"
  # The callee is a second rvoip-gw answering with its echo service:
  # SIPp's built-in uas takes a retransmitted INVITE (its 180 and 200 both
  # lost) for an unexpected message and aborts the call.
  printf '[media]\nport_min = 20000\nport_max = 30000\n' >"$WORK/callee.toml"
  ip netns exec $NS "$GW" --sip 127.0.0.1:5070 --config "$WORK/callee.toml" --log-level warn 2>"$WORK/callee.log" & UAS_PID=$!
  ip netns exec $NS "$GW" --sip 127.0.0.1:5060 --route sip:127.0.0.1:5070 --config "$WORK/loss.toml" --log-level warn \
    2>"$WORK/loss.log" & GW_PID=$!
  sleep 1
  # Calls held 2 s, so that a lost ACK is repaired (by the callee's 200
  # retransmissions) before the BYE.
  CMD5="sipp -sn uac 127.0.0.1:5060 -r 10 -m $LOSS_CALLS -d 2000 -max_retrans 7 (inside the namespace)"
  ( cd "$WORK" && timeout $((LOSS_CALLS / 10 + 150)) ip netns exec $NS sipp -sn uac 127.0.0.1:5060 -i 127.0.0.1 -p 5080 \
      -r 10 -m $LOSS_CALLS -d 2000 -max_retrans 7 -nostdin -timeout $((LOSS_CALLS / 10 + 120))s -trace_stat -stf lossa.csv -fd 1 \
      >lossa.out 2>&1 )
  sleep 70   # the last transactions: Timer J (32 s) after a BYE retransmitted for up to 32 s
  LOSS_MET=$(inns curl -s http://127.0.0.1:9464/metrics)
  lm() { echo "$LOSS_MET" | awk -v m="$1" '$1==m {s+=$2} END {print s+0}'; }
  kill $GW_PID; wait $GW_PID 2>/dev/null; kill $UAS_PID; wait $UAS_PID 2>/dev/null
  DELIVERED=$(inns python3 -c "
import socket
a=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);a.bind(('127.0.0.1',0));a.setblocking(False)
b=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);n=0
for i in range(10000):
    b.sendto(b'x',a.getsockname())
    try: a.recv(10); n+=1
    except OSError: pass
print(f'{n/100:.1f}')")
  ip netns del $NS
  read -r LA_TOT LA_OK LA_FAIL LA_RETR LA_UNEXP < <(stats "$WORK/lossa.csv")
  add "## 5. Signalling loss: $LOSS_PCT % of UDP datagrams dropped" "" \
    "- network namespace with its own loopback; nftables \`meta l4proto udp numgen random mod 100 < $LOSS_PCT drop\` on input (the kernel has no netem); measured delivery of a probe stream: $DELIVERED %" \
    "- \`$CMD5\` -> \`rvoip-gw --route sip:127.0.0.1:5070\` -> \`rvoip-gw --sip 127.0.0.1:5070\` (its echo service, ringing first; SIPp's built-in uas aborts a call on a retransmitted INVITE whose 180 and 200 were both lost, so it cannot be the callee here). SIPp's uac gives up on a transaction after 7 retransmissions, as Timers B and F allow." "" \
    "| caller (SIPp uac) | calls | completed | failed | retransmissions | unexpected |" "|---|---|---|---|---|---|" \
    "| | $LA_TOT | $LA_OK | $LA_FAIL | $LA_RETR | $LA_UNEXP |" "" \
    "- gateway afterwards: calls answered end to end $(lm rvoip_calls_answered_total), sessions active $(lm rvoip_sessions_active), transactions $(lm rvoip_transactions_active)" ""
else keep 5; fi

# --- 6. TCP limits -----------------------------------------------------------
TCP_MAX=${TCP_MAX:-200}; TCP_IDLE=${TCP_IDLE:-5}
if want tcp; then
  UASP=$(port); GWP=$(port); MET=127.0.0.1:$(port)
  printf '[metrics]\nlisten = "%s"\n[sip]\ntcp_max_connections = %s\ntcp_idle_secs = %s\n[[routes]]\nuser_prefix = ""\ntarget = "sip:127.0.0.1:%s"\ntransport = "tcp"\n' \
    "$MET" "$TCP_MAX" "$TCP_IDLE" "$UASP" >"$WORK/tcp.toml"
  ( cd "$WORK" && exec sipp -sn uas -t t1 -i 127.0.0.1 -p $UASP -buff_size $BUF -nostdin >/dev/null 2>&1 ) & UAS_PID=$!
  "$GW" --sip 127.0.0.1:$GWP --config "$WORK/tcp.toml" --log-level warn \
    2>"$WORK/tcp.log" & GW_PID=$!
  sleep 1
  CMD6="sipp -sn uac -t t1 GW -r 50 -m 500 -d 1000 (during a flood of $((TCP_MAX * 3)) idle connections)"
  ( cd "$WORK" && timeout 120 sipp -sn uac -t t1 127.0.0.1:$GWP -i 127.0.0.1 -p "$(port)" -r 50 -m 500 -d 1000 -buff_size $BUF \
      -nostdin -timeout 90s -trace_stat -stf tcp.csv -fd 1 >tcp.out 2>&1 ) & UAC_PID=$!
  sleep 1   # its connection is up before the flood
  # 3x the connection cap, opened and left idle; then watch which close.
  python3 - "$GWP" "$((TCP_MAX * 3))" "$TCP_IDLE" >"$WORK/tcp_flood.txt" <<'PY' &
import socket, sys, time
port, n, idle = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port)); s.setblocking(False); socks.append(s)
def closed(s):
    try:
        return s.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
time.sleep(1.0)
early = sum(closed(s) for s in socks)
time.sleep(idle + 2.0)
late = sum(closed(s) for s in socks)
print(n, early, late)
PY
  FLOOD=$!
  wait $UAC_PID
  wait $FLOOD
  read -r T_N T_EARLY T_LATE <"$WORK/tcp_flood.txt"
  read -r T_TOT T_OK T_FAIL T_RETR T_UNEXP < <(stats "$WORK/tcp.csv")
  T_REFUSED=$(metric 'rvoip_queue_overflow_total{queue="tcp_send"}')
  kill $GW_PID; wait $GW_PID 2>/dev/null; kill $UAS_PID; wait $UAS_PID 2>/dev/null
  add "## 6. TCP connection limit and idle timeout" "" \
    "- gateway: \`sip.tcp_max_connections = $TCP_MAX\`, \`sip.tcp_idle_secs = $TCP_IDLE\`, bridging over TCP to \`sipp -sn uas -t t1\`" \
    "- flood: $T_N idle connections opened at once; closed by the gateway within 1 s: $T_EARLY (over the cap); closed after the idle timeout: $T_LATE of $T_N" \
    "- calls meanwhile: \`$CMD6\`: $T_TOT placed, $T_OK completed, $T_FAIL failed, $T_RETR retransmissions" \
    "- connections refused by the cap (gateway counter): $T_REFUSED" ""
else keep 6; fi
