# Sourced by peers/run.sh: reliable provisionals (RFC 3262) with SIPp.
# A SIPp caller that requires 100rel calls rvoip-gw's echo (which rings
# first): the 180 must come with Require: 100rel and an RSeq, SIPp PRACKs
# it, and the 200 follows the PRACK's 200. Then rvoip-gw call (our INVITE
# with Supported: 100rel) calls a SIPp callee that sends its 180 reliably
# and checks our PRACK's RAck before answering. And a SIPp caller holds
# its call with UPDATE (RFC 3311): the 200 must answer a=recvonly.
D="$WORK/prack"; mkdir -p "$D"
GP=$(port)
"$GW" --sip 127.0.0.1:$GP 2>"$D/gw.log" >/dev/null &
GPID=$!; PIDS+=($GPID)
until_ok 5 grep -q listening "$D/gw.log"
sipp_case "prack: a caller requiring 100rel" 127.0.0.1:$GP 3 -sf "$ROOT/peers/scenarios/uac_prack.xml" -s echo
sipp_case "update: hold by UPDATE answered at once" 127.0.0.1:$GP 2 -sf "$ROOT/peers/scenarios/uac_update.xml" -s echo
kill $GPID
UASP=$(port); UMP=$(media_port)
( cd "$D" && timeout 60 sipp -sf "$ROOT/peers/scenarios/uas_prack.xml" -i 127.0.0.1 -mi 127.0.0.1 -p "$UASP" \
    -mp "$UMP" -m 1 -nostdin -trace_stat -stf uas.csv -trace_err >uas.out 2>&1 ) &
UPID=$!; PIDS+=($UPID)
sleep 0.5
timeout 60 "$GW" call "sip:bob@127.0.0.1:$UASP" --count 1 --duration 1 >"$D/call.out" 2>"$D/call.err"
rc=$?
wait $UPID; urc=$?
check "prack: a callee sending its 180 reliably" "$([ $rc = 0 ] && [ $urc = 0 ] && echo 1)" \
  "caller exit $rc, SIPp exit $urc; $(cat "$D"/*errors.log 2>/dev/null | tr '\n' ' ')"
