#!/usr/bin/env bash
# Issue #15 target: at 3x the clean call rate offered by unauthenticated
# sources, the gateway keeps serving a trusted trunk's calls with zero
# failures. rvoip-gw runs with [auth] on (every untrusted INVITE
# challenged) and one [[acl]] trust entry for the trunk (127.0.0.20),
# calls answered by its echo service (one media worker).
#   1. Clean rate C: the trunk alone (SIPp's built-in uac from 127.0.0.20)
#      at each of RATES for STEP_S s; C is the highest rate with every step
#      up to it clean (no failed call, retransmission or unexpected message).
#   2. Flood: perf/flood.py offers 3*C new INVITEs/s without credentials
#      from 200 addresses (127.0.1.x; each ACKs its 401) while the trunk
#      calls at C/4, C/2 and C, STEP_S s each.
# rvoip-gw is pinned to CORE_GW, SIPp and the flood to CORE_LOAD. Writes
# perf/results/auth_flood-<stamp>.md.
#   perf/auth_flood.sh                      # RATES="1000 2000 3000 4000 5000 6000" STEP_S=10
set -uo pipefail
cd "$(dirname "$0")/.."; ROOT=$PWD
source perf/lib.sh
command -v sipp >/dev/null || { apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null; }
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
RATES=${RATES:-1000 2000 3000 4000 5000 6000}; STEP_S=${STEP_S:-10}
CORE_GW=${CORE_GW:-0}; CORE_LOAD=${CORE_LOAD:-1}
GW=$ROOT/target/release/rvoip-gw
WORK=$(mktemp -d); GW_PID=
trap 'kill $GW_PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/auth_flood-$STAMP.md
echo secret | "$GW" ha1 alice rvoip >"$WORK/credentials.toml"
PORT=$(port); MPORT=$(port)
cat >"$WORK/gw.toml" <<EOT
[auth]
credentials = "$WORK/credentials.toml"
[metrics]
listen = "127.0.0.1:$MPORT"
[media]
workers = 1
[[acl]]
cidr = "127.0.0.20"
action = "trust"
EOT
taskset -c "$CORE_GW" "$GW" --sip 127.0.0.1:$PORT --config "$WORK/gw.toml" --log-level warn 2>"$WORK/gw.log" >/dev/null &
GW_PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/gw.log" && break; sleep 0.1; done
metric() { curl -s "http://127.0.0.1:$MPORT/metrics" | awk -v k="$1" '$1 == k {print $2}'; }
gw_cpu() { awk '{print $14 + $15}' /proc/$GW_PID/stat; }
# trunk RATE SECONDS NAME: the trusted trunk's calls; sets tot ok fail retr unexp clean.
trunk() {
  ( cd "$WORK" && timeout $(($2 + 40)) taskset -c "$CORE_LOAD" sipp -sn uac 127.0.0.1:$PORT -i 127.0.0.20 -p "$(port)" \
      -buff_size 4194304 -r "$1" -l $(($1 * 2)) -m $(($1 * $2)) -nostdin -timeout $(($2 + 20))s \
      -trace_stat -stf "$3.csv" -fd 1 -trace_err >"$3.out" 2>&1 )
  read -r tot ok fail retr unexp < <(stats "$WORK/$3.csv")
  clean=no; [ "$ok" = $(($1 * $2)) ] && [ "$fail" = 0 ] && [ "$retr" = 0 ] && [ "$unexp" = 0 ] && clean=yes
  if [ $clean = no ]; then  # the first SIPp error says why
    local why; why=$(cat "$WORK"/*errors.log 2>/dev/null | tr -s '\r\n' '  ')
    NOTES+=("- $3: $( (grep -o "while expecting '[^']*' ([^)]*), received '[^ ]* [^ ]* [^ ]*" <<<"$why" || cut -c1-160 <<<"$why") | head -1)")
  fi
  rm -f "$WORK"/*errors.log
}
ROWS=(); NOTES=(); C=0
refusals() { echo "$(metric rvoip_sip_shed_total) $(metric rvoip_sip_overload_rejected_total)"; }
for rate in $RATES; do
  read -r sh0 ov0 < <(refusals); c0=$(gw_cpu); trunk "$rate" "$STEP_S" "clean-$rate"; c1=$(gw_cpu); read -r sh1 ov1 < <(refusals)
  ROWS+=("| trunk alone | $rate | - (gateway shed $((sh1 - sh0)), refused 503 in all $((ov1 - ov0))) | $ok / $((rate * STEP_S)) | $fail | $retr | $unexp | $(( (c1 - c0) / STEP_S ))% | $clean |")
  echo "clean ladder $rate cps: $ok ok, $fail failed, $retr retrans, clean=$clean" >&2
  [ $clean = yes ] || break
  C=$rate; sleep 2
done
[ "$C" -gt 0 ] || { echo "no clean rate; see $WORK" >&2; exit 1; }
FLOOD=$((3 * C))
for share in 4 2 1; do
  rate=$((C / share)); sleep 2
  ch0=$(metric 'rvoip_auth_total{outcome="challenged"}'); sh0=$(metric rvoip_sip_shed_total); c0=$(gw_cpu)
  taskset -c "$CORE_LOAD" python3 perf/flood.py $PORT $FLOOD "$STEP_S" 200 >"$WORK/flood-$rate.out" 2>&1 &
  FL=$!
  trunk "$rate" "$STEP_S" "trunk-$rate"; wait $FL; c1=$(gw_cpu)
  ch1=$(metric 'rvoip_auth_total{outcome="challenged"}'); sh1=$(metric rvoip_sip_shed_total)
  flood=$(cat "$WORK/flood-$rate.out")
  ROWS+=("| trunk + flood | $rate | $FLOOD ($flood; gateway challenged $((ch1 - ch0)), shed $((sh1 - sh0))) | $ok / $((rate * STEP_S)) | $fail | $retr | $unexp | $(( (c1 - c0) / STEP_S ))% | $clean |")
  echo "trunk $rate cps + flood $FLOOD/s: $ok ok, $fail failed, $retr retrans, clean=$clean; flood: $flood" >&2
done
{
  echo "# Trusted trunk calls under an unauthenticated INVITE flood ($STAMP)"
  echo
  echo "- command: \`RATES=\"$RATES\" STEP_S=$STEP_S CORE_GW=$CORE_GW CORE_LOAD=$CORE_LOAD perf/auth_flood.sh\`"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); SIPp $(sipp -v 2>&1 | grep -o 'v[0-9.]*' | head -1); loopback only; rvoip-gw $(git rev-parse --short HEAD) on core $CORE_GW, SIPp and flood.py on core $CORE_LOAD"
  echo "- rvoip-gw: embedded defaults + [auth] (SHA-256 and MD5 offered), [[acl]] trust 127.0.0.20 (the trunk), media.workers = 1, every call answered by the echo service (180 then 200); abuse.requests_per_sec off (the default), so the flood is challenged, never blocked"
  echo "- trunk: \`sipp -sn uac -i 127.0.0.20 -r RATE -l 2*RATE -m RATE*$STEP_S\`; flood: \`perf/flood.py PORT $FLOOD $STEP_S 200\` (new INVITEs without credentials from 200 addresses, each 401 ACKed)"
  echo "- clean: every call completed, none failed, no retransmission, no unexpected message; gateway CPU: share of its core over the step"
  echo
  echo "Clean rate C = $C cps (the highest step of the ladder with every step up to it clean); flood = 3C = $FLOOD INVITEs/s."
  echo
  echo "| load | trunk cps | flood INVITEs/s | trunk calls ok | failed | retrans | unexpected | gateway CPU | clean |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  [ ${#NOTES[@]} = 0 ] || { echo; echo "Unclean steps, the first SIPp error of each:"; printf '%s\n' "${NOTES[@]}"; }
} >"$OUT"
cat "$OUT"
