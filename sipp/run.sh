#!/usr/bin/env bash
# SIPp suite against rvoip-gw on loopback. Installs Debian's sip-tester if
# sipp is missing, builds release, starts rvoip-gw on a free port, runs each
# case, stops the gateway, prints a summary table. Exits non-zero on any
# failed call or unexpected message. Every case is bounded in calls and time.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
if ! command -v sipp >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sip-tester) >/dev/null || {
    echo "sipp/run.sh: cannot install sip-tester" >&2; exit 1; }
fi
cargo build --release --bin rvoip-gw || exit 1
GW=$ROOT/target/release/rvoip-gw
WORK=$(mktemp -d)
trap 'kill $GW_PID 2>/dev/null; pkill -P $$ sipp 2>/dev/null; rm -rf "$WORK"' EXIT

# A port free for both UDP and TCP on 127.0.0.1, above the kernel's
# ephemeral range and never the same twice in a run (perf/lib.sh): the
# suite picks its SIPp peers' ports before it starts them, and a port
# from the ephemeral range could meanwhile go to an outgoing connection
# or another socket bound to port 0 ("Address already in use" once).
source "$ROOT/perf/lib.sh"
free_port() { quiet_port "$WORK/next_port"; }

GW_PORT=$(free_port)
"$GW" --sip 127.0.0.1:$GW_PORT --config sipp/gw.toml --log-level warn 2>"$WORK/gw.log" &
GW_PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/gw.log" && break; sleep 0.1; done

RESULTS=()
FAILED=0
# The last line of a SIPp -trace_stat file, as "name=value" for the counters we report.
stat() {
  python3 - "$1" <<'PY'
import sys
rows = [l.rstrip("\n").split(";") for l in open(sys.argv[1]) if l.strip()]
h, last = rows[0], rows[-1]
get = lambda k: last[h.index(k)] if k in h else "?"
print(get("TotalCallCreated"), get("SuccessfulCall(C)"), get("FailedCall(C)"),
      get("Retransmissions(C)"), get("FailedUnexpectedMessage(C)"))
PY
}

# case NAME CALLS SIPP-ARGS...: runs one SIPp UAC case against the gateway.
case_uac() {
  local name=$1 calls=$2; shift 2
  local dir="$WORK/$name"; mkdir -p "$dir"
  ( cd "$dir" && timeout 120 sipp 127.0.0.1:${TARGET:-$GW_PORT} -i "${LOCAL_IP:-127.0.0.1}" -p "$(free_port)" -m "$calls" \
      -nostdin -timeout 90s -timeout_error -trace_stat -stf stat.csv -fd 1 -trace_err "$@" >sipp.out 2>&1 )
  record "$name" $? "$dir"
}

record() {
  local name=$1 rc=$2 dir=$3 created ok failed retrans unexpected verdict=pass
  if [ -f "$dir/stat.csv" ]; then read -r created ok failed retrans unexpected < <(stat "$dir/stat.csv")
  else created=? ok=? failed=? retrans=? unexpected=?; fi
  if [ "$rc" -ne 0 ] || [ "$failed" != 0 ] || [ "$unexpected" != 0 ]; then
    verdict=FAIL; FAILED=1
    echo "--- $name failed (rc=$rc); SIPp errors:"; tail -20 "$dir"/*errors* 2>/dev/null; tail -5 "$dir/sipp.out"
  fi
  RESULTS+=("$(printf '%-22s %7s %7s %7s %8s %10s  %s' "$name" "$created" "$ok" "$failed" "$retrans" "$unexpected" "$verdict")")
}

S=$ROOT/sipp/scenarios
case_uac uac-udp-500     500 -sn uac -r 100 -l 1000
case_uac uac-tcp-500     500 -sn uac -r 100 -l 1000 -t t1
case_uac cancel-udp       20 -sf $S/cancel.xml -s slow -r 20
case_uac cancel-tcp       20 -sf $S/cancel.xml -s slow -r 20 -t t1
case_uac hold-resume-udp  20 -sf $S/hold.xml -s echo -r 20
case_uac hold-resume-tcp  20 -sf $S/hold.xml -s echo -r 20 -t t1
case_uac options-udp      20 -sf $S/options.xml -r 20
case_uac busy-486-udp     20 -sf $S/busy.xml -s busy -r 20

# SIPp's built-in UAS answering 200 calls placed by `rvoip-gw call`.
dir="$WORK/uas-200"; mkdir -p "$dir"; UAS_PORT=$(free_port)
( cd "$dir" && timeout 120 sipp -sn uas -i 127.0.0.1 -p $UAS_PORT -m 200 -nostdin -timeout 90s \
    -trace_stat -stf stat.csv -fd 1 -trace_err >sipp.out 2>&1 ) &
UAS=$!
sleep 0.5
"$GW" call sip:service@127.0.0.1:$UAS_PORT --count 200 --rate 50 --concurrency 100 >"$dir/call.out" 2>"$dir/call.err"
CALL_RC=$?
wait $UAS; UAS_RC=$?
[ $CALL_RC -ne 0 ] && { echo "--- rvoip-gw call failed:"; cat "$dir/call.out"; tail -5 "$dir/call.err"; UAS_RC=1; }
record uas-200-from-call $UAS_RC "$dir"
sed 's/^/    rvoip-gw call: /' "$dir/call.out"

kill -0 $GW_PID 2>/dev/null || { echo "rvoip-gw died during the suite"; FAILED=1; }

source "$ROOT/sipp/b2bua.sh"
source "$ROOT/sipp/auth.sh"
source "$ROOT/sipp/ipv6.sh"
echo
echo "SIPp suite against rvoip-gw on 127.0.0.1:$GW_PORT ($(date -u +%FT%TZ))"
printf '%-22s %7s %7s %7s %8s %10s  %s\n' case created success failed retrans unexpected result
printf '%s\n' "${RESULTS[@]}"
total=${#RESULTS[@]}; bad=$(printf '%s\n' "${RESULTS[@]}" | grep -c 'FAIL$')
echo "sipp suite: $((total - bad)) passed, $bad failed"
exit $FAILED
