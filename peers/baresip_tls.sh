# Sourced by peers/run.sh: baresip over TLS. A test CA and a certificate
# for 127.0.0.1 are made here (openssl; no key is kept in the repository)
# for rvoip-gw's TLS listener, baresip trusting the CA. baresip registers
# to rvoip-gw over TLS, calls the echo service over TLS and hears its tone;
# a capture of the TLS port meanwhile holds TLS records and no SIP in the
# clear (and, as a control, a capture of the TCP port during a SIPp call
# over TCP does show SIP). SIPp's calls for alice reach baresip through
# the registered route over the TLS connection baresip registered on (it
# has no TLS listener: RFC 5923-style reuse).
D="$WORK/baresip-tls"; mkdir -p "$D/snd"
make_pki "$D" || check "baresip-tls: test certificates" 0 "openssl failed"
GP=$(port); TP=$(port); MP=$(port); BP=$(port); CP=$(cons_port "$BP")
# No sip_certificate: baresip has no TLS listener of its own, as most
# phones; calls reach it over the connection it registered on.
tls=$(printf '[tls]\nlisten = "127.0.0.1:%s"\ncert = "%s/cert.pem"\nkey = "%s/key.pem"\nca = "%s/ca.pem"' "$TP" "$D" "$D" "$D")
phone "$D" 22200 "sip:alice@127.0.0.1:$TP;transport=tls" "$tls" "sip_cafile $D/ca.pem"
check "baresip-tls: registered over TLS" "$([ $ok = 0 ] && grep -q '{0/TLS/v4} 200 OK' "$D/baresip.log" && echo 1)" \
  "$(grep -ao '{0/TLS/v4} 200 OK[^[]*' "$D/baresip.log" | head -1)"
python3 peers/sniff.py "$TP" 8 >"$D/sniff-tls.out" &
SNIFF=$!; sleep 0.5
cons "$CP" "/dial sip:echo@127.0.0.1:$TP;transport=tls" >/dev/null
until_ok 10 grep -q "Call established" "$D/baresip.log"; ok=$?
sleep 3
cons "$CP" /hangup >/dev/null
wait $SNIFF
read -r rms hz <<<"$(heard "$D"/snd/*-dec.wav 2>/dev/null || echo 0 0)"
check "baresip-tls: echo over TLS, tone heard" "$([ $ok = 0 ] && [ "$rms" -gt 1000 ] && [ "$hz" -ge 420 ] && [ "$hz" -le 460 ] && echo 1)" \
  "what baresip decoded: RMS $rms, ${hz} Hz"
read -r _ segs _ records _ clear <"$D/sniff-tls.out"
check "baresip-tls: nothing in the clear on TLS" "$([ "$records" -gt 0 ] && [ "$clear" = 0 ] && echo 1)" \
  "TLS port $TP: $segs segments, $records TLS records, $clear with SIP in the clear"
python3 peers/sniff.py "$GP" 4 >"$D/sniff-tcp.out" &
SNIFF=$!; sleep 0.5
LOCAL_IP=127.0.0.40 sipp_case "baresip-tls: control, SIPp over TCP" 127.0.0.1:$GP 1 -sn uac -s echo -t t1
wait $SNIFF
read -r _ segs _ records _ clear <"$D/sniff-tcp.out"
check "baresip-tls: the capture sees plaintext" "$([ "$clear" -gt 0 ] && echo 1)" \
  "TCP port $GP: $segs segments, $clear with SIP in the clear"
LOCAL_IP=127.0.0.40 sipp_case "baresip-tls: called over TLS" 127.0.0.1:$GP 2 -sn uac -s alice -l 1
out=$(metric 127.0.0.1:$MP 'rvoip_tls_handshakes_total{side="out",outcome="ok"}')
check "baresip-tls: reached over its own connection" "$([ "$(grep -c 'Call established' "$D/baresip.log")" -ge 3 ] && [ "${out:-x}" = 0 ] && echo 1)" \
  "$(grep -c 'Call established' "$D/baresip.log") calls established at baresip (no TLS listener there); TLS connections rvoip-gw opened: ${out:-?}"
cons "$CP" /quit >/dev/null
kill $GPID
