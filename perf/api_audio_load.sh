#!/usr/bin/env bash
# Calls with audio through the session API at scale (issue #17): `rvoip-gw
# call --play tone.wav` places CALLS calls, each a CallAudio whose task sends
# a 1 kHz tone as 20 ms frames and takes every frame it hears, against
# rvoip-gw's echo service (which returns the RTP), so every frame crosses
# the caller's worker twice (encoded on its 20 ms clock, decoded on
# arrival) and the application's queues both ways. Reports calls, frames
# heard / concealed / dropped (application too slow) / silence sent
# (application behind), and how long frames waited between the worker's
# hand-over and the application's task taking them (p50/p99/max), with the
# gateway's RTP loss and both processes' CPU. Loopback only, bounded.
#   perf/api_audio_load.sh                 # 1000 calls at 100 cps, 20 s each
#   CALLS=200 RATE=50 HOLD_S=10 perf/api_audio_load.sh
set -uo pipefail
cd "$(dirname "$0")/.."
source perf/lib.sh
CALLS=${CALLS:-1000}; RATE=${RATE:-100}; HOLD_S=${HOLD_S:-20}
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
ulimit -n 65536 2>/dev/null || true
GW=$PWD/target/release/rvoip-gw
WORK=$(mktemp -d); GW_PID=
trap 'kill $GW_PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/api_audio_load-$STAMP.md
python3 - "$WORK/tone.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 1000 * i / 8000))) for i in range(8000)))
PY
GWP=$(port); MET=127.0.0.1:$(port)
printf '[metrics]\nlisten = "%s"\n[media]\nport_min = 10000\nport_max = 20000\n[echo]\nring = false\n' "$MET" >"$WORK/gw.toml"
printf '[media]\nport_min = 20000\nport_max = 30000\n' >"$WORK/caller.toml"
"$GW" --sip 127.0.0.1:$GWP --config "$WORK/gw.toml" --log-level warn 2>"$WORK/gw.log" & GW_PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/gw.log" && break; sleep 0.1; done
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$1/stat; }
C0=$(cpu_s $GW_PID); T0=$(date +%s.%N)
LIMIT=$((HOLD_S + CALLS / RATE + 60))
/usr/bin/time -f "%e %U %S" -o "$WORK/caller.time" timeout $LIMIT "$GW" --config "$WORK/caller.toml" call \
  sip:echo@127.0.0.1:$GWP --count $CALLS --rate $RATE --duration $HOLD_S --concurrency $CALLS \
  --play "$WORK/tone.wav" >"$WORK/caller.out" 2>"$WORK/caller.err"
RC=$?
T1=$(date +%s.%N); C1=$(cpu_s $GW_PID)
sleep 1
LAST=$(grep 'rtp_in=' "$WORK/gw.log" | tail -1)
kill $GW_PID; wait $GW_PID 2>/dev/null
read -r _ CU CS <"$WORK/caller.time" 2>/dev/null || { CU=?; CS=?; }
get() { awk -v k="$1" '$1==k' "$WORK/caller.out"; }
field() { get "$1" | grep -o "$2=[0-9.]*" | cut -d= -f2; }
ANS=$(get answered | awk '{print $2}'); FAIL=$(get failed | awk '{print $2}')
HEARD=$(field audio frames_heard); CONC=$(field audio concealed); DROP=$(field audio dropped)
SENT=$(field audio sent); SIL=$(field audio silence); REF=$(field audio refused)
P50=$(field audio_ms p50); P99=$(field audio_ms p99); MAX=$(field audio_ms max)
RLOST=$(echo "$LAST" | grep -o 'rtp_lost=[0-9]*' | cut -d= -f2); RIN=$(echo "$LAST" | grep -o 'rtp_in=[0-9]*' | cut -d= -f2)
NOMINAL=$((CALLS * HOLD_S * 50))
LOSS=$(python3 -c "print(f'{100*(${DROP:-0}+${CONC:-0})/max(${HEARD:-1},1):.4f}')")
{
  echo "# API calls with audio: $CALLS calls, each a CallAudio both ways, against the echo service"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r); rvoip $(git describe --always --dirty 2>/dev/null); both processes on the same 2 cores"
  echo "- command: \`CALLS=$CALLS RATE=$RATE HOLD_S=$HOLD_S perf/api_audio_load.sh\`"
  echo "- caller: \`rvoip-gw call sip:echo@GW --count $CALLS --rate $RATE --duration $HOLD_S --concurrency $CALLS --play tone.wav\` (one tokio task per call: a frame of a 1 kHz tone every 20 ms, every frame heard taken with \`recv\`)"
  echo "- gateway: \`rvoip-gw\` echo service (media workers return the RTP), \`echo.ring = false\`"
  echo
  echo "| | value |"
  echo "|---|---|"
  echo "| calls answered / failed | ${ANS:-?} / ${FAIL:-?} |"
  echo "| frames heard by the applications (nominal $NOMINAL) | ${HEARD:-?} |"
  echo "| of which concealed (a packet lost on the way) | ${CONC:-?} |"
  echo "| frames dropped: an application too slow to take them | ${DROP:-?} |"
  echo "| frames lost (concealed + dropped) / heard | $LOSS % |"
  echo "| frames the applications sent / ticks with none (silence) / refused (queue full) | ${SENT:-?} / ${SIL:-?} / ${REF:-?} |"
  echo "| frame wait, worker hand-over to the application's task | p50 ${P50:-?} ms, p99 ${P99:-?} ms, max ${MAX:-?} ms |"
  echo "| RTP the gateway's echo received / lost | ${RIN:-?} / ${RLOST:-?} |"
  echo "| gateway CPU | $(python3 -c "print(f'{$C1-$C0:.2f}')") s over $(python3 -c "print(f'{$T1-$T0:.1f}')") s |"
  echo "| caller CPU (API, workers, $CALLS tasks) | user ${CU} s, system ${CS} s |"
  echo "| caller exit code | $RC |"
  echo
  echo "Targets (issue #17): 0 failed calls, < 0.01 % frames lost, frame delivery p99 under 5 ms."
} >"$OUT"
cat "$OUT"
