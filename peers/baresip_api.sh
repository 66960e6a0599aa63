# Sourced by peers/run.sh: baresip calls an application built on
# rvoip::api (examples/audio_app.rs, answering with `accept_audio`) that
# plays a WAV prompt (a 1 kHz tone) and records what it hears; baresip
# sends its 440 Hz sine. baresip must hear the prompt (its sndfile dump of
# what it decoded) and the application's recording must hold the sine.
cargo build --release --example audio_app >/dev/null 2>&1 || check "baresip-api: build audio_app" 0 "cargo build failed"
D="$WORK/baresip-api"; mkdir -p "$D/snd" "$D/rec"
AP=$(port); BP=$(port); CP=$(cons_port "$BP")
python3 - "$D/prompt.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 1000 * i / 8000))) for i in range(6 * 8000)))
PY
"$ROOT/target/release/examples/audio_app" 127.0.0.1:$AP "$D/prompt.wav" "$D/rec" >"$D/app.out" 2>"$D/app.err" &
APID=$!; PIDS+=($APID)
sed -e "s/@SIP_PORT@/$BP/; s/@CONS_PORT@/$CP/; s/@RTP_MIN@/24600/; s/@RTP_MAX@/24700/; s|@SND@|$D/snd|" \
  peers/baresip/config >"$D/config"
echo "<sip:alice@127.0.0.1>;regint=0;answermode=auto;audio_codecs=PCMU" >"$D/accounts"
until_ok 10 grep -q answering "$D/app.out"
timeout 60 baresip -f "$D" -n 127.0.0.1 >"$D/baresip.log" 2>&1 </dev/null &
BPID=$!; PIDS+=($BPID)
until_ok 1 cons_up "$CP" # ten tries, each waiting up to 1 s for a reply
sleep 1
cons "$CP" "/dial sip:ivr@127.0.0.1:$AP" >/dev/null
until_ok 10 grep -q "Call established" "$D/baresip.log"; ok=$?
sleep 5
cons "$CP" /hangup >/dev/null
until_ok 5 [ -s "$D/rec/call-1.wav" ]
sleep 1
read -r rms hz <<<"$(heard "$(ls -t "$D"/snd/*-dec.wav 2>/dev/null | head -1)" 2>/dev/null || echo 0 0)"
check "baresip-api: baresip hears the prompt" "$([ $ok = 0 ] && [ "$rms" -gt 1000 ] && [ "$hz" -ge 950 ] && [ "$hz" -le 1050 ] && echo 1)" \
  "what baresip decoded: RMS $rms, ${hz} Hz (the prompt is 1 kHz)"
read -r rms hz <<<"$(heard "$D/rec/call-1.wav" 2>/dev/null || echo 0 0)"
check "baresip-api: the application records baresip" "$([ "$rms" -gt 1000 ] && [ "$hz" -ge 420 ] && [ "$hz" -le 460 ] && echo 1)" \
  "the API's recording: RMS $rms, ${hz} Hz (baresip sends 440 Hz)"
cons "$CP" /quit >/dev/null
kill $APID
