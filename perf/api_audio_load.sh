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
#   WS=1 CALLS=200 RATE=50 perf/api_audio_load.sh   # the gateway's route is ws:// to
#                                          # examples/ws_echo_server (the WebSocket
#                                          # bridge), which sends every frame back
set -uo pipefail
cd "$(dirname "$0")/.."
source perf/lib.sh
CALLS=${CALLS:-1000}; RATE=${RATE:-100}; HOLD_S=${HOLD_S:-20}; WS=${WS:-0}
cargo build --release --bin rvoip-gw --example ws_echo_server >/dev/null 2>&1 || { echo "build failed"; exit 1; }
ulimit -n 65536 2>/dev/null || true
GW=$PWD/target/release/rvoip-gw
WORK=$(mktemp -d); GW_PID=; WS_PID=
trap 'kill $GW_PID $WS_PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p perf/results
NAME=api_audio_load; [ "$WS" = 1 ] && NAME=ws_bridge_load
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/$NAME-$STAMP.md
python3 - "$WORK/tone.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 1000 * i / 8000))) for i in range(8000)))
PY
GWP=$(port); MET=127.0.0.1:$(port)
printf '[metrics]\nlisten = "%s"\n[media]\nport_min = 10000\nport_max = 20000\n[echo]\nring = false\n' "$MET" >"$WORK/gw.toml"
TARGET="rvoip-gw's echo service (the media workers return the RTP)"
if [ "$WS" = 1 ]; then
  WSP=$(port)
  target/release/examples/ws_echo_server 127.0.0.1:$WSP >"$WORK/ws.out" 2>&1 & WS_PID=$!
  printf '[[routes]]\nuser_prefix = ""\ntarget = "ws://127.0.0.1:%s/echo"\n' "$WSP" >>"$WORK/gw.toml"
  TARGET="a ws:// route: each call bridged to examples/ws_echo_server, which sends every frame back"
fi
printf '[media]\nport_min = 20000\nport_max = 30000\n' >"$WORK/caller.toml"
"$GW" --sip 127.0.0.1:$GWP --config "$WORK/gw.toml" --log-level warn 2>"$WORK/gw.log" & GW_PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/gw.log" && break; sleep 0.1; done
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$1/stat; }
C0=$(cpu_s $GW_PID); W0=$([ -n "$WS_PID" ] && cpu_s $WS_PID || echo 0); T0=$(date +%s.%N)
LIMIT=$((HOLD_S + CALLS / RATE + 60))
/usr/bin/time -f "%e %U %S" -o "$WORK/caller.time" timeout $LIMIT "$GW" --config "$WORK/caller.toml" call \
  sip:echo@127.0.0.1:$GWP --count $CALLS --rate $RATE --duration $HOLD_S --concurrency $CALLS \
  --play "$WORK/tone.wav" >"$WORK/caller.out" 2>"$WORK/caller.err"
RC=$?
T1=$(date +%s.%N); C1=$(cpu_s $GW_PID); W1=$([ -n "$WS_PID" ] && cpu_s $WS_PID || echo 0)
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
  echo "# API calls with audio: $CALLS calls, each a CallAudio both ways, against $TARGET"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), kernel $(uname -r); rvoip $(git describe --always --dirty 2>/dev/null); both processes on the same 2 cores"
  echo "- caller: \`rvoip-gw call sip:echo@GW --count $CALLS --rate $RATE --duration $HOLD_S --concurrency $CALLS --play tone.wav\` (one tokio task per call: a frame of a 1 kHz tone every 20 ms, every frame heard taken with \`recv\`)"
  echo "- command: \`WS=$WS CALLS=$CALLS RATE=$RATE HOLD_S=$HOLD_S perf/api_audio_load.sh\`"
  echo "- gateway: \`rvoip-gw\`, $TARGET; \`echo.ring = false\`"
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
  echo "| RTP the gateway received / lost (RFC 3550 gaps) | ${RIN:-?} / ${RLOST:-?} |"
  echo "| gateway CPU | $(python3 -c "print(f'{$C1-$C0:.2f}')") s over $(python3 -c "print(f'{$T1-$T0:.1f}')") s; $(python3 -c "print(f'{($C1-$C0)*1e6/max(${ANS:-1},1)/$HOLD_S:.0f}')") µs per call-second |"
  echo "| WebSocket server CPU (WS=1) | $(python3 -c "print(f'{$W1-$W0:.2f}')") s |"
  echo "| caller CPU (API, workers, $CALLS tasks) | user ${CU} s, system ${CS} s |"
  echo "| caller exit code | $RC |"
  echo
  echo "Targets (issue #17): 0 failed calls, < 0.01 % frames lost, frame delivery p99 under 5 ms."
} >"$OUT"
cat "$OUT"
