# Sourced by peers/run.sh: Kamailio (with its tls module,
# peers/kamailio/tls.cfg) as a TLS peer both ways, certificates from
# make_pki shared by both. SIPp calls sip:gw@Kamailio over UDP and
# Kamailio relays them to rvoip-gw over TLS, checking its certificate;
# SIPp calls sip:bob@rvoip-gw, whose route sends them to sips:Kamailio
# (rvoip-gw checking Kamailio's certificate), and Kamailio relays them to a
# SIPp UAS over UDP. Captures of both TLS ports hold no SIP in the clear.
D="$WORK/kamailio-tls"; mkdir -p "$D"
make_pki "$D" || check "kamailio-tls: test certificates" 0 "openssl failed"
KU=$(port); KT=$(port); GP=$(port); GT=$(port); UAS=$(port)
sed -e "s|@DIR@|$D|g" peers/kamailio/kamailio-tls.conf >"$D/kamailio-tls.conf"
sed -e "s/@UDP_PORT@/$KU/; s/@TLS_PORT@/$KT/g; s/@GW_TLS_PORT@/$GT/; s/@UAS_PORT@/$UAS/; s|@DIR@|$D|" \
  peers/kamailio/tls.cfg >"$D/kamailio.cfg"
kamailio -f "$D/kamailio.cfg" -DD -E -x tlsf -m 64 -M 16 >"$D/kamailio.log" 2>&1 &
KPID=$!; PIDS+=($KPID)
cat >"$D/gw.toml" <<EOT
[tls]
listen = "127.0.0.1:$GT"
cert = "$D/cert.pem"
key = "$D/key.pem"
ca = "$D/ca.pem"
[media]
port_min = 23000
port_max = 23500
[[routes]]
user_prefix = "bob"
target = "sips:127.0.0.1:$KT"
[[routes]]
user_prefix = ""
target = "echo"
EOT
"$GW" --sip 127.0.0.1:$GP --config "$D/gw.toml" --log-level info 2>"$D/gw.log" >/dev/null &
GPID=$!; PIDS+=($GPID)
until_ok 5 grep -q listening "$D/gw.log"
until_ok 5 grep -q "Listening on" "$D/kamailio.log"
( cd "$D" && exec timeout 60 sipp -sn uas -i 127.0.0.1 -p "$UAS" -m 5 -nostdin -trace_err >uas.out 2>&1 ) &
UPID=$!; PIDS+=($UPID)
python3 peers/sniff.py "$GT" 6 >"$D/sniff-gw.out" &
S1=$!; sleep 0.5
sipp_case "kamailio-tls: Kamailio to rvoip-gw over TLS" 127.0.0.1:$KU 5 -sf "$S/uac_via_proxy.xml" -s gw
wait $S1
read -r _ segs _ records _ clear <"$D/sniff-gw.out"
check "kamailio-tls: nothing in the clear to rvoip-gw" "$([ "$records" -gt 0 ] && [ "$clear" = 0 ] && echo 1)" \
  "rvoip-gw's TLS port: $segs segments, $records TLS records, $clear with SIP in the clear"
python3 peers/sniff.py "$KT" 6 >"$D/sniff-k.out" &
S2=$!; sleep 0.5
sipp_case "kamailio-tls: rvoip-gw to Kamailio (sips:)" 127.0.0.1:$GP 5 -sn uac -s bob
wait $S2
wait $UPID; uas=$?
check "kamailio-tls: the UAS behind Kamailio answered" "$([ $uas = 0 ] && echo 1)" "SIPp UAS exit $uas; Kamailio saw $(grep -c 'over tls' "$D/kamailio.log") INVITE(s) over TLS"
read -r _ segs _ records _ clear <"$D/sniff-k.out"
check "kamailio-tls: nothing in the clear to Kamailio" "$([ "$records" -gt 0 ] && [ "$clear" = 0 ] && echo 1)" \
  "Kamailio's TLS port: $segs segments, $records TLS records, $clear with SIP in the clear"
kill $GPID $KPID 2>/dev/null
