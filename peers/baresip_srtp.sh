# Sourced by peers/run.sh: baresip with SRTP (mediaenc=srtp-mand: RTP/SAVP,
# SDES keys) over TLS. It registers to rvoip-gw over TLS, calls the echo
# service (holds, resumes, hangs up) and a bridge to a plain-RTP SIPp UAS
# that echoes what it hears, and hears its tone back both times. A capture
# of baresip's RTP ports holds only SRTP (no G.711 in the clear, every
# packet with its tag); as a control, the same capture on the SIPp leg
# sees the tone in the clear. rvoip-gw logs every SIP message (trace) and
# no SRTP key. (baresip 1.0 sends its closing RTCP BYE + SDES unprotected
# when a call ends, no SRTCP index or tag: the gateway drops it as an
# authentication failure, as RFC 3711 has it, so at most one per call is expected.)
D="$WORK/baresip-srtp"; mkdir -p "$D/snd"
make_pki "$D" || check "baresip-srtp: test certificates" 0 "openssl failed"
GP=$(port); TP=$(port); MP=$(port); BP=$(port); CP=$(cons_port "$BP"); UASP=$(port); UMP=$(media_port)
MEDIA=23200; RTP_LOW=$((MEDIA + 600)); RTP_HIGH=$((MEDIA + 700))
extra=$(printf '[tls]\nlisten = "127.0.0.1:%s"\ncert = "%s/cert.pem"\nkey = "%s/key.pem"\nca = "%s/ca.pem"\nsrtp = "mandatory"\n[[routes]]\nuser_prefix = "bridge"\ntarget = "sip:127.0.0.1:%s"' \
  "$TP" "$D" "$D" "$D" "$UASP")
GW_LOG="info,rvoip=trace" phone "$D" $MEDIA "sip:alice@127.0.0.1:$TP;transport=tls" "$extra" \
  "$(printf 'sip_cafile %s/ca.pem\nmodule srtp.so' "$D")" "mediaenc=srtp-mand"
check "baresip-srtp: registered over TLS" "$([ $ok = 0 ] && echo 1)" "baresip with mediaenc=srtp-mand"
( cd "$D" && timeout 60 sipp -sf "$ROOT/peers/scenarios/uas_echo.xml" -i 127.0.0.1 -mi 127.0.0.1 -p "$UASP" \
    -mp "$UMP" -rtp_echo -m 1 -nostdin -trace_stat -stf uas.csv >uas.out 2>&1 ) &
UPID=$!; PIDS+=($UPID)
# srtp_call NAME URI: a call from baresip to URI, held and resumed, with
# its RTP captured; sets heard_rms, heard_hz and the capture in $D/NAME.rtp.
srtp_call() {
  local calls; calls=$(grep -c "Call established" "$D/baresip.log")
  python3 peers/rtp_sniff.py $RTP_LOW $RTP_HIGH 9 >"$D/$1.rtp" &
  local sniff=$!
  [ "$1" = bridge ] && { python3 peers/rtp_sniff.py "$UMP" "$UMP" 9 >"$D/$1-plain.rtp" & }
  sleep 0.5
  cons "$CP" "/dial $2" >/dev/null
  until_ok 10 [ "$(grep -c 'Call established' "$D/baresip.log")" -gt "$calls" ]
  sleep 2; cons "$CP" /hold >/dev/null
  sleep 1; cons "$CP" /resume >/dev/null
  sleep 3; cons "$CP" /hangup >/dev/null
  wait $sniff
  read -r heard_rms heard_hz <<<"$(heard "$(ls -t "$D"/snd/*-dec.wav | head -1)" 2>/dev/null || echo 0 0)"
}
tone_ok() { [ "$heard_rms" -gt 1000 ] && [ "$heard_hz" -ge 420 ] && [ "$heard_hz" -le 460 ]; }
only_srtp() { read -r _ n _ p _ s _ sizes <"$1"; [ "$n" -gt 50 ] && [ "$p" = 0 ] && ! grep -q "172x" "$1"; }

srtp_call echo "sip:echo@127.0.0.1:$TP;transport=tls"
check "baresip-srtp: echo over SRTP, tone heard" "$(tone_ok && grep -q 'SRTP is Enabled' "$D/baresip.log" && echo 1)" \
  "RMS $heard_rms, $heard_hz Hz; baresip: $(grep -ao 'SRTP is Enabled[^)]*)' "$D/baresip.log" | head -1)"
check "baresip-srtp: no RTP in the clear (echo)" "$(only_srtp "$D/echo.rtp" && echo 1)" "baresip's RTP ports: $(cat "$D/echo.rtp")"
srtp_call bridge "sip:bridge@127.0.0.1:$TP;transport=tls"
check "baresip-srtp: bridged to plain RTP, tone heard" "$(tone_ok && echo 1)" \
  "RMS $heard_rms, $heard_hz Hz through rvoip-gw and SIPp's echo"
check "baresip-srtp: no RTP in the clear (bridge)" "$(only_srtp "$D/bridge.rtp" && echo 1)" "baresip's RTP ports: $(cat "$D/bridge.rtp")"
read -r _ n _ p _ <"$D/bridge-plain.rtp"
check "baresip-srtp: control, the plain leg is plain" "$([ "$n" -gt 50 ] && [ "$p" -gt 0 ] && echo 1)" "SIPp's port: $(cat "$D/bridge-plain.rtp")"
wait $UPID
failed=$(metric 127.0.0.1:$MP 'rvoip_srtp_auth_failed_total')
keys=$(grep -ao 'inline:[A-Za-z0-9+/=]\{8,\}' "$D/gw.log" | wc -l)
check "baresip-srtp: no key in the log" "$([ "$keys" = 0 ] && grep -q 'inline:(hidden)' "$D/gw.log" && echo 1)" \
  "$(grep -c 'inline:(hidden)' "$D/gw.log") hidden keys in the trace of the SIP, $keys shown; SRTP auth failures: ${failed:-?} (baresip's closing RTCP, sent in the clear)"
cons "$CP" /quit >/dev/null
kill $GPID
