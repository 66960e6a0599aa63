#!/usr/bin/env bash
# Regenerates perf/results/robustness.md: every robustness check with its
# command and counts. Loopback only; every run is bounded in calls and time.
#
#   perf/robustness.sh                 # everything (about 50 minutes)
#   FUZZ_S=60 LEAK_CALLS=20000 perf/robustness.sh
#   PHASES="loss tcp" perf/robustness.sh   # some checks; the others' sections
#                                          # are kept from the last report
#
# 1. Malformed input: RFC 4475 and PROTOS c07-sip replayed at a running
#    gateway (tests/conformance.rs, release build).
# 2. Fuzzing: each cargo-fuzz target for FUZZ_S seconds (two at a time).
# 3. Overload: SIPp offers 3x the admitted rate (limits.max_cps = CAP) for
#    OVER_S seconds, then CAP/2 for 10 s; the excess must get 503, every
#    admitted call must complete, and the second phase must be clean.
# 4. Leaks: LEAK_CALLS calls through the gateway; afterwards calls,
#    sessions, transactions and media calls are back to zero in /metrics
#    and RSS is compared with its value after the first 1,000 calls.
# 5. Signalling loss: gateway and both SIPp sides in a network namespace
#    whose loopback drops 20 % of UDP datagrams (nftables; this kernel has
#    no netem); calls must complete through retransmissions.
# 6. TCP limits: more idle connections than sip.tcp_max_connections, while
#    SIPp places calls over TCP; the excess is closed at once, the idle ones
#    after sip.tcp_idle_secs, and the calls complete.
set -uo pipefail
cd "$(dirname "$0")/.."; ROOT=$PWD
source perf/lib.sh
FUZZ_S=${FUZZ_S:-600}; CAP=${CAP:-1500}; OVER_S=${OVER_S:-20}; LEAK_CALLS=${LEAK_CALLS:-100000}; LEAK_RATE=${LEAK_RATE:-2000}
command -v sipp >/dev/null || { apt-get update -qq && apt-get install -y -qq sip-tester >/dev/null; }
cargo build --release --bin rvoip-gw >/dev/null 2>&1 || { echo "build failed"; exit 1; }
GW=$ROOT/target/release/rvoip-gw
WORK=$(mktemp -d); GW_PID=; UAS_PID=
trap 'kill $GW_PID $UAS_PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p perf/results; OUT=perf/results/robustness.md
BUF=4194304
rss_kb() { awk '/VmRSS/{print $2}' /proc/$1/status; }
metric() { curl -s "http://$MET/metrics" | awk -v m="$1" '$1==m {s+=$2} END {print s+0}'; }
command -v curl >/dev/null || { apt-get install -y -qq curl >/dev/null; }
REPORT=()
add() { REPORT+=("$@"); }
PHASES=${PHASES:-"conformance fuzz overload leak loss tcp"}
want() { [[ " $PHASES " == *" $1 "* ]]; }
# keep N: section "## N." of the last report, for a phase not run now.
keep() {
  [ -f "$OUT" ] || return 0
  mapfile -t lines < <(awk -v n="## $1." 'index($0, n) == 1 {on=1} on && /^## / && index($0, n) != 1 {on=0} on' "$OUT")
  add "${lines[@]}"
}

# --- 1. Malformed input -----------------------------------------------------
if want conformance; then
CMD1="cargo test --release --test conformance -- --nocapture --test-threads 1"
$CMD1 >"$WORK/conf.log" 2>&1; C_RC=$?
add "## 1. Malformed input at a running gateway" "" "- command: \`$CMD1\`" \
  "- result: $(grep -E '^test result' "$WORK/conf.log" | tail -1)" \
  "- RFC 4475: 50 messages, each answered as the RFC says (or dropped, for responses), an OPTIONS probe and a fresh call (INVITE, 200, ACK, BYE) answered after each: $([ $C_RC = 0 ] && echo passed || echo FAILED)" \
  "- PROTOS c07-sip parser pass: $(grep -o 'PROTOS c07-sip through parse+validate: .*' "$WORK/conf.log")" \
  "- PROTOS c07-sip at the gateway: $(grep -o 'PROTOS c07-sip at a running gateway.*' "$WORK/conf.log")" \
  "  (every case followed by a probe and a fresh call, all answered; every 400 names its fault)" ""
else keep 1; fi

# --- 2. Fuzzing -------------------------------------------------------------
if want fuzz && [ "$FUZZ_S" -gt 0 ]; then
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz >/dev/null 2>&1
  add "## 2. Fuzzing (cargo fuzz, libFuzzer, nightly)" "" "| target | seconds | runs | new crashes |" "|---|---|---|---|"
  fuzz() {
    local t=$1; rm -rf "$WORK/fz-$t"; cp -r fuzz/corpus/$t "$WORK/fz-$t"
    ( cd fuzz && timeout $((FUZZ_S + 300)) cargo +nightly fuzz run --fuzz-dir . $t "$WORK/fz-$t" -- \
        -max_total_time=$FUZZ_S -rss_limit_mb=4096 >"$WORK/fz-$t.log" 2>&1 )
  }
  for pair in "sip_parse endpoint" "sdp rtp"; do
    set -- $pair; fuzz $1 & P1=$!; fuzz $2 & P2=$!; wait $P1 $P2
  done
  for t in sip_parse endpoint sdp rtp; do
    runs=$(grep -o 'Done [0-9]* runs' "$WORK/fz-$t.log" | grep -o '[0-9]*'); crashes=$(ls fuzz/artifacts/$t 2>/dev/null | grep -c crash)
    add "| $t | $FUZZ_S | ${runs:-?} | $crashes |"
  done
  add "" "- command: \`cd fuzz && cargo +nightly fuzz run --fuzz-dir . TARGET corpus-copy -- -max_total_time=$FUZZ_S\` (seeds in fuzz/corpus)" ""
else keep 2; fi

# --- 3. Overload --------------------------------------------------------------
if want overload; then
UASP=$(port); GWP=$(port); MPORT=$(port); MET=127.0.0.1:$MPORT
printf '[metrics]\nlisten = "%s"\n[limits]\nmax_cps = %s\n' "$MET" "$CAP" >"$WORK/over.toml"
( cd "$WORK" && exec sipp -sf "$ROOT/sipp/scenarios/uas_answer.xml" -i 127.0.0.1 -p $UASP -buff_size $BUF -nostdin >/dev/null 2>&1 ) & UAS_PID=$!
"$GW" --sip 127.0.0.1:$GWP --route sip:127.0.0.1:$UASP --config "$WORK/over.toml" --log-level warn 2>"$WORK/over.log" & GW_PID=$!
sleep 1
R0=$(rss_kb $GW_PID); OFFER=$((CAP * 3))
( cd "$WORK" && timeout $((OVER_S + 120)) sipp -sn uac 127.0.0.1:$GWP -i 127.0.0.1 -p "$(port)" -r $OFFER -l $((OFFER * 3)) \
    -m $((OFFER * OVER_S)) -d 1000 -buff_size $BUF -nostdin -timeout $((OVER_S + 90))s -trace_stat -stf over.csv -fd 1 >over.out 2>&1 )
R1=$(rss_kb $GW_PID)
read -r O_TOT O_OK O_FAIL O_RETR O_UNEXP < <(stats "$WORK/over.csv")
O_503=$(metric 'rvoip_calls_total{outcome="over_rate"}'); O_ANS=$(metric rvoip_calls_answered_total)
( cd "$WORK" && timeout 100 sipp -sn uac 127.0.0.1:$GWP -i 127.0.0.1 -p "$(port)" -r $((CAP / 2)) -m $((CAP * 5)) -d 1000 \
    -buff_size $BUF -nostdin -timeout 60s -trace_stat -stf after.csv -fd 1 >after.out 2>&1 )
read -r A_TOT A_OK A_FAIL A_RETR A_UNEXP < <(stats "$WORK/after.csv")
kill $GW_PID; wait $GW_PID 2>/dev/null; kill $UAS_PID; wait $UAS_PID 2>/dev/null
add "## 3. Overload: 3x the admitted rate" "" \
  "- gateway: \`rvoip-gw --route sip:UAS\` with \`limits.max_cps = $CAP\`; SIPp uac offering $OFFER cps for $OVER_S s (calls held 1 s), then $((CAP / 2)) cps for 10 s" \
  "" "| phase | offered | completed | refused 503 (gateway counter) | SIPp failed | retransmissions |" "|---|---|---|---|---|---|" \
  "| 3x overload | $O_TOT | $O_OK | $O_503 | $O_FAIL | $O_RETR |" \
  "| afterwards, half the cap | $A_TOT | $A_OK | 0 expected | $A_FAIL | $A_RETR |" "" \
  "- every admitted call completed: $([ "$O_ANS" = "$O_OK" ] && echo "yes ($O_ANS answered end to end = $O_OK SIPp successes)" || echo "NO: gateway answered $O_ANS, SIPp completed $O_OK")" \
  "- SIPp's failed calls in the overload phase are the 503s: $([ "$O_FAIL" = "$O_503" ] && echo yes || echo "no ($O_FAIL failed, $O_503 refused)")" \
  "- RSS: $((R0 / 1024)) MiB before, $((R1 / 1024)) MiB after the overload phase" ""
else keep 3; fi

# --- 4. Leaks -----------------------------------------------------------------
if want leak; then
UASP=$(port); GWP=$(port); MPORT=$(port); MET=127.0.0.1:$MPORT
printf '[metrics]\nlisten = "%s"\n' "$MET" >"$WORK/leak.toml"
( cd "$WORK" && exec sipp -sf "$ROOT/sipp/scenarios/uas_answer.xml" -i 127.0.0.1 -p $UASP -buff_size $BUF -nostdin >/dev/null 2>&1 ) & UAS_PID=$!
"$GW" --sip 127.0.0.1:$GWP --route sip:127.0.0.1:$UASP --config "$WORK/leak.toml" --log-level warn 2>"$WORK/leak.log" & GW_PID=$!
sleep 1
( cd "$WORK" && timeout 60 sipp -sn uac 127.0.0.1:$GWP -i 127.0.0.1 -p "$(port)" -r $LEAK_RATE -m 1000 -buff_size $BUF -nostdin \
    -trace_stat -stf first.csv -fd 1 >first.out 2>&1 )
sleep 40   # let the first calls' transactions expire (Timers J/K, 32 s)
RSS_1K=$(rss_kb $GW_PID)
# In four blocks, each followed by 40 s idle: RSS after each block shows
# whether memory grows with calls (a leak) or stays at what the first
# load peak left (allocator retention).
BLOCK=$((LEAK_CALLS / 4))
CMD4="4 x sipp -sn uac GW -r $LEAK_RATE -l $((LEAK_RATE * 2)) -m $BLOCK -buff_size $BUF"
L_TOT=0; L_OK=0; L_FAIL=0; L_RETR=0; RSS_BLOCKS=()
for b in 1 2 3 4; do
  ( cd "$WORK" && timeout $((BLOCK / LEAK_RATE + 200)) sipp -sn uac 127.0.0.1:$GWP -i 127.0.0.1 -p "$(port)" -r $LEAK_RATE \
      -l $((LEAK_RATE * 2)) -m $BLOCK -buff_size $BUF -nostdin -timeout $((BLOCK / LEAK_RATE + 120))s \
      -trace_stat -stf leak$b.csv -fd 1 >leak$b.out 2>&1 )
  read -r t o f r u < <(stats "$WORK/leak$b.csv")
  L_TOT=$((L_TOT + t)); L_OK=$((L_OK + o)); L_FAIL=$((L_FAIL + f)); L_RETR=$((L_RETR + r))
  sleep 40
  RSS_BLOCKS+=("$(( $(rss_kb $GW_PID) / 1024 ))")
done
RSS_END=$(rss_kb $GW_PID)
L_CALLS=$(metric rvoip_calls_active); L_SESS=$(metric rvoip_sessions_active); L_TX=$(metric rvoip_transactions_active)
L_MEDIA=$(metric 'rvoip_media_calls{worker="0"}'); L_MEDIA=$((L_MEDIA + $(metric 'rvoip_media_calls{worker="1"}')))
kill $GW_PID; wait $GW_PID 2>/dev/null; kill $UAS_PID; wait $UAS_PID 2>/dev/null
GROWTH=$(python3 -c "print(f'{100*($RSS_END-$RSS_1K)/$RSS_1K:+.1f}')")
BLOCK_GROWTH=$(python3 -c "print(f'{100*(${RSS_BLOCKS[3]}-${RSS_BLOCKS[0]})/${RSS_BLOCKS[0]}:+.1f}')")
add "## 4. Leaks: $LEAK_CALLS calls" "" "- command: \`$CMD4\` (after 1,000 warm-up calls at the same rate), each block followed by 40 s for the transactions' Timers J/K" \
  "- calls: $L_TOT offered, $L_OK completed, $L_FAIL failed, $L_RETR retransmissions" \
  "- afterwards in /metrics: calls active $L_CALLS, sessions active $L_SESS, transactions $L_TX, media calls $L_MEDIA (all must be 0)" \
  "- RSS: $((RSS_1K / 1024)) MiB after the first 1,000 calls, $((RSS_END / 1024)) MiB after all ($GROWTH %; target within 10 %)" \
  "- RSS after each block of $BLOCK calls (40 s idle each): ${RSS_BLOCKS[*]} MiB (last block against the first: $BLOCK_GROWTH %; growth with calls would be a leak)" ""
else keep 4; fi
source perf/robustness_faults.sh

{
  echo "# Robustness report"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); loopback only"
  echo "- regenerate: \`FUZZ_S=$FUZZ_S CAP=$CAP OVER_S=$OVER_S LEAK_CALLS=$LEAK_CALLS perf/robustness.sh\` (this run: PHASES=\"$PHASES\"; sections of phases not run are kept from the previous report)"
  echo "- faults (tests, run by \`cargo test\`): a vanished peer is ended by the media timeout with a BYE to both legs (tests/gateway.rs), an unresponsive callee gives the caller 408 (tests/gateway.rs), a UAS whose 2xx is never ACKed hangs up after 64·T1 and calls complete under 30 % signalling loss in simulated time (tests/scenarios.rs)"
  echo
  printf '%s\n' "${REPORT[@]}"
} >"$OUT"
cat "$OUT"
