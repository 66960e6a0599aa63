#!/usr/bin/env bash
# Real peers on loopback, started here with configs from this directory:
# Kamailio (auth + registrar) as the trunk rvoip-gw registers to, with MD5
# and then SHA-256; baresip as a phone that registers to rvoip-gw's
# registrar with a password, places a call through it and takes one, over
# UDP and then over TLS (certificates made here with openssl), and with
# SRTP over TLS, and speaking only Opus through a transcoded bridge
# (its maxaveragebitrate kept); SIPp sending RFC 4733 digits to, and baresip talking
# with, an application on the API (examples/audio_app.rs); DTMF
# interworking between baresip (RFC 4733) and SIPp legs that signal by
# INFO, both ways, through rvoip-gw; and both
# calling through rvoip-gw's WebSocket bridge to examples/ws_echo_server.rs
# and examples/ws_digits_bot; SIPp transfers (REFER) through rvoip-gw, blind
# and attended, baresip transferring both ways, a SIPp callee refreshing
# its session, UPDATE in an early
# dialog; Kamailio's dispatcher in front of two rvoip-gw nodes (spread,
# SIGKILL, restart, drain, max_calls). Every
# peer is installed from Debian if missing, every step is bounded; prints
# one line per check and exits non-zero if any fails.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
need() { command -v "$1" >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2") >/dev/null || {
  echo "peers/run.sh: cannot install $2" >&2; exit 1; }; }
need sipp sip-tester; need kamailio kamailio; need baresip baresip-core; need openssl openssl
# Kamailio's tls module is a package of its own.
[ -n "$(find /usr/lib -path '*kamailio/modules/tls.so' 2>/dev/null | head -1)" ] ||
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kamailio-tls-modules) >/dev/null ||
  { echo "peers/run.sh: cannot install kamailio-tls-modules" >&2; exit 1; }
cargo build --release --bin rvoip-gw || exit 1
GW=$ROOT/target/release/rvoip-gw
S=$ROOT/peers/scenarios
source "$ROOT/perf/lib.sh"
WORK=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; rm -rf "$WORK"' EXIT
FAILED=0
check() { # NAME OK? DETAIL
  if [ "$2" = 1 ]; then printf '%-44s pass  %s\n' "$1" "$3"; else printf '%-44s FAIL  %s\n' "$1" "$3"; FAILED=1; fi
}
# until SECONDS COMMAND...: true once COMMAND succeeds within SECONDS.
until_ok() { local n=$(($1 * 10)); shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done; return 1; }
metric() { curl -s "http://$1/metrics" | awk -v m="$2" 'index($0, m" ") == 1 || index($0, m"{") == 1 { print $NF; exit }'; }
# sipp_case NAME TARGET CALLS SIPP-ARGS...: passes when every call succeeds.
sipp_case() {
  local name=$1 target=$2 calls=$3; shift 3
  local dir="$WORK/$name" created ok failed retrans unexpected; mkdir -p "$dir"
  ( cd "$dir" && timeout 60 sipp "$target" -i "${LOCAL_IP:-127.0.0.1}" -p "$(port)" -m "$calls" -r 10 -nostdin \
      -timeout 30s -timeout_error -trace_stat -stf stat.csv -fd 1 -trace_err "$@" >sipp.out 2>&1 )
  read -r created ok failed retrans unexpected < <(stats "$dir/stat.csv" 2>/dev/null || echo "? ? ? ? ?")
  check "$name" "$([ "$ok" = "$calls" ] && [ "$failed" = 0 ] && echo 1)" "$ok/$calls calls as scripted"
  [ "$ok" = "$calls" ] || tail -15 "$dir"/*errors* 2>/dev/null
}
# The SIPp caller refused with a given status (uac_refused.xml expects 403).
refused_with() { sed "s/response=\"403\"/response=\"$1\"/" "$ROOT/sipp/scenarios/uac_refused.xml" >"$WORK/uac_$1.xml"; echo "$WORK/uac_$1.xml"; }

# cons PORT COMMAND: one command to baresip's console (its cons module),
# the reply on stdout.
cons() {
  python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1)
s.sendto(sys.argv[2].encode() + b"\n", ("127.0.0.1", int(sys.argv[1])))
out = b""
try:
    while True: out += s.recv(65536)
except OSError:
    pass
print(out.decode(errors="replace"))
PY
}
# cons_up PORT: true once baresip's console answers (cons itself always
# succeeds, an empty reply included).
cons_up() { [ -n "$(cons "$1" /about | tr -d '[:space:]')" ]; }
# A port for baresip's console: not its SIP port + 1, where it listens for TLS.
cons_port() { local p; while p=$(port); [ "$p" = $(($1 + 1)) ]; do :; done; echo "$p"; }
# heard WAV: "RMS HZ" of the second half of a WAV baresip's sndfile wrote.
heard() {
  python3 - "$1" <<'PY'
import sys, wave, array, math
w = wave.open(sys.argv[1]); rate = w.getframerate()
x = array.array("h", w.readframes(w.getnframes()))[::w.getnchannels()]
x = x[len(x) // 2:]  # the second half: the echo has long arrived
rms = math.sqrt(sum(v * v for v in x) / max(len(x), 1))
crossings = sum(1 for a, b in zip(x, x[1:]) if (a < 0) != (b < 0))
print(f"{rms:.0f} {crossings * rate / 2 / max(len(x), 1):.0f}")
PY
}

# phone DIR MEDIA_MIN ACCOUNT_URI [EXTRA_TOML [EXTRA_BARESIP_CONFIG [ACCOUNT_PARAMS]]]: rvoip-gw
# on $GP (metrics on $MP) with [auth] (alice, password "secret", MD5 only:
# baresip 1.0 fails a challenge set that also lists SHA-256), the
# registrar, 127.0.0.40 trusted (SIPp's calls) and routes alice ->
# registered, the rest -> echo; then baresip (SIP on $BP, console on $CP)
# registering ACCOUNT_URI as alice (EXTRA_TOML goes before those routes; with ;ACCOUNT_PARAMS, e.g.
# mediaenc=srtp-mand; one naming audio_codecs replaces PCMU). rvoip-gw logs at $GW_LOG (info). Sets GPID, BPID,
# and ok (0: bound).
phone() {
  local d=$1
  echo secret | "$GW" ha1 alice rvoip >"$d/credentials.toml"
  cat >"$d/gw.toml" <<EOT
[auth]
credentials = "$d/credentials.toml"
algorithms = ["MD5"]
[registrar]
enabled = true
[metrics]
listen = "127.0.0.1:$MP"
[media]
port_min = $2
port_max = $(($2 + 500))
[[acl]]
cidr = "127.0.0.40"
action = "trust"
${4:-}
[[routes]]
user_prefix = "alice"
target = "registered"
[[routes]]
user_prefix = ""
target = "echo"
EOT
  sed -e "s/@SIP_PORT@/$BP/; s/@CONS_PORT@/$CP/; s/@RTP_MIN@/$(($2 + 600))/; s/@RTP_MAX@/$(($2 + 700))/; s|@SND@|$d/snd|" \
    peers/baresip/config >"$d/config"
  [ -z "${5:-}" ] || echo "$5" >>"$d/config"
  local codecs="audio_codecs=PCMU"; [[ "${6:-}" == *audio_codecs=* ]] && codecs=""
  echo "<$3>;auth_pass=secret;regint=300;answermode=auto${codecs:+;$codecs}${6:+;$6}" >"$d/accounts"
  "$GW" --sip 127.0.0.1:$GP --config "$d/gw.toml" --log-level "${GW_LOG:-info}" 2>"$d/gw.log" >/dev/null &
  GPID=$!; PIDS+=($GPID)
  until_ok 5 grep -q listening "$d/gw.log"
  timeout 120 baresip -f "$d" -n 127.0.0.1 >"$d/baresip.log" 2>&1 </dev/null &
  BPID=$!; PIDS+=($BPID)
  bound() { [ "$(metric 127.0.0.1:$MP 'rvoip_registrar_total{outcome="ok"}')" -ge 1 ] 2>/dev/null; }
  until_ok 10 bound; ok=$?
}

source "$ROOT/peers/kamailio.sh"
source "$ROOT/peers/cluster.sh"
source "$ROOT/peers/baresip.sh"
source "$ROOT/peers/baresip_tls.sh"
source "$ROOT/peers/kamailio_tls.sh"
source "$ROOT/peers/baresip_srtp.sh"
source "$ROOT/peers/baresip_opus.sh"
source "$ROOT/peers/sipp_dtmf.sh"
source "$ROOT/peers/baresip_dtmf.sh"
source "$ROOT/peers/baresip_api.sh"
source "$ROOT/peers/ws_bridge.sh"
source "$ROOT/peers/pcap.sh"
source "$ROOT/peers/session_timer.sh"
source "$ROOT/peers/prack.sh"
source "$ROOT/peers/transfer.sh"
source "$ROOT/peers/baresip_transfer.sh"
source "$ROOT/peers/sipp_dialogs.sh"
source "$ROOT/peers/kamailio_dispatcher.sh"
exit $FAILED
