#!/usr/bin/env bash
# rvoip-gw nodes behind Kamailio's dispatcher (issue #19): Kamailio
# (peers/kamailio/dispatcher.cfg, algorithm 4, OPTIONS probes each second,
# failover on 503 and timeout) on 127.0.0.1 in front of NODES rvoip-gw
# nodes on 127.0.0.2, 127.0.0.3, ... (SIP and media on their own address),
# each bridging to one SIPp UAS; a SIPp UAC calls through Kamailio, both
# SIPp sides streaming G.711 (rtp_stream) for HOLD_S. First a baseline:
# one node alone behind the same Kamailio; then the cluster run, in which
# node 127.0.0.3 is killed with SIGKILL at KILL_AT of the offered run and
# restarted RESTART_S later. Writes perf/results/cluster-<date>.md (calls
# per node, spread, failed calls after the kill and for how long, CPU per
# call per node and in all against the node alone) and a PNG of calls
# per node over time.
#
#   perf/cluster.sh                                  # 10,000 calls at 50 cps, held 10 s
#   CALLS=3000 RATE=50 HOLD_S=10 perf/cluster.sh
#   ALG=10 perf/cluster.sh                           # call-load dispatching (record-routes)
#   TAKEOVER=1 perf/cluster.sh                       # nodes share a Redis: the killed node's calls are taken over
#
# With TAKEOVER=1 a Redis runs on loopback, every node has a [cluster]
# section (heartbeat BEAT_MS), Kamailio record-routes and relays the
# nodes' calls to the callee too (-A WITH_TAKEOVER: SIPp answers to the
# address it talks to, so it follows a node's re-INVITE only through a
# proxy), and the SIPp scenarios are uac_rtp_takeover.xml and
# uas_rtp_takeover.xml (re-INVITEs answered, the BYE to the latest
# target). The report adds the live calls taken over and lost.
#
# Phases are functions (start_kamailio, start_node, kill_node, run_calls,
# sample, report) so Redis and call takeover can be added as phases of
# their own. Cores: the nodes on CORES_NODES (default 1), Kamailio and
# SIPp on CORES_LOAD (default 0), each node with one media worker.
set -uo pipefail
cd "$(dirname "$0")/.."
source perf/lib.sh
CALLS=${CALLS:-10000}; RATE=${RATE:-50}; HOLD_S=${HOLD_S:-10}; NODES=${NODES:-2}; ALG=${ALG:-4}
BASE_CALLS=${BASE_CALLS:-$((CALLS / 3))}; KILL_AT=${KILL_AT:-0.4}; RESTART_S=${RESTART_S:-10}
CORES_NODES=${CORES_NODES:-1}; CORES_LOAD=${CORES_LOAD:-0}; TAKEOVER=${TAKEOVER:-0}; BEAT_MS=${BEAT_MS:-500}
command -v sipp >/dev/null || { apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null; }
command -v kamailio >/dev/null || { apt-get update -qq && apt-get install -y -qq kamailio >/dev/null; }
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
ulimit -n 65536 2>/dev/null || true
GW=$PWD/target/release/rvoip-gw; S=$PWD/sipp/scenarios
WORK=$(mktemp -d); PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; [ -n "${KEEP:-}" ] && cp -r "$WORK" /tmp/cluster_perf_keep; rm -rf "$WORK"' EXIT
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/cluster-$STAMP.md; PNG=perf/results/cluster-$STAMP.png
BUF=4194304; NP=$(port); UASP=$(port); KP=$(port); RP=$(port)
UAC_SF=$S/uac_rtp.xml; UAS_SF=$S/uas_rtp.xml; UAC_D=(-d $((HOLD_S * 1000)))
if [ "$TAKEOVER" = 1 ]; then
  command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
  taskset -c "$CORES_LOAD" redis-server --port "$RP" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
  PIDS+=($!)
  sed -e "s/@HOLD_MS@/$((HOLD_S * 1000))/; s/@HALF_MS@/$((HOLD_S * 500))/" "$S/uac_rtp_takeover.xml" >"$WORK/uac.xml"
  UAC_SF=$WORK/uac.xml; UAS_SF=$S/uas_rtp_takeover.xml; UAC_D=()
fi
declare -A NPID NMP CPU_DONE BRIDGED_DONE
ips() { for i in $(seq 2 $(($1 + 1))); do echo "127.0.0.$i"; done; }
add() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a + b}'; }
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$1/stat" 2>/dev/null || echo 0; }
metric() { curl -s "http://$1/metrics" | awk -v m="$2" 'index($0, m" ") == 1 || index($0, m"{") == 1 { print $NF; exit }'; }
bridged() { metric "127.0.0.1:${NMP[$1]}" 'rvoip_calls_total{outcome="bridged"}'; }

# A second of 1 kHz tone, G.711 u-law, looped by rtp_stream.
python3 - "$WORK/tone.ulaw" <<'PY'
import math, sys
def ulaw(s):
    sign = 0x80 if s < 0 else 0
    s = min(abs(s), 32635) + 0x84
    exp, mask = 7, 0x4000
    while exp > 0 and not s & mask:
        exp -= 1; mask >>= 1
    return ~(sign | exp << 4 | (s >> (exp + 3)) & 0x0F) & 0xFF
open(sys.argv[1], "wb").write(bytes(ulaw(int(8000 * math.sin(2 * math.pi * 1000 * i / 8000))) for i in range(8000)))
PY

# start_kamailio IP...: the dispatcher over those nodes; sets KPID.
start_kamailio() {
  local n=2; : >"$WORK/nodes.list"
  for ip in "$@"; do echo "1 sip:$ip:$NP 0 0 duid=n$n;maxload=1000000" >>"$WORK/nodes.list"; n=$((n + 1)); done
  sed -e "s/@LISTEN@/127.0.0.1:$KP/g; s|@LIST@|$WORK/nodes.list|; s/@CALLEE@/127.0.0.1:$UASP/" peers/kamailio/dispatcher.cfg >"$WORK/kamailio.cfg"
  local def=(); [ "$ALG" = 10 ] && def=(-A WITH_CALL_LOAD)
  [ "$TAKEOVER" = 1 ] && def+=(-A WITH_TAKEOVER)
  taskset -c "$CORES_LOAD" kamailio -f "$WORK/kamailio.cfg" "${def[@]}" -DD -E -x tlsf -m 256 -M 16 >>"$WORK/kamailio.log" 2>&1 &
  KPID=$!; PIDS+=($KPID)
  for _ in $(seq 50); do grep -q "Listening on" "$WORK/kamailio.log" && break; sleep 0.1; done
}
stop_kamailio() { kill "$KPID" 2>/dev/null; wait "$KPID" 2>/dev/null; }

# start_node IP: an rvoip-gw node on IP (media on IP, its own port range,
# one media worker), bridging to the UAS; sets NPID[IP], NMP[IP].
start_node() {
  local ip=$1 n=${1##*.}; NMP[$ip]=${NMP[$ip]:-$(port)}
  printf '[metrics]\nlisten = "127.0.0.1:%s"\n[media]\naddress = "%s"\nport_min = %s\nport_max = %s\nworkers = 1\n' \
    "${NMP[$ip]}" "$ip" $((10000 + (n - 2) * 8000)) $((17900 + (n - 2) * 8000)) >"$WORK/node-$ip.toml"
  local callee=127.0.0.1:$UASP
  if [ "$TAKEOVER" = 1 ]; then
    printf '[cluster]\nnode_id = "n%s"\nredis = "redis://127.0.0.1:%s/"\nheartbeat_ms = %s\n' "$n" "$RP" "$BEAT_MS" >>"$WORK/node-$ip.toml"
    callee=127.0.0.1:$KP
  fi
  taskset -c "$CORES_NODES" "$GW" --sip "$ip:$NP" --route "sip:$callee" --config "$WORK/node-$ip.toml" \
    --log-level "${NODE_LOG:-warn}" 2>>"$WORK/node-$ip.log" >/dev/null &
  NPID[$ip]=$!; PIDS+=(${NPID[$ip]})
  for _ in $(seq 50); do curl -s "http://127.0.0.1:${NMP[$ip]}/metrics" >/dev/null && break; sleep 0.1; done
}
# kill_node IP: SIGKILL; its CPU and calls so far are kept for the report.
kill_node() {
  local ip=$1
  CPU_DONE[$ip]=$(add "${CPU_DONE[$ip]:-0}" "$(cpu_s "${NPID[$ip]}")")
  BRIDGED_DONE[$ip]=$(( ${BRIDGED_DONE[$ip]:-0} + $(bridged "$ip") ))
  kill -9 "${NPID[$ip]}"; wait "${NPID[$ip]}" 2>/dev/null
}
node_cpu() { add "${CPU_DONE[$1]:-0}" "$(cpu_s "${NPID[$1]}")"; }
node_calls() { local b; b=$(bridged "$1"); echo $(( ${BRIDGED_DONE[$1]:-0} + ${b:-0} )); }
stop_nodes() { for ip in "$@"; do kill "${NPID[$ip]}" 2>/dev/null; wait "${NPID[$ip]}" 2>/dev/null; done; }

# start_callee: one SIPp UAS (180 then 200, G.711 from the ACK to the BYE).
start_callee() {
  ( cd "$WORK" && exec taskset -c "$CORES_LOAD" sipp -sf "$UAS_SF" -i 127.0.0.1 -mi 127.0.0.1 -p $UASP -mp 40000 \
      -buff_size $BUF -nostdin -trace_stat -stf uas.csv -fd 1 >uas.out 2>&1 ) &
  UAS_PID=$!; PIDS+=($UAS_PID)
}
# run_calls NAME N: N calls at RATE through Kamailio, in the background; sets UAC_PID.
run_calls() {
  mkdir -p "$WORK/$1"
  local limit=$(( $2 / RATE + HOLD_S + 90 ))
  ( cd "$WORK/$1" && cp "$WORK/tone.ulaw" . && exec timeout $limit taskset -c "$CORES_LOAD" sipp "127.0.0.1:$KP" \
      -sf "$UAC_SF" -i 127.0.0.1 -mi 127.0.0.1 -p "$(port)" -mp 46000 -r $RATE -l $((RATE * (HOLD_S * 2 + 5))) \
      -m "$2" "${UAC_D[@]}" -buff_size $BUF -nostdin -timeout ${limit}s -max_non_invite_retrans 3 \
      -trace_stat -stf uac.csv -fd 1 -trace_err >uac.out 2>&1 ) &
  UAC_PID=$!
}
# sample FILE IP...: one line a second while the UAC runs: time, then per
# node the calls it admitted so far, the calls up and its CPU seconds
# (summed over a restart: the process is found by its address).
sample() {
  local file=$1; shift
  local nodes=(); for ip in "$@"; do nodes+=("$ip:${NMP[$ip]}"); done
  python3 - "$file" "$UAC_PID" "$NP" "${nodes[@]}" <<'PY'
import os, subprocess, sys, time, urllib.request
file, uac, np, nodes = sys.argv[1], int(sys.argv[2]), sys.argv[3], [n.split(":") for n in sys.argv[4:]]
state = {ip: dict(pid=None, cpu0=0.0, cpu=0.0, calls0=0, calls=0) for ip, _ in nodes}
def alive(pid):
    try: os.kill(pid, 0); return True
    except OSError: return False
def metric(port, name):
    try:
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=0.5).read().decode()
    except OSError:
        return None
    return next((int(float(l.split()[-1])) for l in page.splitlines() if l.startswith(name)), None)
out = open(file, "w"); t0 = time.time()
out.write("t_s " + " ".join(f"{ip}_calls {ip}_active {ip}_cpu" for ip, _ in nodes) + "\n")
while alive(uac):
    time.sleep(1)
    line = [f"{time.time() - t0:.1f}"]
    for ip, port in nodes:
        s = state[ip]
        pids = subprocess.run(["pgrep", "-f", f"rvoip-gw --sip {ip}:{np} "], capture_output=True, text=True).stdout.split()
        pid = int(pids[0]) if pids else None
        if pid != s["pid"]:  # killed or restarted: what the old process did is kept
            s["cpu0"] += s["cpu"]; s["calls0"] += s["calls"]; s["cpu"] = 0.0; s["calls"] = 0; s["pid"] = pid
        active = 0
        if pid:
            try:
                f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                s["cpu"] = (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
            except OSError:
                pass
            b = metric(port, 'rvoip_calls_total{outcome="bridged"}')
            s["calls"] = b if b is not None else s["calls"]
            active = metric(port, "rvoip_calls_active") or 0
        line += [str(s["calls0"] + s["calls"]), str(active), f"{s['cpu0'] + s['cpu']:.2f}"]
    out.write(" ".join(line) + "\n"); out.flush()
PY
}
# uac_failures DIR T0 KILL_T: failed calls by time after the kill and by
# what failed (the INVITE: a new call; the BYE: a call that was up).
uac_failures() {
  python3 - "$1" "$2" "$3" <<'PY'
import glob, re, sys
d, t0, tk = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
new, live = [], []
for f in glob.glob(d + "/*_errors.log"):
    text = open(f, errors="replace").read()
    for m in re.finditer(r"(\d+\.\d+): Aborting call on unexpected message.*?CSeq: *\d+ (\w+)", text, re.S):
        (new if m.group(2) == "INVITE" else live).append(float(m.group(1)) - tk)
    for m in re.finditer(r"(\d+\.\d+): .*?(timed out|Max retrans)", text):
        live.append(float(m.group(1)) - tk)
fmt = lambda v: f"{len(v)} (from {min(v):+.1f} s to {max(v):+.1f} s after the kill)" if v else "0"
print(fmt(new) + "|" + fmt(live))
PY
}

# Phase 1: one node alone (baseline CPU per call).
start_callee
start_node 127.0.0.2; start_kamailio 127.0.0.2; sleep 2
run_calls baseline "$BASE_CALLS"; sample "$WORK/baseline.tl" 127.0.0.2; wait "$UAC_PID"
sleep 2; read -r _ B_OK B_FAIL _ _ < <(stats "$WORK/baseline/uac.csv")
B_CPU=$(node_cpu 127.0.0.2); B_CALLS=$(node_calls 127.0.0.2)
stop_kamailio; stop_nodes 127.0.0.2; unset 'NMP[127.0.0.2]'
[ "$TAKEOVER" = 1 ] && redis-cli -p "$RP" flushall >/dev/null

# Phase 2: the cluster; one node killed mid-run and restarted.
mapfile -t IPS < <(ips "$NODES")
for ip in "${IPS[@]}"; do start_node "$ip"; done
start_kamailio "${IPS[@]}"; sleep 2
KILL_IP=127.0.0.3; KILL_DELAY=$(python3 -c "print(round($CALLS / $RATE * $KILL_AT, 1))")
T0=$(date +%s.%N); run_calls cluster "$CALLS"
sample "$WORK/cluster.tl" "${IPS[@]}" &
SAMPLER=$!
sleep "$KILL_DELAY"; UP_AT_KILL=$(metric "127.0.0.1:${NMP[$KILL_IP]}" rvoip_calls_active)
KILL_T=$(date +%s.%N); kill_node "$KILL_IP"
L=$(($(wc -l <"$WORK/kamailio.log") + 1))
sleep "$RESTART_S"; RESTART_T=$(date +%s.%N); start_node "$KILL_IP"
wait "$UAC_PID"; wait "$SAMPLER"
sleep 2
read -r C_TOT C_OK C_FAIL C_RETR _ < <(stats "$WORK/cluster/uac.csv")
declare -A CPU CALLS_OF
TAKEN=0
for ip in "${IPS[@]}"; do
  CPU[$ip]=$(node_cpu "$ip"); CALLS_OF[$ip]=$(node_calls "$ip")
  T=$(metric "127.0.0.1:${NMP[$ip]}" rvoip_calls_taken_over_total); TAKEN=$((TAKEN + ${T:-0}))
done
FAILOVER=$(tail -n +"$L" "$WORK/kamailio.log" | grep -c "(failover)")
DETECT=$(python3 - "$WORK/kamailio.log" "$L" <<'PY'
import sys
lines = open(sys.argv[1], errors="replace").read().splitlines()[int(sys.argv[2]) - 1:]
print(sum(1 for l in lines if "failed for" in l and "127.0.0.3" in l))
PY
)
IFS='|' read -r NEW_FAIL LIVE_FAIL < <(uac_failures "$WORK/cluster" "$T0" "$KILL_T")
AFTER_RESTART=$(python3 - "$WORK/cluster.tl" "$KILL_IP" "$(python3 -c "print($RESTART_T - $T0)")" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
h, rows = rows[0], rows[1:]
i = h.index(sys.argv[2] + "_calls"); t = float(sys.argv[3])
before = [int(r[i]) for r in rows if float(r[0]) <= t]
print(int(rows[-1][i]) - (before[-1] if before else 0))
PY
)
# The spread before the kill: each node's share of the calls admitted by then.
SPREAD=$(python3 - "$WORK/cluster.tl" "$(python3 -c "print($KILL_T - $T0)")" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
# A second's margin: the sampler's clock starts a little after the run's.
h, rows = rows[0], [r for r in rows[1:] if float(r[0]) <= float(sys.argv[2]) - 1]
cols = [(n[:-6], h.index(n)) for n in h if n.endswith("_calls")]
total = sum(int(rows[-1][i]) for _, i in cols) if rows else 0
print(", ".join(f"{n}: {int(rows[-1][i])} ({100 * int(rows[-1][i]) / max(total, 1):.1f} %)" for n, i in cols) if rows else "no sample")
PY
)
stop_kamailio; stop_nodes "${IPS[@]}"; kill "$UAS_PID" 2>/dev/null

python3 -c "import matplotlib" 2>/dev/null || pip install -q matplotlib >/dev/null 2>&1
python3 - "$WORK/cluster.tl" "$PNG" "$(python3 -c "print($KILL_T - $T0)")" "$(python3 -c "print($RESTART_T - $T0)")" \
  "$NODES nodes behind Kamailio (alg $ALG), $CALLS calls at $RATE cps, held $HOLD_S s; 127.0.0.3 SIGKILLed and restarted" <<'PY'
import sys
try:
    import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
except ImportError:
    sys.exit(0)
rows = [l.split() for l in open(sys.argv[1])]
h, rows = rows[0], [list(map(float, r)) for r in rows[1:] if len(r) == len(rows[0])]
t = [r[0] for r in rows]
fig, ax = plt.subplots(2, 1, sharex=True, figsize=(8, 6))
for j, name in enumerate(h):
    if name.endswith("_calls"):
        c = [r[j] for r in rows]
        ax[0].plot(t[1:], [b - a for a, b in zip(c, c[1:])], label=name[:-6])
    if name.endswith("_active"):
        ax[1].plot(t, [r[j] for r in rows], label=name[:-7])
ax[0].set_ylabel("calls admitted per second"); ax[1].set_ylabel("calls up"); ax[1].set_xlabel("seconds")
for a in ax:
    a.axvline(float(sys.argv[3]), color="red", ls="--", label="SIGKILL"); a.axvline(float(sys.argv[4]), color="green", ls="--", label="restart")
    a.legend(fontsize=8)
fig.suptitle(sys.argv[5], fontsize=9); fig.tight_layout(); fig.savefig(sys.argv[2], dpi=90)
PY

report() {
  local total_calls=0 total_cpu=0 ip
  for ip in "${IPS[@]}"; do total_calls=$((total_calls + CALLS_OF[$ip])); total_cpu=$(add "$total_cpu" "${CPU[$ip]}"); done
  echo "# rvoip-gw nodes behind Kamailio's dispatcher: $NODES nodes, $CALLS calls, one node killed and restarted"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); Kamailio $(kamailio -v 2>/dev/null | grep -o '5\.[0-9.]*' | head -1), SIPp $(sipp -v 2>&1 | grep -o 'v[0-9.]*' | head -1); everything on loopback"
  echo "- command: \`TAKEOVER=$TAKEOVER CALLS=$CALLS RATE=$RATE HOLD_S=$HOLD_S NODES=$NODES ALG=$ALG BASE_CALLS=$BASE_CALLS KILL_AT=$KILL_AT RESTART_S=$RESTART_S perf/cluster.sh\`"
  echo "- Kamailio: peers/kamailio/dispatcher.cfg, algorithm $ALG, OPTIONS probe each 1 s, fr_timer 1 s, failover on 503/timeout; cores $CORES_LOAD with both SIPp"
  if [ "$TAKEOVER" = 1 ]; then
    echo "- nodes: \`rvoip-gw --sip 127.0.0.N:$NP --route sip:KAMAILIO\` with \`[cluster]\` (a Redis on loopback, heartbeat_ms $BEAT_MS), media on 127.0.0.N, one media worker, all on core(s) $CORES_NODES"
    echo "- calls: \`sipp -sf sipp/scenarios/uac_rtp_takeover.xml -r $RATE -m $CALLS\` (held $HOLD_S s) to Kamailio, which record-routes every call and relays the nodes' calls to \`sipp -sf sipp/scenarios/uas_rtp_takeover.xml\` (-A WITH_TAKEOVER); G.711 both ways with rtp_stream; both SIPp sides answer a re-INVITE"
  else
    echo "- nodes: \`rvoip-gw --sip 127.0.0.N:$NP --route sip:127.0.0.1:UAS\`, media on 127.0.0.N, one media worker, all on core(s) $CORES_NODES"
    echo "- calls: \`sipp -sf sipp/scenarios/uac_rtp.xml -r $RATE -m $CALLS -d $((HOLD_S * 1000))\` to Kamailio (ACK and BYE relayed by Kamailio to the node's Contact, no Record-Route), G.711 both ways with rtp_stream; callee \`sipp -sf sipp/scenarios/uas_rtp.xml\`"
  fi
  echo "- fault: 127.0.0.3 SIGKILLed $KILL_DELAY s into the run, restarted $RESTART_S s later"
  echo
  echo "| | value |"
  echo "|---|---|"
  echo "| calls attempted / answered and ended / failed (UAC) | $C_TOT / $C_OK / $C_FAIL |"
  for ip in "${IPS[@]}"; do
    echo "| calls bridged by $ip | ${CALLS_OF[$ip]} ($(python3 -c "print(f'{100*${CALLS_OF[$ip]}/max($total_calls,1):.1f}')") %) |"
  done
  echo "| spread before the kill (calls admitted by then) | $SPREAD |"
  echo "| new calls failed after the kill (their INVITE) | $NEW_FAIL |"
  echo "| calls up on the killed node when it was killed | $UP_AT_KILL |"
  [ "$TAKEOVER" = 1 ] && echo "| of those, taken over by another node (both legs took its re-INVITE) | $TAKEN ($(python3 -c "print(f'{100*$TAKEN/max(${UP_AT_KILL:-0},1):.2f}')") %; target at least 99 %) |"
  echo "| calls that failed after being answered (their re-INVITE or BYE) | $LIVE_FAIL |"
  echo "| INVITEs to the killed node failed over by Kamailio (after fr_timer, 1 s) | $FAILOVER: the detection window, $FAILOVER / ($RATE / $NODES cps) = $(python3 -c "print(f'{$FAILOVER * $NODES / $RATE:.1f}')") s of that node's share |"
  echo "| calls the restarted node took | $AFTER_RESTART |"
  for ip in "${IPS[@]}"; do
    echo "| CPU per 1,000 calls, $ip | $(python3 -c "print(f'{1000*${CPU[$ip]}/max(${CALLS_OF[$ip]},1):.2f}')") s (${CPU[$ip]} s for ${CALLS_OF[$ip]} calls) |"
  done
  echo "| CPU per 1,000 calls, all nodes | $(python3 -c "print(f'{1000*$total_cpu/max($total_calls,1):.2f}')") s ($total_cpu s for $total_calls calls) |"
  echo "| CPU per 1,000 calls, one node alone (baseline, $B_OK/$BASE_CALLS calls ok) | $(python3 -c "print(f'{1000*$B_CPU/max($B_CALLS,1):.2f}')") s ($B_CPU s for $B_CALLS calls) |"
  echo "| cluster / one node, CPU per call | $(python3 -c "print(f'{($total_cpu/max($total_calls,1))/($B_CPU/max($B_CALLS,1)):.3f}')") |"
  echo
  echo "![calls per node]($(basename "$PNG"))"
}
report >"$OUT"
cat "$OUT"
