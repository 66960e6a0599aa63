# Sourced by peers/run.sh: `rvoip-gw call --pcap DIR` places two calls to
# SIPp, which answers and echoes the RTP; tshark reads each call's pcap
# and finds two RTP streams (ours and SIPp's echo), PCMU, about 100
# packets each (2 s), none lost. Then a gateway route with capture_dir:
# its pcap of a bridged call holds four streams.
need tshark tshark
D="$WORK/pcap"; mkdir -p "$D"
UASP=$(port); UMP=$(media_port)
( cd "$D" && timeout 60 sipp -sf "$ROOT/peers/scenarios/uas_echo.xml" -i 127.0.0.1 -mi 127.0.0.1 -p "$UASP" \
    -mp "$UMP" -rtp_echo -m 2 -nostdin >uas.out 2>&1 ) &
UPID=$!; PIDS+=($UPID)
sleep 0.5
timeout 60 "$GW" call "sip:echo@127.0.0.1:$UASP" --count 2 --rate 5 --duration 2 --codec PCMU \
  --pcap "$D/pcap" >"$D/call.out" 2>"$D/call.err"
rc=$?
check "pcap: rvoip-gw call --pcap" "$([ $rc = 0 ] && grep -q 'pcap: 2 files' "$D/call.err" && echo 1)" \
  "exit $rc; $(grep 'pcap:' "$D/call.err")"
for n in 1 2; do
  f="$D/pcap/call-$n.pcap"
  tshark -r "$f" -o rtp.heuristic_rtp:TRUE -q -z rtp,streams >"$D/streams-$n.txt" 2>/dev/null
  # Streams: PCMU, at least 90 packets, none lost.
  good=$(awk '$0 ~ /g711U/ { for (i = 1; i <= NF; i++) if ($i == "g711U") { if ($(i+1) >= 90 && $(i+2) == 0) n++ } } END { print n + 0 }' "$D/streams-$n.txt")
  check "pcap: tshark reads call $n both ways" "$([ "$good" = 2 ] && echo 1)" \
    "$good of 2 RTP streams PCMU, >= 90 packets, none lost: $(grep -c g711U "$D/streams-$n.txt") streams"
done
wait $UPID 2>/dev/null
# Through the gateway: a route with capture_dir bridges to SIPp's echo;
# the gateway's pcap of the call holds both legs both ways.
GP=$(port); UASP=$(port); UMP=$(media_port)
( cd "$D" && timeout 60 sipp -sf "$ROOT/peers/scenarios/uas_echo.xml" -i 127.0.0.1 -mi 127.0.0.1 -p "$UASP" \
    -mp "$UMP" -rtp_echo -m 1 -nostdin >uas2.out 2>&1 ) &
UPID=$!; PIDS+=($UPID)
cat >"$D/gw.toml" <<EOT
[media]
port_min = 26000
port_max = 26500
[[routes]]
user_prefix = ""
target = "sip:127.0.0.1:$UASP"
capture_dir = "$D/gw-pcap"
EOT
"$GW" --sip 127.0.0.1:$GP --config "$D/gw.toml" 2>"$D/gw.log" >/dev/null &
GPID=$!; PIDS+=($GPID)
until_ok 5 grep -q listening "$D/gw.log"
timeout 60 "$GW" call "sip:bob@127.0.0.1:$GP" --count 1 --duration 2 --codec PCMU --pcap "$D/caller" \
  >/dev/null 2>"$D/call2.err"
until_ok 5 grep -q "call captured" "$D/gw.log"
f=$(ls "$D"/gw-pcap/*.pcap 2>/dev/null | head -1)
tshark -r "$f" -o rtp.heuristic_rtp:TRUE -q -z rtp,streams >"$D/streams-gw.txt" 2>/dev/null
good=$(awk '$0 ~ /g711U/ { for (i = 1; i <= NF; i++) if ($i == "g711U") { if ($(i+1) >= 90 && $(i+2) == 0) n++ } } END { print n + 0 }' "$D/streams-gw.txt")
check "pcap: a gateway route's capture_dir" "$([ "$good" = 4 ] && echo 1)" \
  "${f##*/}: $good of 4 RTP streams (both legs, both ways) PCMU, >= 90 packets, none lost"
kill $GPID
wait $UPID 2>/dev/null
