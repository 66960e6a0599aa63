# Sourced by sipp/run.sh: digest authentication. A gateway whose every new
# INVITE must authenticate (credentials file written here with `rvoip-gw
# ha1`; MD5 offered first, since SIPp 3.6 reads only the first challenge
# and knows only MD5): a caller with the right password gets through, one
# with a wrong password is challenged again and never does. Uses run.sh's
# GW, WORK, S, free_port and case_uac.

echo secret | "$GW" ha1 alice rvoip >"$WORK/credentials.toml"
cat >"$WORK/auth.toml" <<EOF2
[auth]
credentials = "$WORK/credentials.toml"
algorithms = ["MD5", "SHA-256"]
[media]
port_min = 30000
port_max = 31000
EOF2
AUTH_PORT=$(free_port)
"$GW" --sip 127.0.0.1:$AUTH_PORT --config "$WORK/auth.toml" --log-level warn 2>"$WORK/auth.log" &
AUTH_PID=$!
trap 'kill $GW_PID $B2B_PID $AUTH_PID 2>/dev/null; pkill -P $$ sipp 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do grep -q listening "$WORK/auth.log" && break; sleep 0.1; done
TARGET=$AUTH_PORT
case_uac auth-ok           50 -sf "$S/uac_auth.xml" -s service -au alice -ap secret -r 20
case_uac auth-wrong-pass   10 -sf "$S/uac_auth_wrong.xml" -s service -au alice -ap guess -r 10
unset TARGET
kill -0 $AUTH_PID 2>/dev/null || { echo "rvoip-gw (auth) died during the suite"; FAILED=1; }
kill $AUTH_PID 2>/dev/null
