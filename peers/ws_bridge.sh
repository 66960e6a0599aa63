# Sourced by peers/run.sh: real peers at the far end of rvoip-gw's
# WebSocket bridge (docs/websocket.md). rvoip-gw (release, a --config with
# two ws:// routes) bridges `echo` to examples/ws_echo_server (at 16 kHz)
# and `ivr` to examples/ws_digits_bot. baresip calls `echo` with its 440 Hz
# sine; the server sends every frame back and baresip's dump of what it
# decoded must hold 440 Hz at a real level. SIPp sends RFC 4733 digits 1,
# 2, # (peers/scenarios/uac_dtmf.xml, staying 2 s after the # to listen):
# the bot must be told each once, in order, and say "12" back; a capture
# of the RTP to SIPp's media port (peers/dtmf_sniff.py) must hold the DTMF
# tones 1 then 2.
cargo build --release --example ws_echo_server --example ws_digits_bot >/dev/null 2>&1 ||
  check "ws-bridge: build the examples" 0 "cargo build failed"
D="$WORK/ws-bridge"; mkdir -p "$D/snd"
WP=$(port); DP=$(port); GP=$(port); BP=$(port); CP=$(cons_port "$BP")
"$ROOT/target/release/examples/ws_echo_server" 127.0.0.1:$WP >"$D/echo.out" 2>&1 &
WPID=$!; PIDS+=($WPID)
"$ROOT/target/release/examples/ws_digits_bot" 127.0.0.1:$DP >"$D/bot.out" 2>&1 &
DPID=$!; PIDS+=($DPID)
cat >"$D/gw.toml" <<EOT
[media]
port_min = 25000
port_max = 25500
[[routes]]
user_prefix = "echo"
target = "ws://127.0.0.1:$WP/echo"
audio_rate = 16000
[[routes]]
user_prefix = "ivr"
target = "ws://127.0.0.1:$DP/digits"
EOT
"$GW" --sip 127.0.0.1:$GP --config "$D/gw.toml" 2>"$D/gw.log" >/dev/null &
GPID=$!; PIDS+=($GPID)
until_ok 5 grep -q listening "$D/gw.log"
until_ok 10 grep -q "ws://" "$D/echo.out"
until_ok 10 grep -q "ws://" "$D/bot.out"

# baresip -> rvoip-gw -> ws_echo_server -> back to baresip.
sed -e "s/@SIP_PORT@/$BP/; s/@CONS_PORT@/$CP/; s/@RTP_MIN@/25600/; s/@RTP_MAX@/25700/; s|@SND@|$D/snd|" \
  peers/baresip/config >"$D/config"
echo "<sip:alice@127.0.0.1>;regint=0;answermode=auto;audio_codecs=PCMU" >"$D/accounts"
timeout 60 baresip -f "$D" -n 127.0.0.1 >"$D/baresip.log" 2>&1 </dev/null &
BPID=$!; PIDS+=($BPID)
until_ok 1 cons_up "$CP" # ten tries, each waiting up to 1 s for a reply
sleep 1
cons "$CP" "/dial sip:echo@127.0.0.1:$GP" >/dev/null
until_ok 10 grep -q "Call established" "$D/baresip.log"; ok=$?
sleep 5
cons "$CP" /hangup >/dev/null
until_ok 5 grep -q ": stop" "$D/echo.out"
sleep 1
read -r rms hz <<<"$(heard "$(ls -t "$D"/snd/*-dec.wav 2>/dev/null | head -1)" 2>/dev/null || echo 0 0)"
check "ws-bridge: baresip hears its echo" \
  "$([ $ok = 0 ] && [ "$rms" -gt 1000 ] && [ "$hz" -ge 420 ] && [ "$hz" -le 460 ] && echo 1)" \
  "what baresip decoded: RMS $rms, ${hz} Hz (it sends 440 Hz)"
check "ws-bridge: the echo server saw start, stop" \
  "$(grep -q '"rate":16000' "$D/echo.out" && grep -q ': stop' "$D/echo.out" && echo 1)" \
  "$(grep -c ': start' "$D/echo.out") start, $(grep -c ': stop' "$D/echo.out") stop (16 kHz route)"
cons "$CP" /quit >/dev/null

# SIPp's RFC 4733 digits -> rvoip-gw -> ws_digits_bot, whose tones come back.
awk '/<pause milliseconds="600"\/>/ { last = NR } { line[NR] = $0 }
  END { for (i = 1; i <= NR; i++) print (i == last ? "  <pause milliseconds=\"2000\"/>" : line[i]) }' \
  "$ROOT/peers/scenarios/uac_dtmf.xml" >"$D/uac_dtmf_listen.xml"
MP=$(media_port)
python3 "$ROOT/peers/dtmf_sniff.py" "$MP" 30 >"$D/sniff.out" 2>&1 &
SPID=$!; PIDS+=($SPID)
until_ok 5 grep -q capturing "$D/sniff.out"
sipp_case "ws-bridge: SIPp sends digits to the bot" 127.0.0.1:$GP 1 -sf "$D/uac_dtmf_listen.xml" -mi 127.0.0.1 -mp "$MP"
kill -TERM $SPID; wait $SPID 2>/dev/null
until_ok 3 grep -q "says" "$D/bot.out"
digits=$(grep -o 'digit [0-9*#A-D]' "$D/bot.out" | cut -d' ' -f2 | tr -d '\n')
check "ws-bridge: the bot is told 1, 2, # in order" \
  "$([ "$digits" = "12#" ] && grep -q 'says 12$' "$D/bot.out" && echo 1)" \
  "\"$digits\"; $(grep -E 'says|played' "$D/bot.out" | cut -d' ' -f2- | tr '\n' ';')"
read -r _ rtp _ heard_digits <<<"$(tail -1 "$D/sniff.out")"
check "ws-bridge: SIPp hears the tones 1, 2" "$([ "${heard_digits:-}" = 12 ] && echo 1)" \
  "RTP to SIPp: $rtp packets of PCMU, DTMF tones \"${heard_digits:-}\""
kill $WPID $DPID $GPID 2>/dev/null
