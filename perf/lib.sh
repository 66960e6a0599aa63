# Shared by the perf scripts (sourced): a free loopback UDP port, and the
# last line of a SIPp -trace_stat file as "created ok failed retrans unexpected".
port() { python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
stats() {
  python3 - "$1" <<'PY'
import sys
rows=[l.strip().split(';') for l in open(sys.argv[1]) if l.strip()]
h,last=rows[0],rows[-1]
g=lambda k:last[h.index(k)]
print(g('TotalCallCreated'), g('SuccessfulCall(C)'), g('FailedCall(C)'), g('Retransmissions(C)'), g('FailedUnexpectedMessage(C)'))
PY
}
