#!/usr/bin/env bash
# Issue #16's TLS target, side by side in one run: calls per second over
# TLS (one connection, reused by every call) against the same over TCP,
# and what a new TLS handshake per call would cost. rvoip-gw (echo
# service, [tls] on) pinned to CORE_GW; the caller, `rvoip-gw call` (the
# same code, one client endpoint), pinned to CORE_LOAD. At each of RATES
# the caller places RATE*STEP_S calls over TCP, then over TLS; a step is
# clean when every call is answered. Then HANDSHAKES fresh TLS handshakes
# (Python's ssl, one connection each) measure the gateway's CPU per
# handshake. Writes perf/results/tls_rate-<stamp>.md. Test certificates
# are made here with openssl.
#   perf/tls_rate.sh        # RATES="2000 4000 8000 12000 16000" STEP_S=5 HANDSHAKES=500
set -uo pipefail
cd "$(dirname "$0")/.."; ROOT=$PWD
source perf/lib.sh
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
RATES=${RATES:-2000 4000 8000 12000 16000}; STEP_S=${STEP_S:-5}; HANDSHAKES=${HANDSHAKES:-500}
CORE_GW=${CORE_GW:-0}; CORE_LOAD=${CORE_LOAD:-1}
GW=$ROOT/target/release/rvoip-gw
WORK=$(mktemp -d); GW_PID=
trap 'kill $GW_PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p perf/results; STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/tls_rate-$STAMP.md
make_pki "$WORK" || { echo "openssl failed"; exit 1; }
GP=$(port); GT=$(port); CT=$(port)
tls_toml() { printf '[tls]\nlisten = "127.0.0.1:%s"\ncert = "%s/cert.pem"\nkey = "%s/key.pem"\nca = "%s/ca.pem"\n[media]\nworkers = 1\n' "$1" "$WORK" "$WORK" "$WORK"; }
tls_toml "$GT" >"$WORK/gw.toml"
tls_toml "$CT" >"$WORK/caller.toml"
printf 'port_min = 40000\nport_max = 45000\n' >>"$WORK/caller.toml"
taskset -c "$CORE_GW" "$GW" --sip 127.0.0.1:$GP --config "$WORK/gw.toml" --log-level warn 2>"$WORK/gw.log" >/dev/null &
GW_PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/gw.log" && break; sleep 0.1; done
gw_cpu() { awk '{print $14 + $15}' /proc/$GW_PID/stat; }
# call URI RATE: sets ok, cps (achieved), us (gateway CPU µs per call).
call() {
  local n=$(($2 * STEP_S)) c0 c1 out
  c0=$(gw_cpu)
  out=$(taskset -c "$CORE_LOAD" timeout 120 "$GW" --config "$WORK/caller.toml" call "$1" --count $n --rate "$2" \
    --concurrency $(($2 * 2)) 2>/dev/null)
  c1=$(gw_cpu)
  ok=$(awk '/^answered/{print $2}' <<<"$out"); cps=$(grep -o '[0-9.]* calls/s' <<<"$out" | awk '{print $1}')
  us=$(( (c1 - c0) * 10000 / (ok > 0 ? ok : 1) ))
  clean=no; [ "${ok:-0}" = "$n" ] && clean=yes
}
ROWS=(); BEST_TCP=0; BEST_TLS=0
for rate in $RATES; do
  call "sip:echo@127.0.0.1:$GP;transport=tcp" "$rate"
  ROWS+=("| $rate | TCP | $ok / $((rate * STEP_S)) | ${cps:-?} | $us | $clean |"); [ $clean = yes ] && BEST_TCP=$rate
  echo "TCP $rate: $ok answered, ${cps} cps, ${us} µs/call" >&2
  call "sips:echo@127.0.0.1:$GT" "$rate"
  ROWS+=("| $rate | TLS | $ok / $((rate * STEP_S)) | ${cps:-?} | $us | $clean |"); [ $clean = yes ] && BEST_TLS=$rate
  echo "TLS $rate: $ok answered, ${cps} cps, ${us} µs/call" >&2
done
c0=$(gw_cpu)
HS=$(taskset -c "$CORE_LOAD" python3 - "$GT" "$WORK/ca.pem" "$HANDSHAKES" <<'PY'
import socket, ssl, sys, time
port, ca, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ctx = ssl.create_default_context(cafile=ca)
t0 = time.monotonic()
for _ in range(n):
    with socket.create_connection(("127.0.0.1", port)) as s:
        with ctx.wrap_socket(s, server_hostname="127.0.0.1"):
            pass
print(f"{(time.monotonic() - t0) / n * 1e3:.2f}")
PY
)
c1=$(gw_cpu)
HS_US=$(( (c1 - c0) * 10000 / HANDSHAKES ))
{
  echo "# Calls over TLS against TCP, one run ($STAMP)"
  echo
  echo "- command: \`RATES=\"$RATES\" STEP_S=$STEP_S HANDSHAKES=$HANDSHAKES CORE_GW=$CORE_GW CORE_LOAD=$CORE_LOAD perf/tls_rate.sh\`"
  echo "- machine: $(nproc) cores, $(uname -r); rvoip-gw $(git rev-parse --short HEAD) (echo service, [tls] on, media.workers 1) on core $CORE_GW; caller \`rvoip-gw call\` (one client endpoint, so one TLS connection reused by every call) on core $CORE_LOAD; loopback only"
  echo "- clean: every call answered; gateway CPU per call from /proc (10 ms ticks), per answered call"
  echo
  echo "| offered cps | transport | answered | achieved cps | gateway CPU µs/call | clean |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Highest clean rate: TCP $BEST_TCP cps, TLS $BEST_TLS cps (TLS/TCP = $(python3 -c "print(f'{$BEST_TLS/max($BEST_TCP,1):.2f}')"); issue #16's target: at least 0.70)."
  echo
  echo "A new TLS handshake per call (not what a reused connection pays): $HANDSHAKES fresh handshakes from Python's ssl took ${HS:-?} ms each at the client, and ${HS_US} µs of gateway CPU each."
} >"$OUT"
cat "$OUT"
