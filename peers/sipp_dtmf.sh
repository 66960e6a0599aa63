# Sourced by peers/run.sh: SIPp sends RFC 4733 digits (its own
# dtmf_2833_*.pcap: 1, 2, #) to an application built on rvoip::api
# (examples/audio_app.rs, which answers with the call's audio and prints
# each digit the API reports); each digit is reported once, in order.
cargo build --release --example audio_app >/dev/null 2>&1 || check "sipp-dtmf: build audio_app" 0 "cargo build failed"
D="$WORK/sipp-dtmf"; mkdir -p "$D"
AP=$(port)
"$ROOT/target/release/examples/audio_app" 127.0.0.1:$AP >"$D/app.out" 2>"$D/app.err" &
APID=$!; PIDS+=($APID)
until_ok 10 grep -q answering "$D/app.out"
sipp_case "sipp-dtmf: digits to an API call" 127.0.0.1:$AP 1 -sf "$ROOT/peers/scenarios/uac_dtmf.xml" \
  -mi 127.0.0.1 -mp "$(media_port)"
until_ok 3 grep -q "digit #" "$D/app.out"
digits=$(grep -o 'digit [0-9*#A-D]' "$D/app.out" | cut -d' ' -f2 | tr -d '\n')
check "sipp-dtmf: 1, 2, # once each, in order" "$([ "$digits" = "12#" ] && echo 1)" \
  "the API reported \"$digits\": $(grep digit "$D/app.out" | tr '\n' ';')"
kill $APID
