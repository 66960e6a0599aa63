# Sourced by peers/run.sh: baresip speaking only Opus (its opus module, at
# 48 kHz, asking in its fmtp for at most 8 kbit/s) calls through rvoip-gw
# a SIPp UAS that speaks only PCMU and echoes what it hears: the gateway
# transcodes both ways (Opus -> PCMU towards SIPp, PCMU -> Opus back) and
# baresip must hear its own 440 Hz tone. A capture of what reaches
# baresip's RTP ports shows Opus frames within the 8 kbit/s it asked for
# (RFC 7587 maxaveragebitrate; the gateway's default is 24 kbit/s: with
# maxaveragebitrate=64000 the same call got 60-byte frames, 16000 39,
# 8000 20, in session 19's runs).
D="$WORK/baresip-opus"; mkdir -p "$D/snd"
GP=$(port); MP=$(port); BP=$(port); CP=$(cons_port "$BP"); UASP=$(port); UMP=$(media_port)
MEDIA=23800; RTP_LOW=$((MEDIA + 600)); RTP_HIGH=$((MEDIA + 700))
extra=$(printf '[[routes]]\nuser_prefix = "bridge"\ntarget = "sip:127.0.0.1:%s"\ncodecs = ["PCMU"]' "$UASP")
GW_LOG="info,rvoip=trace" phone "$D" $MEDIA "sip:alice@127.0.0.1:$GP" "$extra" \
  "$(printf 'module opus.so\nopus_bitrate 8000')" "audio_codecs=opus/48000/2"
check "baresip-opus: registered" "$([ $ok = 0 ] && echo 1)" "baresip with audio_codecs=opus/48000/2"
( cd "$D" && timeout 60 sipp -sf "$ROOT/peers/scenarios/uas_echo.xml" -i 127.0.0.1 -mi 127.0.0.1 -p "$UASP" \
    -mp "$UMP" -rtp_echo -m 1 -nostdin -trace_stat -stf uas.csv >uas.out 2>&1 ) &
UPID=$!; PIDS+=($UPID)
python3 peers/opus_sniff.py $RTP_LOW $RTP_HIGH - 9 >"$D/opus.rtp" &
SNIFF=$!
sleep 0.5
cons "$CP" "/dial sip:bridge@127.0.0.1:$GP" >/dev/null
until_ok 10 grep -q "Call established" "$D/baresip.log"; ok=$?
sleep 5; cons "$CP" /hangup >/dev/null
wait $SNIFF
read -r heard_rms heard_hz <<<"$(heard "$(ls -t "$D"/snd/*-dec.wav | head -1)" 2>/dev/null || echo 0 0)"
check "baresip-opus: Opus <-> PCMU, tone heard" \
  "$([ $ok = 0 ] && [ "$heard_rms" -gt 1000 ] && [ "$heard_hz" -ge 420 ] && [ "$heard_hz" -le 460 ] && echo 1)" \
  "what baresip decoded: RMS $heard_rms, ${heard_hz} Hz (sent a 440 Hz sine, through Opus, PCMU and back)"
read -r _ n _ bytes _ pts <"$D/opus.rtp"
check "baresip-opus: within its maxaveragebitrate" "$([ "${n:-0}" -ge 150 ] && [ "${bytes:-99}" -le 26 ] && echo 1)" \
  "$n Opus packets to baresip (PT $pts), $bytes bytes a frame on average (8 kbit/s is 20, the default 24 kbit/s 60; baresip asked: $(grep -o 'maxaveragebitrate=[0-9]*' "$D/gw.log" | head -1))"
kill $GPID $BPID $UPID 2>/dev/null
