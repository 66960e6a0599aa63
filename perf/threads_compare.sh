#!/usr/bin/env bash
# Signalling threads side by side in one run (issue #20 item 2): rvoip-gw
# from the working tree with `sip.threads = 1` and `= 2` (the kernel
# steering each datagram to its shard), and, when REF is given, rvoip-gw
# built at REF with `sip.threads = 2` (the design before steering: one
# shared socket, messages handed between shards). SIPp's uac and uas are
# pinned to core 0 (`PIN`), the gateways unpinned. Each gateway is warmed
# up, then every rate is offered to each in turn, who goes first rotating
# from rate to rate (kamailio_compare.sh's scenario: sipp -sn uac -> DUT ->
# uas_answer). CPU per call from /proc (all threads, and the media
# workers' share); clean = no failed call, no retransmission, nothing
# unexpected. Loopback only, every step bounded. Writes
# perf/results/threads_compare-<date>.md.
#   perf/threads_compare.sh                   # working tree only
#   RATES="1000 2000" STEP_S=10 perf/threads_compare.sh 13e7e7e
set -uo pipefail
cd "$(dirname "$0")/.."; ROOT=$PWD
source perf/lib.sh
REF=${1:-}
RATES=${RATES:-"1000 2000 3000"}; STEP_S=${STEP_S:-10}; PIN=${PIN:-0}
WARMUP_RATE=${WARMUP_RATE:-1000}; WARMUP_S=${WARMUP_S:-10}
command -v sipp >/dev/null || { apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null; }
WORK=$(mktemp -d); OLD=$WORK/before
GW_PIDS=(); UAS_PID=
trap 'kill "${GW_PIDS[@]}" $UAS_PID 2>/dev/null; [ -n "$REF" ] && git worktree remove --force "$OLD" 2>/dev/null; rm -rf "$WORK"' EXIT
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
SIDES="t1 t2"; declare -A EXE=([t1]=$ROOT/target/release/rvoip-gw [t2]=$ROOT/target/release/rvoip-gw) THREADS=([t1]=1 [t2]=2)
declare -A NAME=([t1]="1 thread" [t2]="2 threads, steered")
if [ -n "$REF" ]; then
  REV=$(git rev-parse --short "$REF") || exit 1
  git worktree add -q --detach "$OLD" "$REV" || exit 1
  echo "building $REV" >&2
  # The dependencies as built for the working tree: only rvoip rebuilds.
  mkdir -p "$OLD/target" && cp -a target/release "$OLD/target/" 2>/dev/null
  (cd "$OLD" && CARGO_TARGET_DIR=$OLD/target cargo build --release --bin rvoip-gw >/dev/null 2>&1) || { echo "build of $REV failed"; exit 1; }
  SIDES="t1 t2 h2"; EXE[h2]=$OLD/target/release/rvoip-gw; THREADS[h2]=2; NAME[h2]="2 threads, hand-over ($REV)"
fi
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/threads_compare-$STAMP.md
BUF=4194304; UASP=$(port)
( cd "$WORK" && exec taskset -c "$PIN" sipp -sf "$ROOT/sipp/scenarios/uas_answer.xml" -i 127.0.0.1 -p $UASP \
    -buff_size $BUF -nostdin >/dev/null 2>&1 ) &
UAS_PID=$!
declare -A PORT MPORT PID
for side in $SIDES; do
  PORT[$side]=$(port); MPORT[$side]=$(port)
  printf '[sip]\nthreads = %s\n[metrics]\nlisten = "127.0.0.1:%s"\n' "${THREADS[$side]}" "${MPORT[$side]}" >"$WORK/$side.toml"
  "${EXE[$side]}" --config "$WORK/$side.toml" --sip 127.0.0.1:${PORT[$side]} --route sip:127.0.0.1:$UASP \
    --log-level info 2>"$WORK/$side.log" &
  PID[$side]=$!; GW_PIDS+=($!)
  for _ in $(seq 50); do grep -q listening "$WORK/$side.log" && break; sleep 0.1; done
done
metric() { # side name -> value from the gateway's /metrics
  curl -s "http://127.0.0.1:${MPORT[$1]}/metrics" | awk -v n="$2" '$1 == n {print $2}'
}
offer() { # side rate secs name -> rc ok fail retr unexp
  ( cd "$WORK" && timeout $(($3 + 40)) taskset -c "$PIN" sipp -sn uac 127.0.0.1:${PORT[$1]} -i 127.0.0.1 -p "$(port)" \
      -buff_size $BUF -r $2 -l $(($2 * 2)) -m $(($2 * $3)) -nostdin -timeout $(($3 + 20))s -trace_stat -stf $4.csv \
      -trace_err >/dev/null 2>&1 )
  rc=$?; read -r _ ok fail retr unexp < <(stats "$WORK/$4.csv")
}
for side in $SIDES; do offer $side $WARMUP_RATE $WARMUP_S warmup-$side; sleep 2; done
ROWS=(); declare -A US SIG; k=0
set -- $SIDES; N=$#
for rate in $RATES; do
  order=$(printf '%s\n' $SIDES | awk -v k=$k -v n=$N '{a[NR-1]=$0} END {for (i = 0; i < n; i++) print a[(i + k) % n]}')
  k=$((k + 1))
  for side in $order; do
    read -r c0 m0 < <(cpu_of "${PID[$side]}"); offer $side $rate $STEP_S $side-$rate; read -r c1 m1 < <(cpu_of "${PID[$side]}")
    clean=no; [ $rc -eq 0 ] && [ "$fail" = 0 ] && [ "$retr" = 0 ] && [ "$unexp" = 0 ] && [ "$ok" = $((rate * STEP_S)) ] && clean=yes
    us=$(python3 -c "print(f'{($c1-$c0)/max($ok,1)*1e6:.0f}')")
    sig=$(python3 -c "print(f'{(($c1-$c0)-($m1-$m0))/max($ok,1)*1e6:.0f}')")
    US[$side-$rate]=$us; SIG[$side-$rate]=$sig
    ROWS+=("| ${NAME[$side]} | $rate | $ok | $fail | $retr | $unexp | $us | $sig | $clean |")
    echo "${NAME[$side]} $rate cps: ok=$ok failed=$fail retrans=$retr cpu/call=${us}us (signalling ${sig}us) clean=$clean" >&2
    rm -f "$WORK"/uac_*_errors.log; sleep 2
  done
done
{
  echo "# Signalling threads side by side: 1 thread, 2 threads steered by the kernel${REF:+, 2 threads with hand-over at $REV}"
  echo
  echo "- date: $(date -u +%FT%TZ); tree $(git rev-parse --short HEAD)$(git diff --quiet || echo ', with changes')"
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); loopback only"
  echo "- command: \`RATES=\"$RATES\" STEP_S=$STEP_S perf/threads_compare.sh $REF\`"
  echo "- SIPp uac and uas pinned to core $PIN (\`taskset\`); the gateways unpinned, so a gateway's threads share core $PIN with SIPp; other engineers' builds and runs may share the box (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "- each step: \`sipp -sn uac GW -r RATE -l 2*RATE -m RATE*$STEP_S\` -> rvoip-gw --route -> \`sipp -sf sipp/scenarios/uas_answer.xml\`; each gateway warmed up $WARMUP_S s at $WARMUP_RATE cps; who goes first rotates from rate to rate"
  echo
  echo "| gateway | cps | successful | failed | retrans | unexpected | CPU µs/call | of which signalling (not media workers) | clean |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "## Ratios of CPU per call to 1 thread at the same rate"
  echo
  echo "| cps | $(for s in $SIDES; do printf '%s | ' "${NAME[$s]}"; done)"
  echo "|---|$(for s in $SIDES; do printf -- '---|'; done)"
  for rate in $RATES; do
    printf '| %s |' "$rate"
    for s in $SIDES; do printf ' %s |' "$(python3 -c "print(f'{${US[$s-$rate]}/max(${US[t1-$rate]},1):.3f} (signalling {${SIG[$s-$rate]}/max(${SIG[t1-$rate]},1):.3f})')")"; done
    echo
  done
  echo
  echo "## Hand-overs between shards over the whole run (rvoip_sip_handover_total; the REF build has no such counter)"
  echo
  for s in $SIDES; do echo "- ${NAME[$s]}: steered=$(metric $s rvoip_sip_steered) handed over=$(metric $s rvoip_sip_handover_total)"; done
} >"$OUT"
cat "$OUT"
