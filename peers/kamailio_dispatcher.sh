# Sourced by peers/run.sh: Kamailio's dispatcher (peers/kamailio/dispatcher.cfg,
# algorithm 4, OPTIONS probes each second, failover on 503 and timeout) on
# 127.0.0.1 in front of two rvoip-gw nodes on 127.0.0.2 and 127.0.0.3
# (SIP and media on their own address), each bridging to one SIPp UAS (180
# then 200); a SIPp UAC calls through Kamailio, its ACK and BYE going
# straight to the node that answered (no Record-Route). Checks: the calls
# spread evenly; a node killed with SIGKILL mid-run: the calls it had up
# fail (their BYE unanswered), new calls do not (Kamailio fails over after
# fr_timer, then stops choosing it); restarted, it gets calls again; a node
# draining, and a node at max_calls, answers OPTIONS 503 with X-Load and
# Kamailio sends it nothing.
D="$WORK/dispatcher"; mkdir -p "$D"
KP=$(port); NP=$(port); UASP=$(port)
NODES=(127.0.0.2 127.0.0.3); declare -A NPID NMP
printf '1 sip:%s:%s 0 0 duid=n2;maxload=100000\n1 sip:%s:%s 0 0 duid=n3;maxload=100000\n' \
  "${NODES[0]}" "$NP" "${NODES[1]}" "$NP" >"$D/nodes.list"
# fr_inv_timer 5 s, not 60: the callee answers at once, and a node killed
# between its 100 Trying and the answer leaves a replied branch, which does
# not fail over: Kamailio ends that call with 408 at fr_inv_timer, which
# must come before SIPp's own 30 s timeout for the call to count as failed.
sed -e "s/@LISTEN@/127.0.0.1:$KP/g; s|@LIST@|$D/nodes.list|; s/\"fr_inv_timer\", 60000/\"fr_inv_timer\", 5000/" \
  peers/kamailio/dispatcher.cfg >"$D/kamailio.cfg"
grep -q '"fr_inv_timer", 5000' "$D/kamailio.cfg" || echo "dispatcher: fr_inv_timer not set in $D/kamailio.cfg" >&2
kamailio -f "$D/kamailio.cfg" -DD -E -x tlsf -m 64 -M 16 >"$D/kamailio.log" 2>&1 &
KPID=$!; PIDS+=($KPID)
# The same config with algorithm 10 (call load), on its own port.
KP10=$(port); sed -e "s/@LISTEN@/127.0.0.1:$KP10/g; s|@LIST@|$D/nodes.list|" peers/kamailio/dispatcher.cfg >"$D/kamailio10.cfg"
kamailio -f "$D/kamailio10.cfg" -A WITH_CALL_LOAD -DD -E -x tlsf -m 64 -M 16 >"$D/kamailio10.log" 2>&1 &
K10PID=$!; PIDS+=($K10PID)
until_ok 5 grep -q "Listening on" "$D/kamailio.log"; sleep 0.5
check "dispatcher: Kamailio up" "$(kill -0 $KPID 2>/dev/null && kill -0 $K10PID 2>/dev/null && echo 1)" \
  "$(grep -m1 -o 'ERROR.*' "$D/kamailio.log" "$D/kamailio10.log" | head -1)"
( cd "$D" && exec timeout 120 sipp -sn uas -i 127.0.0.1 -p "$UASP" -nostdin >uas.out 2>&1 ) &
UAS_PID=$!; PIDS+=($UAS_PID)
# ds_node IP [EXTRA_TOML]: (re)starts the node on IP; its metrics on NMP[IP].
ds_node() {
  local ip=$1 dir="$D/node-$1" n=${1##*.}; mkdir -p "$dir"; NMP[$ip]=${NMP[$ip]:-$(port)}
  cat >"$dir/gw.toml" <<EOT
[metrics]
listen = "127.0.0.1:${NMP[$ip]}"
[media]
address = "$ip"
port_min = $((24000 + n * 1000))
port_max = $((24000 + n * 1000 + 800))
${2:-}
EOT
  "$GW" --sip "$ip:$NP" --route "sip:127.0.0.1:$UASP" --config "$dir/gw.toml" --log-level info \
    2>>"$dir/gw.log" >/dev/null &
  NPID[$ip]=$!; PIDS+=(${NPID[$ip]})
  until_ok 5 grep -qs listening "$dir/gw.log"
}
bridged() { metric "127.0.0.1:${NMP[$1]}" 'rvoip_calls_total{outcome="bridged"}'; }
refused() { metric "127.0.0.1:${NMP[$1]}" "rvoip_calls_total{outcome=\"$2\"}"; }
# options IP: "STATUS|X-Load" of an OPTIONS to the node.
options() {
  python3 - "$1" "$NP" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1); s.bind(("127.0.0.1", 0))
me = "127.0.0.1:%d" % s.getsockname()[1]; to = "%s:%s" % (sys.argv[1], sys.argv[2])
s.sendto((f"OPTIONS sip:{to} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKprobe\r\nMax-Forwards: 70\r\n"
          f"From: <sip:check@{me}>;tag=1\r\nTo: <sip:{to}>\r\nCall-ID: probe-{me}\r\nCSeq: 1 OPTIONS\r\n"
          "Content-Length: 0\r\n\r\n").encode(), (sys.argv[1], int(sys.argv[2])))
try:
    t = s.recv(65536).decode()
    h = {l.split(":", 1)[0]: l.split(":", 1)[1].strip() for l in t.split("\r\n")[1:] if ":" in l}
    print(t.split()[1] + "|" + h.get("X-Load", "") + "|" + h.get("Retry-After", ""))
except OSError:
    print("none||")
PY
}
# calls NAME N RATE [SIPP-ARGS]: N calls through Kamailio; sets ok and failed.
calls() {
  local dir="$D/$1"; mkdir -p "$dir"; shift
  local n=$1 rate=$2; shift 2
 ( cd "$dir" && timeout 40 sipp "127.0.0.1:${TO:-$KP}" -i 127.0.0.1 -p "$(port)" -m "$n" -r "$rate" -nostdin \
      -sf "$S/uac_via_proxy.xml" -s svc -timeout 30s -timeout_error -trace_stat -stf stat.csv -fd 1 \
      -trace_err "$@" >sipp.out 2>&1 )
  read -r _ ok failed _ _ < <(stats "$dir/stat.csv" 2>/dev/null || echo "? 0 ? ? ?")
}
# dispatched FROM IP: INVITEs Kamailio sent to IP in its log from line FROM on.
dispatched() { tail -n +"$1" "$D/kamailio.log" | grep -c "dispatch: .* -> sip:$2:"; }
ds_node "${NODES[0]}"; ds_node "${NODES[1]}"
holding() { [ "$(metric "127.0.0.1:${NMP[${NODES[1]}]}" rvoip_calls_active)" = 1 ]; }
answers() { [ "$(options "$1" | cut -d'|' -f1)" = "$2" ]; }
until_ok 5 answers "${NODES[0]}" 200; until_ok 5 answers "${NODES[1]}" 200
sleep 1.5   # a probe round answered 200 by both

# Spread: round-robin over both nodes.
calls spread 40 20
a=$(bridged "${NODES[0]}"); b=$(bridged "${NODES[1]}")
check "dispatcher: calls through Kamailio" "$([ "$ok" = 40 ] && echo 1)" "$ok/40 answered"
check "dispatcher: spread over two nodes" "$([ "$a" -ge 16 ] && [ "$b" -ge 16 ] && [ $((a + b)) = 40 ] && echo 1)" \
  "node .2: $a, node .3: $b"
a0=$a; b0=$b; TO=$KP10 calls spread10 20 20
a=$(($(bridged "${NODES[0]}") - a0)); b=$(($(bridged "${NODES[1]}") - b0)); kill $K10PID
check "dispatcher: algorithm 10 (call load)" "$([ "$ok" = 20 ] && [ "$a" -ge 5 ] && [ "$b" -ge 5 ] && echo 1)" \
  "$ok/20 answered; node .2: $a, node .3: $b"
o=$(options "${NODES[0]}")
check "dispatcher: OPTIONS 200 with X-Load" "$([[ $o == "200|calls="*";state=admitting|" ]] && echo 1)" "$o"

# SIGKILL mid-run: 60 calls at 20 cps, node .3 killed after 1 s.
L=$(($(wc -l <"$D/kamailio.log") + 1))
calls kill 60 20 -max_non_invite_retrans 2 &
CPID=$!; sleep 1; kill -9 "${NPID[${NODES[1]}]}"
wait $CPID; read -r _ ok failed _ _ < <(stats "$D/kill/stat.csv" 2>/dev/null || echo "? 0 ? ? ?")
failover=$(tail -n +"$L" "$D/kamailio.log" | grep -c "(failover)")
in_setup=$(cat "$D"/kill/*_errors.log 2>/dev/null | grep -A6 "received 'SIP/2.0 408" | grep -c "^CSeq: 1 INVITE")
check "dispatcher: SIGKILL: only its calls fail" "$([ "$failed" -le 10 ] && [ $((ok + failed)) = 60 ] && echo 1)" \
  "$ok/60 answered and ended, $failed failed (up on .3 at the kill: BYE unanswered, and $in_setup in setup there: 408 at fr_inv_timer); $failover INVITEs to .3 failed over to .2 after fr_timer"
L=$(($(wc -l <"$D/kamailio.log") + 1))
calls after_kill 20 20
check "dispatcher: SIGKILL: none fail after" "$([ "$ok" = 20 ] && [ "$(dispatched "$L" "${NODES[1]}")" = 0 ] && echo 1)" \
  "$ok/20 answered, $(dispatched "$L" "${NODES[1]}") sent to the dead node"

# Restarted: probed 200 again within a second or two, and chosen again.
ds_node "${NODES[1]}"
until_ok 5 answers "${NODES[1]}" 200; sleep 2
calls restarted 20 20
b=$(bridged "${NODES[1]}")
check "dispatcher: restarted node gets calls" "$([ "$ok" = 20 ] && [ "$b" -ge 6 ] && echo 1)" "$ok/20 answered, $b on the restarted node"

# Draining: a call held on .3, SIGTERM; OPTIONS 503, Kamailio sends it nothing.
( cd "$D" && timeout 30 sipp -sn uac "${NODES[1]}:$NP" -s svc -i 127.0.0.1 -p "$(port)" -m 1 -d 8000 -nostdin >held.out 2>&1 ) &
HELD=$!
until_ok 5 holding
kill -TERM "${NPID[${NODES[1]}]}"; sleep 2
o=$(options "${NODES[1]}")
L=$(($(wc -l <"$D/kamailio.log") + 1))
calls draining 10 20
check "dispatcher: draining node OPTIONS 503" "$([[ $o == "503|calls=1;"*";state=draining|5" ]] && echo 1)" "$o"
check "dispatcher: draining node gets no calls" \
  "$([ "$ok" = 10 ] && [ "$(dispatched "$L" "${NODES[1]}")" = 0 ] && [ "$(refused "${NODES[1]}" drain_rejected)" = 0 ] && echo 1)" \
  "$ok/10 answered, $(dispatched "$L" "${NODES[1]}") sent to .3, $(refused "${NODES[1]}" drain_rejected) refused by it"
wait $HELD; for _ in $(seq 50); do kill -0 "${NPID[${NODES[1]}]}" 2>/dev/null || break; sleep 0.1; done

# At max_calls (1, held): OPTIONS 503 state=full, Kamailio sends it nothing.
ds_node "${NODES[1]}" $'[limits]\nmax_calls = 1'
until_ok 5 answers "${NODES[1]}" 200
( cd "$D" && timeout 30 sipp -sn uac "${NODES[1]}:$NP" -s svc -i 127.0.0.1 -p "$(port)" -m 1 -d 6000 -nostdin >held2.out 2>&1 ) &
HELD=$!
until_ok 5 holding; sleep 1.5
o=$(options "${NODES[1]}")
L=$(($(wc -l <"$D/kamailio.log") + 1))
calls full 10 20
check "dispatcher: node at max_calls OPTIONS 503" "$([[ $o == "503|calls=1;max=1;state=full|5" ]] && echo 1)" "$o"
check "dispatcher: full node gets no calls" \
  "$([ "$ok" = 10 ] && [ "$(dispatched "$L" "${NODES[1]}")" = 0 ] && [ "$(refused "${NODES[1]}" over_limit)" = 0 ] && echo 1)" \
  "$ok/10 answered, $(dispatched "$L" "${NODES[1]}") sent to .3, $(refused "${NODES[1]}" over_limit) refused by it"
wait $HELD
kill "${NPID[@]}" "$KPID" "$UAS_PID" 2>/dev/null
