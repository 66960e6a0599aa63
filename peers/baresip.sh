# Sourced by peers/run.sh: baresip as alice's phone behind rvoip-gw's
# registrar. It registers with a password (challenged, then bound), calls
# the echo service through the authenticating gateway and must hear its own
# 440 Hz tone back; calls for alice from a trusted SIPp reach it through the
# "registered" route; when it quits it removes its binding and the next
# call for alice gets 480. Driven through baresip's cons module (commands
# over UDP), as a user would. The gateway offers MD5 only here: baresip 1.0
# (Debian's) fails a challenge set that also lists SHA-256 (ENOSYS) instead
# of answering the MD5 one.
D="$WORK/baresip"; mkdir -p "$D/snd"
GP=$(port); MP=$(port); BP=$(port); CP=$(cons_port "$BP")
echo secret | "$GW" ha1 alice rvoip >"$D/credentials.toml"
cat >"$D/gw.toml" <<EOT
[auth]
credentials = "$D/credentials.toml"
algorithms = ["MD5"]
[registrar]
enabled = true
[metrics]
listen = "127.0.0.1:$MP"
[media]
port_min = 41000
port_max = 42000
[[acl]]
cidr = "127.0.0.40"
action = "trust"
[[routes]]
user_prefix = "alice"
target = "registered"
[[routes]]
user_prefix = ""
target = "echo"
EOT
sed -e "s/@SIP_PORT@/$BP/; s/@CONS_PORT@/$CP/; s/@RTP_MIN@/42000/; s/@RTP_MAX@/42100/; s|@SND@|$D/snd|" \
  peers/baresip/config >"$D/config"
echo "<sip:alice@127.0.0.1:$GP>;auth_pass=secret;regint=300;answermode=auto;audio_codecs=PCMU" >"$D/accounts"
"$GW" --sip 127.0.0.1:$GP --config "$D/gw.toml" --log-level info 2>"$D/gw.log" >/dev/null &
GPID=$!; PIDS+=($GPID)
until_ok 5 grep -q listening "$D/gw.log"
timeout 120 baresip -f "$D" -n 127.0.0.1 >"$D/baresip.log" 2>&1 </dev/null &
BPID=$!; PIDS+=($BPID)
bound() { [ "$(metric 127.0.0.1:$MP 'rvoip_registrar_total{outcome="ok"}')" -ge 1 ] 2>/dev/null; }
until_ok 10 bound; ok=$?
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
