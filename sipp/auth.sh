# Sourced by sipp/run.sh: digest authentication both ways. A gateway
# whose every new INVITE must authenticate (credentials file written here
# with `rvoip-gw ha1`; MD5 offered first, since SIPp 3.6 reads only the
# first challenge and knows only MD5), with two routes to SIPp trunks that
# challenge the gateway in turn (routes[].auth). Cases: a caller with the
# right password gets through to the echo service; one with a wrong
# password is challenged again and never does; a caller authenticated at
# the gateway is bridged to a trunk that challenges the gateway's INVITE
# and checks its BYE's credentials; a trusted caller (no challenge) is
# bridged to a trunk that challenges twice and gets 403 after one answer.
# Registrar: a phone (SIPp) registers alice's Contact (challenged, then
# bound), calls for alice reach it through the gateway, then it removes
# every binding (Contact: *).
# Uses run.sh's and b2bua.sh's GW, WORK, S, free_port, case_uac, uas_bg
# and record.

echo secret | "$GW" ha1 alice rvoip >"$WORK/credentials.toml"
echo secret >"$WORK/trunk-password"
TRUNK=$(free_port); TWICE=$(free_port)
cat >"$WORK/auth.toml" <<EOF2
[auth]
credentials = "$WORK/credentials.toml"
algorithms = ["MD5", "SHA-256"]
[registrar]
enabled = true
[media]
port_min = 30000
port_max = 31000
[[acl]]
cidr = "127.0.0.20"
action = "trust"
[[routes]]
user_prefix = "trunk"
target = "sip:127.0.0.1:$TRUNK"
auth = { user = "alice", password_file = "$WORK/trunk-password" }
[[routes]]
user_prefix = "twice"
target = "sip:127.0.0.1:$TWICE"
auth = { user = "alice", password_file = "$WORK/trunk-password" }
[[routes]]
user_prefix = "alice"
target = "registered"
[[routes]]
user_prefix = ""
target = "echo"
EOF2
AUTH_PORT=$(free_port)
"$GW" --sip 127.0.0.1:$AUTH_PORT --config "$WORK/auth.toml" --log-level warn 2>"$WORK/auth.log" &
AUTH_PID=$!
trap 'kill $GW_PID $B2B_PID $AUTH_PID 2>/dev/null; pkill -P $$ sipp 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do grep -q listening "$WORK/auth.log" && break; sleep 0.1; done
UAS_NAMES=(); UAS_PIDS=()
uas_bg auth-trunk-uas       "$TRUNK" 20 -sf "$S/uas_auth.xml"
uas_bg auth-trunk-twice-uas "$TWICE" 10 -sf "$S/uas_auth_twice.xml"
PHONE=$(free_port)
uas_bg reg-phone-uas        "$PHONE" 10 -sn uas
sleep 0.5
TARGET=$AUTH_PORT
case_uac auth-ok           50 -sf "$S/uac_auth.xml" -s service -au alice -ap secret -r 20
# From an address of its own: ten failures block their source (abuse.auth_failures).
LOCAL_IP=127.0.0.30 case_uac auth-wrong-pass 10 -sf "$S/uac_auth_wrong.xml" -s service -au alice -ap guess -r 10
case_uac auth-to-trunk     20 -sf "$S/uac_auth.xml" -s trunk -au alice -ap secret -r 10
LOCAL_IP=127.0.0.20 case_uac auth-trunk-twice 10 -sf "$S/uac_refused.xml" -s twice -r 10
case_uac reg-register       1 -sf "$S/uac_register.xml" -s alice -au alice -ap secret -key contact_port "$PHONE" -key expires 300
case_uac reg-call-phone    10 -sf "$S/uac_auth.xml" -s alice -au alice -ap secret -r 10
case_uac reg-unregister     1 -sf "$S/uac_unregister.xml" -s alice -au alice -ap secret
unset TARGET
for i in "${!UAS_PIDS[@]}"; do
  wait "${UAS_PIDS[$i]}"; record "${UAS_NAMES[$i]}" $? "$WORK/${UAS_NAMES[$i]}"
done
kill -0 $AUTH_PID 2>/dev/null || { echo "rvoip-gw (auth) died during the suite"; FAILED=1; }
kill $AUTH_PID 2>/dev/null
