# Sourced by peers/run.sh: baresip as alice's phone behind rvoip-gw's
# registrar. It registers with a password (challenged, then bound), calls
# the echo service through the authenticating gateway and must hear its own
# 440 Hz tone back; calls for alice from a trusted SIPp reach it through the
# "registered" route; when it quits it removes its binding and the next
# call for alice gets 480. Driven through baresip's cons module (commands
# over UDP), as a user would (the gateway and phone set up by `phone`).
D="$WORK/baresip"; mkdir -p "$D/snd"
GP=$(port); MP=$(port); BP=$(port); CP=$(cons_port "$BP")
phone "$D" 21000 "sip:alice@127.0.0.1:$GP"
reg=$(cons "$CP" /reginfo | grep -o 'alice@127.0.0.1:[0-9]* .*' | sed 's/\x1b\[[0-9;]*m//g' | tr -s ' ')
check "baresip: registered with a password" "$([ $ok = 0 ] && [[ "$reg" == *OK* ]] && echo 1)" \
  "REGISTERs challenged: $(metric 127.0.0.1:$MP 'rvoip_auth_total{outcome="challenged"}'); baresip says: $reg"
cons "$CP" "/dial sip:echo@127.0.0.1:$GP" >/dev/null
until_ok 10 grep -q "Call established" "$D/baresip.log"; ok=$?
sleep 3
cons "$CP" /hangup >/dev/null
sleep 0.5
heard=$(heard "$D"/snd/*-dec.wav)
read -r rms hz <<<"${heard:-0 0}"
check "baresip: call through the gateway, echo heard" "$([ $ok = 0 ] && [ "$rms" -gt 1000 ] && [ "$hz" -ge 420 ] && [ "$hz" -le 460 ] && echo 1)" \
  "what baresip decoded: RMS $rms, ${hz} Hz (sent a 440 Hz sine)"
LOCAL_IP=127.0.0.40 sipp_case "baresip: called via registered route" 127.0.0.1:$GP 3 -sn uac -s alice -l 1
check "baresip: answered them" "$([ "$(grep -c 'Call established' "$D/baresip.log")" -ge 4 ] && echo 1)" \
  "$(grep -c 'Call established' "$D/baresip.log") calls established at baresip in all"
cons "$CP" /quit >/dev/null
for _ in $(seq 50); do kill -0 $BPID 2>/dev/null || break; sleep 0.1; done
LOCAL_IP=127.0.0.40 sipp_case "baresip: 480 once it has quit" 127.0.0.1:$GP 1 -sf "$(refused_with 480)" -s alice
kill $GPID
