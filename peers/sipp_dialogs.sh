# Sourced by peers/run.sh: dialog features with SIPp on every side of
# rvoip-gw (issue #18), three gateways on their own ports:
# - a callee that requires session timers and is the refresher
#   (uas_refresher.xml): it grants 90 s with refresher=uas, refreshes by
#   re-INVITE at 25 s and by UPDATE without SDP at 62 s (each 200 checked
#   for Session-Expires and Require: timer); the caller (SIPp's uac) talks
#   88 s, past both the 60 s at which an unrefreshed session would be
#   ended and the 85 s after the re-INVITE alone, and fails on any BYE of
#   the gateway's meanwhile. RFC 4028 keeps Min-SE at 90 s or more, so
#   this check takes 90 s: it runs in the background while the others do.
# - UPDATE in an early dialog (RFC 3311 §5.1): a caller requiring 100rel
#   (uac_early_update.xml) PRACKs the gateway's 180 and its 183 with the
#   answer, then UPDATEs to a=sendonly before the callee
#   (uas_early_media.xml: 183 with SDP, 200 two seconds later) answers;
#   the UPDATE's 200 carries a=recvonly; the callee, once answered, is
#   held by a re-INVITE.
# - attended transfer (RFC 3891 Replaces): bob (SIPp, uac_consult.xml)
#   calls carol through the gateway and writes the dialog's identifiers to
#   a file; then a caller calls bob (a second SIPp instance,
#   uas_attended.xml, reading that file with -inf), who REFERs it to carol
#   with Replaces naming his other call: 202, NOTIFYs 100 and 200, both of
#   bob's calls hung up by the gateway, and carol gets the caller's BYE.
D="$WORK/dialogs"; mkdir -p "$D"
sipp_bg() { # NAME SECONDS SIPP-ARGS...: one SIPp instance for one call
  local name=$1 secs=$2; shift 2
  ( cd "$D" && timeout "$secs" sipp -i 127.0.0.1 -mp "$(media_port)" -m 1 -nostdin -trace_stat -stf "$name.csv" \
      -trace_err -error_file "$name.err" -trace_msg -message_file "$name.msg" "$@" >"$name.out" 2>&1 )
}
gw_up() { # NAME SIP-PORT CONFIG: an rvoip-gw in the background; its pid in GPID
  "$GW" --sip 127.0.0.1:$2 --config "$3" 2>"$D/$1.log" >/dev/null &
  GPID=$!; PIDS+=($GPID)
  until_ok 5 grep -q listening "$D/$1.log"
}
why() { cat "$@" 2>/dev/null | grep -v '^$' | tail -3 | tr '\n' ' '; }
# first_at MSGFILE REGEX: when the first message matching REGEX was logged.
first_at() { awk -v re="$2" '/^-----/ { t = $NF } $0 ~ re { print t; exit }' "$1" 2>/dev/null; }

# Session refreshed by the callee, in the background.
TGP=$(port); TUP=$(port)
# SIPp sends no RTP here: the media timeout (30 s by default) kept out of the way.
printf '[media]\nport_min = 27000\nport_max = 27400\ntimeout_secs = 300\n[[routes]]\ntarget = "sip:127.0.0.1:%s"\n' "$TUP" >"$D/timer.toml"
gw_up timer-gw "$TGP" "$D/timer.toml"; TGPID=$GPID
sipp_bg refresher 130 -sf "$S/uas_refresher.xml" -p "$TUP" & TUPID=$!; PIDS+=($TUPID)
sleep 0.5
sipp_bg refresh-caller 130 -sn uac -d 88000 -s bob -p "$(port)" 127.0.0.1:$TGP & TCPID=$!; PIDS+=($TCPID)

# UPDATE in an early dialog.
EGP=$(port); EUP=$(port)
printf '[media]\nport_min = 27500\nport_max = 27900\n[[routes]]\ntarget = "sip:127.0.0.1:%s"\n' "$EUP" >"$D/early.toml"
gw_up early-gw "$EGP" "$D/early.toml"
sipp_bg early-callee 30 -sf "$S/uas_early_media.xml" -p "$EUP" & EPID=$!; PIDS+=($EPID)
sleep 0.5
sipp_bg early-caller 30 -sf "$S/uac_early_update.xml" -s bob -p "$(port)" 127.0.0.1:$EGP; erc=$?
wait $EPID; ecrc=$?
check "update: in an early dialog, answered at once" "$([ $erc = 0 ] && echo 1)" \
  "SIPp caller exit $erc $(why "$D"/early-caller.err)"
check "update: the early hold reaches the callee" "$([ $ecrc = 0 ] && echo 1)" \
  "SIPp callee exit $ecrc $(why "$D"/early-callee.err)"
kill $GPID

# Attended transfer.
AGP=$(port); BOBP=$(port); CAROLP=$(port)
cat >"$D/attended.toml" <<EOF
[media]
port_min = 28000
port_max = 28400
workers = 1
[[routes]]
user_prefix = "carol"
target = "sip:127.0.0.1:$CAROLP"
[[routes]]
target = "sip:127.0.0.1:$BOBP"
EOF
gw_up attended-gw "$AGP" "$D/attended.toml"
sipp_bg carol 40 -sf "$ROOT/sipp/scenarios/uas_answer.xml" -p "$CAROLP" & CAPID=$!; PIDS+=($CAPID)
sleep 0.5
sipp_bg bob-consult 40 -sf "$S/uac_consult.xml" -set ids "$D/ids.csv" -s carol -p "$(port)" 127.0.0.1:$AGP & BBPID=$!
PIDS+=($BBPID)
until_ok 5 test -s "$D/ids.csv"
sipp_bg bob 30 -sf "$S/uas_attended.xml" -inf "$D/ids.csv" -set carol "sip:carol@127.0.0.1:$AGP" -p "$BOBP" &
BAPID=$!; PIDS+=($BAPID)
sleep 0.5
sipp_bg attended-caller 30 -sn uac -d 4000 -s bob -p "$(port)" 127.0.0.1:$AGP; arc=$?
wait $BAPID; barc=$?
wait $BBPID; bbrc=$?
wait $CAPID; crc=$?
check "attended: bob's REFER with Replaces: 202, NOTIFYs" "$([ $barc = 0 ] && echo 1)" \
  "bob exit $barc, $(grep -c '^NOTIFY ' "$D/bob.msg" 2>/dev/null) NOTIFYs $(why "$D"/bob.err)"
check "attended: bob's consultation call hung up" "$([ $bbrc = 0 ] && echo 1)" "bob exit $bbrc $(why "$D"/bob-consult.err)"
# Carol's BYE is the caller's, relayed: not sent before the caller's. Each
# SIPp stamps its own log, the caller after its send returns, so carol's
# stamp may come a few µs first (seen: 7 µs); a BYE of our own would come
# seconds early (the caller holds 4 s).
cbye=$(first_at "$D/carol.msg" '^BYE '); abye=$(first_at "$D/attended-caller.msg" '^BYE ')
not_before() { # stamp $1 (H:M:S.us) no earlier than $2 less 50 ms
  awk -v c="$1" -v a="$2" 'function s(t, p) { split(t, p, ":"); return p[1] * 3600 + p[2] * 60 + p[3] }
    BEGIN { exit !(c != "" && s(c) >= s(a) - 0.05) }'
}
check "attended: caller and carol joined, BYE to carol" \
  "$([ $arc = 0 ] && [ $crc = 0 ] && [ -n "$abye" ] && not_before "$cbye" "$abye" && echo 1)" \
  "caller exit $arc, carol exit $crc, caller's BYE at ${abye:-none}, carol's at ${cbye:-none} $(why "$D"/attended-caller.err "$D"/carol.err)"
kill $GPID

# The refreshed session, collected.
wait $TCPID; trc=$?
wait $TUPID; turc=$?
check "session-timer: the callee refreshes, no expiry" "$([ $trc = 0 ] && [ $turc = 0 ] && echo 1)" \
  "SIPp caller exit $trc (88 s call), callee exit $turc $(why "$D"/refresh-caller.err "$D"/refresher.err)"
kill $TGPID
