# Sourced by sipp/run.sh: IPv6 (issue #18 item 8). One rvoip-gw listens on
# [::1] and 127.0.0.1 (`--sip` twice) and bridges between the families:
# SIPp UAC over IPv6 (UDP, TCP) -> rvoip-gw -> SIPp UAS on 127.0.0.1;
# SIPp UAC on 127.0.0.1 -> rvoip-gw -> SIPp UAS on [::1] (an IPv6 route
# target, sip:[::1]:PORT); and SIPp UAC over IPv6 streaming RTP
# (rtp_stream, `-mi ::1`) to a SIPp UAS on 127.0.0.1 streaming back, whose
# packets the gateway relays between its IPv6 and its IPv4 leg (its
# rtp_in/rtp_out counters, read from the status line at the end). Uses
# run.sh's GW, WORK, S, free_port and record. Skipped, saying so, on a host
# without an IPv6 loopback.

if ! python3 -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))' 2>/dev/null; then
  echo "sipp/ipv6.sh: SKIPPED: no IPv6 loopback [::1] on this host"
  return 0
fi

# A port free for UDP and TCP on [::1].
free_port6() {
  python3 - <<'PY'
import socket
while True:
    t = socket.socket(socket.AF_INET6); t.bind(("::1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        u.bind(("::1", p)); print(p); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
PY
}

# A second of 1 kHz tone, G.711 u-law, for rtp_stream (as perf/b2bua_load.sh).
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

V6_PORT=$(free_port6); V4_PORT=$(free_port)
U4=$(free_port); U4_TCP=$(free_port); U6=$(free_port6); U4_RTP=$(free_port)
cat >"$WORK/ipv6.toml" <<EOF
[media]
address = ["::1", "127.0.0.1"]
port_min = 31000
port_max = 32000
[[routes]]
user_prefix = "tcp"
target = "sip:127.0.0.1:$U4_TCP"
transport = "tcp"
[[routes]]
user_prefix = "six"
target = "sip:[::1]:$U6"
[[routes]]
user_prefix = "rtp"
target = "sip:127.0.0.1:$U4_RTP"
[[routes]]
user_prefix = ""
target = "sip:127.0.0.1:$U4"
EOF
"$GW" --sip "[::1]:$V6_PORT" --sip "127.0.0.1:$V4_PORT" --config "$WORK/ipv6.toml" --log-level warn \
  2>"$WORK/ipv6-gw.log" &
V6_PID=$!
trap 'kill $GW_PID ${B2B_PID:-} ${AUTH_PID:-} $V6_PID 2>/dev/null; pkill -P $$ sipp 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do grep -q listening "$WORK/ipv6-gw.log" && break; sleep 0.1; done

# v6_uas NAME IP PORT CALLS SIPP-ARGS...: a SIPp UAS in the background.
V6_NAMES=(); V6_PIDS=()
v6_uas() {
  local name=$1 ip=$2 port=$3 calls=$4; shift 4
  local dir="$WORK/$name"; mkdir -p "$dir"; cp "$WORK/tone.ulaw" "$dir/"
  ( cd "$dir" && timeout 150 sipp -i "$ip" -p "$port" -m "$calls" -nostdin -timeout 120s \
      -trace_stat -stf stat.csv -fd 1 -trace_err "$@" >sipp.out 2>&1 ) &
  V6_PIDS+=($!); V6_NAMES+=("$name")
}
# v6_uac NAME CALLS REMOTE LOCAL-IP LOCAL-PORT SIPP-ARGS...: a SIPp UAC case.
v6_uac() {
  local name=$1 calls=$2 remote=$3 ip=$4 lport=$5; shift 5
  local dir="$WORK/$name"; mkdir -p "$dir"; cp "$WORK/tone.ulaw" "$dir/"
  ( cd "$dir" && timeout 120 sipp "$remote" -i "$ip" -p "$lport" -m "$calls" \
      -nostdin -timeout 90s -timeout_error -trace_stat -stf stat.csv -fd 1 -trace_err "$@" >sipp.out 2>&1 )
  record "$name" $? "$dir"
}
v6_uas v6-uas-v4       127.0.0.1 "$U4"      100 -sn uas
v6_uas v6-uas-v4-tcp   127.0.0.1 "$U4_TCP"   50 -sn uas -t t1
v6_uas v6-uas-on-v6    ::1       "$U6"       50 -sn uas
v6_uas v6-uas-v4-rtp   127.0.0.1 "$U4_RTP"    5 -sf "$S/uas_rtp.xml" -mi 127.0.0.1
sleep 0.5
v6_uac v6-uac-udp      100 "[::1]:$V6_PORT" ::1 "$(free_port6)" -sn uac -r 50 -l 100
v6_uac v6-uac-tcp       50 "[::1]:$V6_PORT" ::1 "$(free_port6)" -sn uac -s tcpcall -r 50 -l 100 -t t1
v6_uac v4-uac-to-v6     50 "127.0.0.1:$V4_PORT" 127.0.0.1 "$(free_port)" -sn uac -s six -r 50 -l 100
v6_uac v6-uac-rtp        5 "[::1]:$V6_PORT" ::1 "$(free_port6)" -sf "$S/uac_rtp.xml" -s rtp -mi ::1 -d 3000 -r 5 -l 5
for i in "${!V6_PIDS[@]}"; do
  wait "${V6_PIDS[$i]}"; record "${V6_NAMES[$i]}" $? "$WORK/${V6_NAMES[$i]}"
done
kill -0 $V6_PID 2>/dev/null || { echo "rvoip-gw (IPv6) died during the suite"; FAILED=1; }

# The RTP case's packets, relayed both ways between [::1] and 127.0.0.1:
# five 3 s calls at 50 packets/s each way (~1,500 in); what came in went
# out on the other leg. The status line counts ended calls, once a second.
sleep 1.5
line=$(grep 'rtp_in=' "$WORK/ipv6-gw.log" | tail -1)
rtp_in=$(sed -n 's/.*rtp_in=\([0-9]*\).*/\1/p' <<<"$line"); rtp_out=$(sed -n 's/.*rtp_out=\([0-9]*\).*/\1/p' <<<"$line")
verdict=pass
if [ "${rtp_in:-0}" -lt 1000 ] || [ "${rtp_out:-0}" -lt $(( ${rtp_in:-0} * 95 / 100 )) ]; then
  verdict=FAIL; FAILED=1; echo "--- v6-rtp-relayed: status line: $line"
fi
RESULTS+=("$(printf '%-22s %7s %7s %7s %8s %10s  %s' v6-rtp-relayed "rtp_in=${rtp_in:-?}" "out=${rtp_out:-?}" - - - "$verdict")")
echo "    ipv6 gateway: $line"
