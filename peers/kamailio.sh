# Sourced by peers/run.sh: rvoip-gw registers to Kamailio (auth + registrar,
# peers/kamailio/registrar.cfg) once per digest algorithm. Kamailio wants
# at least 120 s, rvoip-gw asks for 60: the 423 must raise it. Calls to the
# AOR at Kamailio then reach rvoip-gw on the Contact it bound (echo route),
# through Kamailio's Record-Route; on SIGTERM rvoip-gw removes its binding
# before it exits, and Kamailio answers the next call 404.
echo secret >"$WORK/trunk.pw"
for ALG in MD5 SHA-256; do
  KP=$(port); GP=$(port); MP=$(port); D="$WORK/kamailio-$ALG"; mkdir -p "$D"
  sed -e "s/@PORT@/$KP/; s/@MIN_EXPIRES@/120/; s/@ALGORITHM@/$ALG/; s/@PASSWORD@/secret/" \
    peers/kamailio/registrar.cfg >"$D/kamailio.cfg"
  kamailio -f "$D/kamailio.cfg" -DD -E -x tlsf -m 32 -M 8 >"$D/kamailio.log" 2>&1 &
  KPID=$!; PIDS+=($KPID)
  cat >"$D/gw.toml" <<EOT
[metrics]
listen = "127.0.0.1:$MP"
[media]
port_min = 20000
port_max = 21000
[[registrations]]
aor = "sip:alice@127.0.0.1"
registrar = "sip:127.0.0.1:$KP"
expires = 60
auth = { user = "alice", password_file = "$WORK/trunk.pw" }
[[routes]]
user_prefix = ""
target = "echo"
EOT
  until_ok 5 grep -q "Listening on" "$D/kamailio.log"
  "$GW" --sip 127.0.0.1:$GP --config "$D/gw.toml" --log-level info >/dev/null 2>"$D/gw.log" &
  GPID=$!; PIDS+=($GPID)
  up() { [ "$(metric 127.0.0.1:$MP rvoip_registration_up)" = 1 ]; }
  until_ok 10 up; ok=$?
  answered=$(grep -c "authorized: Digest .*algorithm=$ALG" "$D/kamailio.log")
  check "kamailio-$ALG: registered" "$([ $ok = 0 ] && [ "$answered" -ge 1 ] && echo 1)" "$answered REGISTER(s) authorized with $ALG"
  got=$(metric 127.0.0.1:$MP rvoip_registration_expires_seconds)
  check "kamailio-$ALG: 423 raised the expiry" "$([ "$got" = 120 ] && echo 1)" "asked 60 s, granted ${got:-none} s"
  sipp_case "kamailio-$ALG: calls via Kamailio" 127.0.0.1:$KP 5 -sf "$S/uac_via_proxy.xml" -s alice
  check "kamailio-$ALG: status line" "$(grep -q 'reg=1/1' "$D/gw.log" && echo 1)" "$(grep -o 'echoed=[0-9]* .*reg=[0-9/]*' "$D/gw.log" | tail -1)"
  kill -TERM $GPID
  for _ in $(seq 100); do kill -0 $GPID 2>/dev/null || break; sleep 0.1; done
  kill -0 $GPID 2>/dev/null; alive=$?
  check "kamailio-$ALG: exits once unregistered" "$([ $alive = 1 ] && echo 1)" "$(grep -o 'unregistered.*' "$D/gw.log" | tail -1)"
  [ $alive = 0 ] && kill -9 $GPID
  sipp_case "kamailio-$ALG: no binding after drain" 127.0.0.1:$KP 1 -sf "$(refused_with 404)" -s alice
  kill $KPID; wait $KPID 2>/dev/null
done
