#!/usr/bin/env bash
# Live calls taken over (issue #19): a Redis on loopback, node g1
# (127.0.0.2) and node g2 (127.0.0.3), a callee that echoes RTP (an
# rvoip-gw echo on 127.0.0.4), and `rvoip-gw call` placing CALLS calls
# through g1, each playing a 440 Hz tone and recording what comes back.
#   1. Replication cost: the same calls through g1 with [cluster] off, then
#      on (side by side in one run): g1's CPU per call, Redis memory per
#      replicated call.
#   2. Takeover: CALLS calls through g1, g1 SIGKILLed KILL_S into the run;
#      g2 claims them from Redis and re-INVITEs both legs. How many calls
#      continue (answered, never failed, ended by the caller's BYE through
#      g2), and each call's media gap (the audio missing from its
#      recording: HOLD_S minus what it heard), p50/p99.
# Writes perf/results/takeover-<date>.md.
#
#   perf/takeover.sh                       # 300 calls at 30 cps, held 40 s, g1 killed at 20 s
#   CALLS=100 HOLD_S=20 KILL_S=10 perf/takeover.sh
set -uo pipefail
cd "$(dirname "$0")/.."
source perf/lib.sh
CALLS=${CALLS:-300}; RATE=${RATE:-30}; HOLD_S=${HOLD_S:-40}; KILL_S=${KILL_S:-20}; BEAT_MS=${BEAT_MS:-500}
TAKEOVER_RATE=${TAKEOVER_RATE:-200}; CORE_NODES=${CORE_NODES:-1}; CORE_LOAD=${CORE_LOAD:-0}
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
ulimit -n 65536 2>/dev/null || true
GW=$PWD/target/release/rvoip-gw
WORK=$(mktemp -d); PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; [ -n "${KEEP:-}" ] && cp -r "$WORK" /tmp/takeover_keep; rm -rf "$WORK"' EXIT
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/takeover-$STAMP.md
RP=$(port); EP=$(port); EM=$(port); SP=$(port)
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$1/stat" 2>/dev/null || echo 0; }
metric() { curl -s "http://$1/metrics" | awk -v m="$2" 'index($0, m" ") == 1 || index($0, m"{") == 1 { print $NF; exit }'; }
redis_mem() { redis-cli -p "$RP" info memory | awk -F: '/^used_memory:/ {print $2+0}'; }

taskset -c "$CORE_LOAD" redis-server --port "$RP" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do redis-cli -p "$RP" ping >/dev/null 2>&1 && break; sleep 0.1; done
printf '[media]\naddress = "127.0.0.4"\nworkers = 1\nport_min = 44000\nport_max = 48000\n[metrics]\nlisten = "127.0.0.4:%s"\n' "$EM" >"$WORK/echo.toml"
taskset -c "$CORE_LOAD" "$GW" --config "$WORK/echo.toml" --sip "127.0.0.4:$EP" --log-level warn >"$WORK/echo.log" 2>&1 &
PIDS+=($!)
python3 - "$WORK/tone.wav" "$HOLD_S" <<'PY'
import sys, wave, math, struct
w = wave.open(sys.argv[1], "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(8000 * (int(sys.argv[2]) + 5))))
PY

# node ID IP MEDIA-MIN METRICS-PORT CLUSTER(0|1): starts it; sets NODE_PID.
node() {
  local cluster=""
  [ "$5" = 1 ] && cluster=$(printf '[cluster]\nnode_id = "%s"\nredis = "redis://127.0.0.1:%s/"\nheartbeat_ms = %s\ntakeover_rate = %s\n' "$1" "$RP" "$BEAT_MS" "$TAKEOVER_RATE")
  printf '[media]\naddress = "%s"\nworkers = 1\nport_min = %s\nport_max = %s\n[metrics]\nlisten = "%s:%s"\n%s\n' \
    "$2" "$3" $(($3 + 4000)) "$2" "$4" "$cluster" >"$WORK/$1.toml"
  taskset -c "$CORE_NODES" "$GW" --config "$WORK/$1.toml" --sip "$2:$SP" --route "sip:127.0.0.4:$EP" --log-level warn \
    >"$WORK/$1.log" 2>&1 &
  NODE_PID=$!; PIDS+=($NODE_PID)
  for _ in $(seq 50); do curl -sf "http://$2:$4/metrics" -o /dev/null && break; sleep 0.1; done
}
# calls NAME TARGET-IP: CALLS calls through that node, recorded; sets CALLER.
calls() {
  mkdir -p "$WORK/$1"
  ( exec timeout $((CALLS / RATE + HOLD_S + 60)) taskset -c "$CORE_LOAD" "$GW" call "sip:bob@$2:$SP" --count "$CALLS" \
      --rate "$RATE" --duration "$HOLD_S" --play "$WORK/tone.wav" --record "$WORK/$1/rec" >"$WORK/$1/caller.out" 2>&1 ) &
  CALLER=$!
}
caller_line() { grep -E "^$2 " "$WORK/$1/caller.out" | awk '{print $2}'; }

# Phase 1: replication cost, [cluster] off then on, the same calls.
M1=$(port)
for mode in 0 1; do
  node g1 127.0.0.2 20000 "$M1" "$mode"; G1=$NODE_PID
  MEM0=$(redis_mem); calls "cost$mode" 127.0.0.2
  sleep $((CALLS / RATE + HOLD_S / 2)); MEM1=$(redis_mem); UP=$(metric "127.0.0.2:$M1" rvoip_calls_active)
  wait "$CALLER"; sleep 1
  eval "CPU$mode=$(cpu_s "$G1") OK$mode=$(caller_line "cost$mode" answered) FAIL$mode=$(caller_line "cost$mode" failed)"
  [ "$mode" = 1 ] && { REDIS_PER_CALL=$(( (MEM1 - MEM0) / (UP > 0 ? UP : 1) )); REDIS_UP_CALLS=$UP; WRITES=$(metric "127.0.0.2:$M1" rvoip_cluster_snapshots_written_total); }
  kill "$G1"; wait "$G1" 2>/dev/null
  redis-cli -p "$RP" flushall >/dev/null
done

# Phase 2: takeover. g1 carries every call; g2 stands by; g1 dies.
M2=$(port)
node g1 127.0.0.2 20000 "$M1" 1; G1=$NODE_PID
node g2 127.0.0.3 26000 "$M2" 1; G2=$NODE_PID
T0=$(date +%s.%N); calls takeover 127.0.0.2
sleep "$KILL_S"; UP_AT_KILL=$(metric "127.0.0.2:$M1" rvoip_calls_active); kill -9 "$G1"; KILL_T=$(date +%s.%N)
# When g2 has taken them all (or gives up after 60 s).
for _ in $(seq 600); do
  T=$(metric "127.0.0.3:$M2" rvoip_calls_taken_over_total); [ "${T:-0}" -ge "${UP_AT_KILL:-1}" ] && break; sleep 0.1
done
DONE_T=$(date +%s.%N)
wait "$CALLER"; sleep 2
TAKEN=$(metric "127.0.0.3:$M2" rvoip_calls_taken_over_total); CLAIMED=$(metric "127.0.0.3:$M2" rvoip_cluster_calls_claimed_total)
G2_ENDED=$(metric "127.0.0.3:$M2" rvoip_calls_active)
ECHO_ANS=$(metric "127.0.0.4:$EM" rvoip_sessions_answered_total); ECHO_UP=$(metric "127.0.0.4:$EM" rvoip_sessions_active)
OK=$(caller_line takeover answered); FAIL=$(caller_line takeover failed)
GAPS=$(python3 - "$WORK/takeover/rec" "$HOLD_S" <<'PY'
import os, sys, wave
d, hold = sys.argv[1], float(sys.argv[2])
gaps = sorted(max(0.0, hold - wave.open(os.path.join(d, f)).getnframes() / 8000) for f in os.listdir(d))
q = lambda p: gaps[min(len(gaps) - 1, int(p * len(gaps)))] if gaps else float("nan")
print(f"{len(gaps)} {q(0.5) * 1000:.0f} {q(0.99) * 1000:.0f} {gaps[-1] * 1000 if gaps else 0:.0f}")
PY
)
read -r RECS GAP50 GAP99 GAPMAX <<<"$GAPS"
{
  echo "# Live calls taken over from a node killed with SIGKILL ($CALLS calls)"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(uname -r); Redis $(redis-server --version | grep -o 'v=[0-9.]*'); everything on loopback; nodes on core $CORE_NODES, Redis, the echo callee and the caller on core $CORE_LOAD"
  echo "- command: \`CALLS=$CALLS RATE=$RATE HOLD_S=$HOLD_S KILL_S=$KILL_S BEAT_MS=$BEAT_MS TAKEOVER_RATE=$TAKEOVER_RATE perf/takeover.sh\`"
  echo "- calls: \`rvoip-gw call sip:bob@g1 --count $CALLS --rate $RATE --duration $HOLD_S --play tone.wav --record DIR\` (PCMU, a 440 Hz tone, what comes back recorded) -> g1 (\`--route\` to the echo) -> rvoip-gw echo"
  echo "- nodes: \`[cluster] heartbeat_ms = $BEAT_MS\` (dead after three missed beats), \`takeover_rate = $TAKEOVER_RATE\`, one media worker each"
  echo
  echo "## Replication cost (g1 alone, the same $CALLS calls, [cluster] off then on)"
  echo
  echo "| | cluster off | cluster on (Redis) |"
  echo "|---|---|---|"
  echo "| calls answered / failed | $OK0 / $FAIL0 | $OK1 / $FAIL1 |"
  echo "| g1 CPU | $CPU0 s | $CPU1 s |"
  echo "| g1 CPU per 1,000 calls | $(python3 -c "print(f'{1000*$CPU0/max($OK0,1):.2f}')") s | $(python3 -c "print(f'{1000*$CPU1/max($OK1,1):.2f}')") s |"
  echo "| on / off | | $(python3 -c "print(f'{($CPU1/max($OK1,1))/max($CPU0/max($OK0,1),1e-9):.3f}')") (target at most 1.2) |"
  echo "| snapshots written | | $WRITES |"
  echo "| Redis memory per replicated call | | $REDIS_PER_CALL bytes ($REDIS_UP_CALLS calls up) |"
  echo
  echo "## Takeover (g1 SIGKILLed $KILL_S s in)"
  echo
  echo "| | value |"
  echo "|---|---|"
  echo "| calls up on g1 when it was killed | $UP_AT_KILL |"
  echo "| calls g2 claimed / took over (both legs took its re-INVITE) | $CLAIMED / $TAKEN |"
  echo "| from SIGKILL to the last call taken over | $(python3 -c "print(f'{$DONE_T - $KILL_T:.2f}')") s |"
  echo "| caller: answered / failed | $OK / $FAIL |"
  echo "| calls that continued (taken over of those up) | $(python3 -c "print(f'{100*${TAKEN:-0}/max(${UP_AT_KILL:-0},1):.2f}')") % (target at least 99 %) |"
  echo "| callee: calls answered / still up after the run (0: all ended by BYE through g2) | $ECHO_ANS / $ECHO_UP |"
  echo "| media gap per call (the audio missing from each of $RECS recordings): p50 / p99 / max | $GAP50 / $GAP99 / $GAPMAX ms |"
} >"$OUT"
cat "$OUT"
