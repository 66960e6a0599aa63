# Sourced by sipp/run.sh: the B2BUA cases. SIPp UAC -> rvoip-gw (bridging,
# media anchored on its workers) -> SIPp UAS, over UDP and TCP, with CANCEL
# propagation, BYE from either side, hold/resume across the gateway and a
# 302 on the outbound leg followed to its Contact, and a 302 naming two
# Contacts whose better one answers 486, so the call goes to the other;
# a forking proxy on the outbound leg (uas_fork*.xml: 180 from callee
# A, 183 with SDP from callee B, 200 from B, each with its own To tag,
# plainly and with reliable provisionals): ACK, PRACKs and BYE checked in
# the right fork's dialog, the caller (uac_fork.xml) hearing one dialog;
# and DTMF interworking (issue #18): a caller's RFC 4733 digits reach a
# callee without telephone-event as INFOs, a caller's INFO digits reach it
# as INFOs (a malformed one refused 400), each once and in order.
# Uses run.sh's GW, WORK, S, free_port, case_uac and record. The gateway
# runs two signalling threads here (calls sharded by Call-ID), the rest of
# the suite one.

B_UDP=$(free_port); B_TCP=$(free_port); B_RING=$(free_port); B_BYE=$(free_port); B_HOLD=$(free_port)
B_REDIR=$(free_port); B_MOVED=$(free_port)
B_REDIR2=$(free_port); B_BUSY=$(free_port); B_MOVED2=$(free_port)
B_FORK=$(free_port); B_FORKREL=$(free_port)
B_DTMF=$(free_port); B_INFO=$(free_port)
cat >"$WORK/b2bua.toml" <<EOF
[sip]
threads = 2
[media]
port_min = 20000
port_max = 30000
[[routes]]
user_prefix = "tcp"
target = "sip:127.0.0.1:$B_TCP"
transport = "tcp"
[[routes]]
user_prefix = "ring"
target = "sip:127.0.0.1:$B_RING"
[[routes]]
user_prefix = "byeb"
target = "sip:127.0.0.1:$B_BYE"
[[routes]]
user_prefix = "hold"
target = "sip:127.0.0.1:$B_HOLD"
[[routes]]
user_prefix = "redir"
target = "sip:127.0.0.1:$B_REDIR"
[[routes]]
user_prefix = "redtwo"
target = "sip:127.0.0.1:$B_REDIR2"
[[routes]]
user_prefix = "forkrel"
target = "sip:127.0.0.1:$B_FORKREL"
[[routes]]
user_prefix = "fork"
target = "sip:127.0.0.1:$B_FORK"
[[routes]]
user_prefix = "dtmf2833"
target = "sip:127.0.0.1:$B_DTMF"
[[routes]]
user_prefix = "dtmfinfo"
target = "sip:127.0.0.1:$B_INFO"
EOF
B2B_PORT=$(free_port)
# --route makes every other call go to the plain SIPp UAS.
"$GW" --sip 127.0.0.1:$B2B_PORT --config "$WORK/b2bua.toml" --route sip:127.0.0.1:$B_UDP \
  --log-level warn 2>"$WORK/b2b.log" &
B2B_PID=$!
trap 'kill $GW_PID $B2B_PID 2>/dev/null; pkill -P $$ sipp 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do grep -q listening "$WORK/b2b.log" && break; sleep 0.1; done

# uas_bg NAME PORT CALLS SIPP-ARGS...: a SIPp UAS in the background.
UAS_NAMES=(); UAS_PIDS=()
uas_bg() {
  local name=$1 port=$2 calls=$3; shift 3
  local dir="$WORK/$name"; mkdir -p "$dir"
  ( cd "$dir" && timeout 150 sipp -i 127.0.0.1 -p "$port" -m "$calls" -nostdin -timeout 120s \
      -trace_stat -stf stat.csv -fd 1 -trace_err "$@" >sipp.out 2>&1 ) &
  UAS_PIDS+=($!); UAS_NAMES+=("$name")
}
uas_bg b2b-uas-udp  "$B_UDP"  200 -sn uas
uas_bg b2b-uas-tcp  "$B_TCP"  100 -sn uas -t t1
uas_bg b2b-uas-ring "$B_RING"  20 -sf "$S/uas_ring.xml"
uas_bg b2b-uas-bye  "$B_BYE"   20 -sf "$S/uas_bye.xml"
uas_bg b2b-uas-hold "$B_HOLD"  20 -sf "$S/uas_hold.xml"
uas_bg b2b-uas-302  "$B_REDIR"  20 -sf "$S/uas_redirect.xml" -key redirect_to 127.0.0.1:$B_MOVED
uas_bg b2b-uas-moved "$B_MOVED" 20 -sn uas
uas_bg b2b-uas-302x2 "$B_REDIR2" 20 -sf "$S/uas_redirect_two.xml" -key redirect_to 127.0.0.1:$B_MOVED2 \
  -key busy_at 127.0.0.1:$B_BUSY
uas_bg b2b-uas-busy  "$B_BUSY"  20 -sf "$S/uas_busy.xml"
uas_bg b2b-uas-moved2 "$B_MOVED2" 20 -sn uas
uas_bg b2b-uas-fork    "$B_FORK"    20 -sf "$S/uas_fork.xml"
uas_bg b2b-uas-fork-100rel "$B_FORKREL" 20 -sf "$S/uas_fork_prack.xml"
uas_bg b2b-uas-dtmf-info "$B_DTMF" 3 -sf "$S/uas_info_dtmf.xml"
uas_bg b2b-uas-info-info "$B_INFO" 3 -sf "$S/uas_info_dtmf.xml"
sleep 0.5
TARGET=$B2B_PORT
case_uac b2b-uac-udp       200 -sn uac -r 50 -l 200
case_uac b2b-uac-tcp       100 -sn uac -s tcpcall -r 50 -l 200 -t t1
case_uac b2b-cancel         20 -sf "$S/cancel.xml" -s ring -r 20
case_uac b2b-bye-from-b     20 -sf "$S/uac_bye_in.xml" -s byeb -r 20
case_uac b2b-hold-resume    20 -sf "$S/hold.xml" -s hold -r 20
case_uac b2b-redirect       20 -sn uac -s redir -r 20
case_uac b2b-redirect-next  20 -sn uac -s redtwo -r 20
case_uac b2b-forked          20 -sf "$S/uac_fork.xml" -s fork -r 20
case_uac b2b-forked-100rel   20 -sf "$S/uac_fork.xml" -s forkrel -r 20
case_uac b2b-rfc4733-to-info 3 -sf "$S/uac_dtmf_2833.xml" -s dtmf2833 -mi 127.0.0.1 -mp "$(media_port)"
case_uac b2b-info-to-info    3 -sf "$S/uac_info_dtmf.xml" -s dtmfinfo
unset TARGET
for i in "${!UAS_PIDS[@]}"; do
  wait "${UAS_PIDS[$i]}"; record "${UAS_NAMES[$i]}" $? "$WORK/${UAS_NAMES[$i]}"
done
kill -0 $B2B_PID 2>/dev/null || { echo "rvoip-gw (B2BUA) died during the suite"; FAILED=1; }
