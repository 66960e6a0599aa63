#!/usr/bin/env bash
# SIPVicious (svmap, svwar, svcrack) against rvoip-gw on loopback, as a
# scanner on the internet would meet it, twice:
#   1. the default config with [auth] on: the scanner User-Agent list
#      (friendly-scanner is SIPVicious's) blocks each tool's source at its
#      first request;
#   2. the same with abuse.user_agents = []: the tools go on and meet the
#      authentication (the same 401 for every user) and the failed-
#      authentication limit (abuse.auth_failures = 10);
#   3. as 2, with MD5 alone offered: svcrack knows only MD5 and reads only
#      the first challenge, so here it really guesses.
# The registrar is on, so svwar's REGISTER scan meets authentication too,
# and user 200 (inside svwar's range) exists. svcrack guesses alice's
# password from a 1,000-word list that holds it at position 500. Targets (issue #15): svwar enumerates no user or route;
# svcrack is blocked and finds no password; svmap may see a SIP server.
# Writes perf/results/security.md. Installs sipvicious (PyPI) if missing.
set -uo pipefail
cd "$(dirname "$0")/.."; ROOT=$PWD
source perf/lib.sh
command -v sipvicious_svmap >/dev/null || pip install -q sipvicious >/dev/null 2>&1 ||
  { echo "cannot install sipvicious"; exit 1; }
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
GW=$ROOT/target/release/rvoip-gw
WORK=$(mktemp -d); GW_PID=
trap 'kill $GW_PID 2>/dev/null; rm -rf "$WORK"' EXIT
PASSWORD=tulip-0500
echo "$PASSWORD" | "$GW" ha1 alice rvoip >"$WORK/credentials.toml"
# A user inside svwar's range (100-300): it must look like every other.
echo "another-$PASSWORD" | "$GW" ha1 200 rvoip >>"$WORK/credentials.toml"
python3 - "$WORK/words.txt" "$PASSWORD" <<'PY'
import sys
words = [f"tulip-{i:04d}" for i in range(1000)]
assert words[500] == sys.argv[2]
open(sys.argv[1], "w").write("\n".join(words) + "\n")
PY
mkdir -p perf/results; OUT=perf/results/security.md
# metric NAME LABELS: a counter from the gateway's /metrics page.
metric() { curl -s "http://127.0.0.1:$MPORT/metrics" | awk -v k="$1$2" '$1 == k {print $2}'; }
run() { # TITLE USER_AGENTS ALGORITHMS
  local title=$1 agents=$2 algorithms=$3
  PORT=$(port); MPORT=$(port)
  cat >"$WORK/gw.toml" <<EOF
[auth]
credentials = "$WORK/credentials.toml"
algorithms = $algorithms
[abuse]
user_agents = $agents
[registrar]
enabled = true
[metrics]
listen = "127.0.0.1:$MPORT"
EOF
  "$GW" --sip 127.0.0.1:$PORT --config "$WORK/gw.toml" --log-level warn 2>"$WORK/gw.log" &
  GW_PID=$!
  for _ in $(seq 50); do grep -q listening "$WORK/gw.log" && break; sleep 0.1; done
  # Each tool from its own loopback address, so one's block is not another's.
  timeout 60 sipvicious_svmap -b 127.0.0.11 127.0.0.1 -p $PORT >"$WORK/svmap.out" 2>&1
  timeout 120 sipvicious_svwar -b 127.0.0.12 -e100-300 -m INVITE 127.0.0.1 -p $PORT --force >"$WORK/svwar.out" 2>&1
  timeout 120 sipvicious_svwar -b 127.0.0.13 -e100-300 127.0.0.1 -p $PORT --force >"$WORK/svwar-reg.out" 2>&1
  timeout 300 sipvicious_svcrack -b 127.0.0.14 -u alice -d "$WORK/words.txt" -m INVITE 127.0.0.1 -p $PORT \
    >"$WORK/svcrack.out" 2>&1
  local refused dropped blocks failed challenged
  refused=$(metric rvoip_access_total '{outcome="refused"}'); dropped=$(metric rvoip_access_total '{outcome="dropped"}')
  blocks=$(metric rvoip_access_total '{outcome="blocked"}'); failed=$(metric rvoip_auth_total '{outcome="failed"}')
  challenged=$(metric rvoip_auth_total '{outcome="challenged"}')
  kill $GW_PID; wait $GW_PID 2>/dev/null; GW_PID=
  {
    echo "## $title"
    echo
    echo "- gateway: \`rvoip-gw\` on its embedded default plus \`[auth] credentials\` (alice and 200 in realm rvoip), \`[registrar] enabled\`, \`auth.algorithms = $algorithms\`, \`abuse.user_agents = $agents\`"
    echo "- counters after the run: $refused requests refused by source, $dropped datagrams of blocked sources dropped, $blocks sources blocked; $challenged challenged without credentials, $failed failed authentications"
    echo "- refusal lines logged: $(grep -c 'refused src=' "$WORK/gw.log")"
    for tool in svmap svwar svwar-reg svcrack; do
      echo; echo "\`$tool\` ($(case $tool in
        svmap) echo "sipvicious_svmap 127.0.0.1";; svwar) echo "sipvicious_svwar -e100-300 -m INVITE";;
        svwar-reg) echo "sipvicious_svwar -e100-300 (REGISTER)";; svcrack) echo "sipvicious_svcrack -u alice -d 1000 words -m INVITE";; esac)):"
      echo; echo '```'; grep -v '^\s*$' "$WORK/$tool.out" | tail -12; echo '```'
    done
    echo
  } >>"$OUT"
}
{
  echo "# SIPVicious against rvoip-gw"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores, $(uname -r); sipvicious $(pip show sipvicious 2>/dev/null | awk '/^Version/{print $2}'); loopback only"
  echo "- command: \`perf/security.sh\`"
  echo "- alice's password is word 500 of svcrack's 1,000-word list"
  echo
} >"$OUT"
run "Defaults: the scanner User-Agent list on" '["friendly-scanner", "sipvicious", "sipcli"]' '["SHA-256", "MD5"]'
run "The User-Agent list emptied: authentication and the failure limit alone" '[]' '["SHA-256", "MD5"]'
run "The same with MD5 alone offered (svcrack knows only MD5)" '[]' '["MD5"]'
cat "$OUT"
