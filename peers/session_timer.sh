# Sourced by peers/run.sh: session timers (RFC 4028) with SIPp as the
# callee (peers/scenarios/uas_timer.xml): rvoip-gw call asks for a 90 s
# session; SIPp grants it with the caller as refresher; at 45 s rvoip must
# send the refresh re-INVITE (SIPp checks its Session-Expires and
# Supported: timer and fails the call otherwise), then hang up at 50 s.
D="$WORK/session-timer"; mkdir -p "$D"
UASP=$(port); UMP=$(media_port)
( cd "$D" && timeout 90 sipp -sf "$ROOT/peers/scenarios/uas_timer.xml" -i 127.0.0.1 -mi 127.0.0.1 -p "$UASP" \
    -mp "$UMP" -m 1 -nostdin -trace_stat -stf uas.csv -trace_err >uas.out 2>&1 ) &
UPID=$!; PIDS+=($UPID)
printf '[timers]\nsession_expires_s = 90\n' >"$D/caller.toml"
sleep 0.5
timeout 90 "$GW" call "sip:bob@127.0.0.1:$UASP" --count 1 --duration 50 --config "$D/caller.toml" \
  >"$D/call.out" 2>"$D/call.err"
rc=$?
wait $UPID; urc=$?
ok=$(awk -F';' 'NR >= 2 { for (i = 1; i <= NF; i++) if (h[i] == "SuccessfulCall(C)") print $i } NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i }' "$D"/uas*.csv 2>/dev/null | tail -1)
check "session-timer: refreshed at half the interval" "$([ $rc = 0 ] && [ $urc = 0 ] && [ "${ok:-0}" = 1 ] && echo 1)" \
  "caller exit $rc, SIPp exit $urc, SIPp's successful calls: ${ok:-none}; $(cat "$D"/*errors.log 2>/dev/null | tr '\n' ' ')"
