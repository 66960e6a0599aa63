# Sourced by peers/run.sh: a phone transfers a call, as its user would.
# baresip is alice behind rvoip-gw's registrar (set up by `phone`); a
# trusted SIPp caller calls alice through the gateway and baresip answers;
# its user then types `/transfer sip:carol@<gateway>` (baresip's menu: a
# blind REFER). rvoip-gw takes it on, calls carol (a SIPp callee answering
# at once, reached by her own route), NOTIFYs baresip, which hangs up;
# the caller, now talking to carol, hangs up 6 s into its call and carol
# gets the BYE. Both SIPp scenarios must complete and baresip must have
# ended its call. Then the other way round: baresip places a call to bob
# (a SIPp callee that hangs up 6 s in) and its user transfers bob to carol
# (the caller's REFER): carol gets the call, and bob's hangup reaches her.
D="$WORK/baresip_transfer"; mkdir -p "$D/snd"
GP=$(port); MP=$(port); BP=$(port); CP=$(cons_port "$BP"); KP=$(port)
BOBP=$(port)
phone "$D" 22000 "sip:alice@127.0.0.1:$GP" "[[routes]]
user_prefix = \"carol\"
target = \"sip:127.0.0.1:$KP\"
[[routes]]
user_prefix = \"bob\"
target = \"sip:127.0.0.1:$BOBP\""
( cd "$D" && timeout 60 sipp -sf "$ROOT/sipp/scenarios/uas_answer.xml" -i 127.0.0.1 -p "$KP" -mp "$(media_port)" -m 1 \
    -nostdin -trace_stat -stf carol.csv -trace_err >carol.out 2>&1 ) & KPID=$!; PIDS+=($KPID)
( cd "$D" && timeout 60 sipp 127.0.0.1:$GP -i 127.0.0.40 -p "$(port)" -sn uac -s alice -d 6000 -m 1 -nostdin \
    -timeout 30s -timeout_error -trace_stat -stf caller.csv -trace_err >caller.out 2>&1 ) & APID=$!; PIDS+=($APID)
until_ok 10 grep -q "Call established" "$D/baresip.log"; est=$?
sleep 1
cons "$CP" "/transfer sip:carol@127.0.0.1:$GP" >"$D/transfer.out"
wait $KPID; krc=$?
wait $APID; arc=$?
closed=$(grep -c "terminated\|closed" "$D/baresip.log")
check "baresip transfer: the caller reaches carol" "$([ $est = 0 ] && [ $arc = 0 ] && [ $krc = 0 ] && echo 1)" \
  "baresip answered: $([ $est = 0 ] && echo yes || echo no); SIPp caller exit $arc, carol exit $krc"
check "baresip transfer: baresip's call ended" "$([ "$closed" -ge 1 ] && echo 1)" \
  "$(grep -i "transferring\|terminated" "$D/baresip.log" | sed 's/\x1b\[[0-9;]*m//g' | tail -3 | tr '\n' ' ')"
[ $arc = 0 ] && [ $krc = 0 ] || tail -20 "$D"/*errors* "$D/gw.log" "$D/baresip.log" 2>/dev/null
# baresip places the call and transfers its callee.
sed 's/<pause milliseconds="300"\/>/<pause milliseconds="6000"\/>/' "$ROOT/sipp/scenarios/uas_bye.xml" >"$D/uas_bye6.xml"
( cd "$D" && timeout 60 sipp -sf "$ROOT/sipp/scenarios/uas_answer.xml" -i 127.0.0.1 -p "$KP" -mp "$(media_port)" -m 1 \
    -nostdin -trace_err >carol2.out 2>&1 ) & KPID=$!; PIDS+=($KPID)
( cd "$D" && timeout 60 sipp -sf "$D/uas_bye6.xml" -i 127.0.0.1 -p "$BOBP" -mp "$(media_port)" -m 1 \
    -nostdin -trace_err >bob.out 2>&1 ) & OPID=$!; PIDS+=($OPID)
sleep 0.5
cons "$CP" "/dial sip:bob@127.0.0.1:$GP" >/dev/null
two() { [ "$(grep -c "Call established" "$D/baresip.log")" -ge 2 ]; }
until_ok 10 two; est=$?
sleep 1
cons "$CP" "/transfer sip:carol@127.0.0.1:$GP" >>"$D/transfer.out"
wait $KPID; krc=$?
wait $OPID; orc=$?
check "baresip transfer: its callee reaches carol" "$([ $est = 0 ] && [ $orc = 0 ] && [ $krc = 0 ] && echo 1)" \
  "baresip's call to bob established: $([ $est = 0 ] && echo yes || echo no); SIPp bob exit $orc, carol exit $krc"
[ $orc = 0 ] && [ $krc = 0 ] || tail -20 "$D"/*errors* "$D/gw.log" 2>/dev/null
cons "$CP" /quit >/dev/null
kill $GPID
