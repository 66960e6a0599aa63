# Sourced by peers/run.sh: transfer (RFC 3515) with SIPp on every side. A
# SIPp caller calls bob through rvoip-gw; bob (SIPp, uas_refer.xml)
# answers and REFERs the caller to carol at the gateway; the gateway takes
# it on (202, NOTIFY 100 Trying), calls carol (a second SIPp UAS) by its
# own route, tells bob "200 OK" in a final NOTIFY and hangs bob up; the
# caller, now talking to carol, hangs up 4 s into its call and carol
# gets the BYE. Every SIPp instance must finish its scenario.
D="$WORK/transfer"; mkdir -p "$D"
GP=$(port); BP=$(port); CP=$(port)
cat >"$D/gw.toml" <<EOF
[media]
port_min = 31000
port_max = 31400
[[routes]]
user_prefix = "carol"
target = "sip:127.0.0.1:$CP"
[[routes]]
target = "sip:127.0.0.1:$BP"
EOF
"$GW" --sip 127.0.0.1:$GP --config "$D/gw.toml" 2>"$D/gw.log" >/dev/null &
GPID=$!; PIDS+=($GPID)
until_ok 5 grep -q listening "$D/gw.log"
uas() { # NAME PORT SCENARIO [ARGS]: a SIPp callee for one call, in the background
  local name=$1 p=$2 sf=$3; shift 3
  ( cd "$D" && timeout 60 sipp -sf "$sf" -i 127.0.0.1 -p "$p" -mp "$(media_port)" -m 1 -nostdin \
      -trace_stat -stf "$name.csv" -trace_err -trace_msg -message_file "$name.msg" "$@" >"$name.out" 2>&1 )
}
uas bob "$BP" "$S/uas_refer.xml" -set carol "sip:carol@127.0.0.1:$GP" & BPID=$!; PIDS+=($BPID)
uas carol "$CP" "$ROOT/sipp/scenarios/uas_answer.xml" & CPID=$!; PIDS+=($CPID)
sleep 0.5
sipp_case "transfer: bob refers the caller to carol" 127.0.0.1:$GP 1 -sn uac -s bob -d 4000
wait $BPID; brc=$?
wait $CPID; crc=$?
check "transfer: bob got 202, NOTIFYs, BYE" "$([ $brc = 0 ] && echo 1)" "SIPp bob exit $brc, $(grep -c '^NOTIFY ' "$D/bob.msg" 2>/dev/null) NOTIFYs"
check "transfer: carol got the call and its BYE" "$([ $crc = 0 ] && echo 1)" "SIPp carol exit $crc"
[ $brc = 0 ] && [ $crc = 0 ] || { tail -20 "$D"/*errors* "$D/gw.log" 2>/dev/null; }
kill $GPID
