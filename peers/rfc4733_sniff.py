#!/usr/bin/env python3
"""The RFC 4733 digits in the RTP sent to a range of UDP ports on the
loopback, as a capture would show them (a raw AF_PACKET socket on lo, run
as root; no tshark needed), and whether the stream carrying them is one a
decoder takes.

Usage: rfc4733_sniff.py PORT_MIN PORT_MAX SECONDS [PT]

Prints "capturing" once the socket is open, then captures until SECONDS
have passed or it gets SIGTERM, and prints one line:

  rtp N streams S events D ends E marked M gaps G ssrcs K

N: RTP packets sent to a port in [PORT_MIN, PORT_MAX]; S: the ports they
went to; D: the digits of the telephone-event packets (payload type PT,
default 101), one per event (its RTP timestamp), in order; E: the end
packets (E bit) of each event, comma-separated; M: for each event, 1 if
its first packet carries the marker bit and no later one does, else 0; G:
sequence numbers that did not follow the previous packet's on the same
port (0 for a stream with no gap, clash or reordering); K: the SSRCs seen
per port (1 each: events and voice in one stream).
"""
import signal
import socket
import struct
import sys
import time

lo, hi, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
te = int(sys.argv[4]) if len(sys.argv) > 4 else 101
stop = False
signal.signal(signal.SIGTERM, lambda *_: globals().update(stop=True))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
s.bind(("lo", 0))
s.settimeout(0.2)
print("capturing", flush=True)
packets = []  # (port, seq, ssrc, pt, marker, ts, payload)
end = time.monotonic() + secs
while not stop and time.monotonic() < end:
    try:
        frame, meta = s.recvfrom(65535)
    except (socket.timeout, InterruptedError):
        continue
    if meta[2] == socket.PACKET_OUTGOING:  # lo shows each frame twice
        continue
    ip = frame[14:]
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
        continue
    ihl = (ip[0] & 15) * 4
    port = struct.unpack("!H", ip[ihl + 2:ihl + 4])[0]
    pkt = ip[ihl + 8:]
    if not lo <= port <= hi or len(pkt) < 12 or pkt[0] >> 6 != 2:
        continue
    seq, ts, ssrc = struct.unpack("!HII", pkt[2:12])
    packets.append((port, seq, ssrc, pkt[1] & 0x7F, pkt[1] >> 7, ts, pkt[12:]))

KEYS = "0123456789*#ABCD"
events = []  # [ts, digit, ends, marks]
gaps, last, ssrcs = 0, {}, {}
for port, seq, ssrc, pt, marker, ts, payload in packets:
    if port in last and seq != (last[port] + 1) & 0xFFFF:
        gaps += 1
    last[port] = seq
    ssrcs.setdefault(port, set()).add(ssrc)
    if pt != te or len(payload) < 4:
        continue
    if not events or events[-1][0] != ts:
        events.append([ts, KEYS[payload[0]] if payload[0] < 16 else "?", 0, []])
    events[-1][2] += payload[1] >> 7
    events[-1][3].append(marker)
digits = "".join(e[1] for e in events)
ends = ",".join(str(e[2]) for e in events)
marked = "".join("1" if e[3][0] and not any(e[3][1:]) else "0" for e in events)
per_port = ",".join(str(len(v)) for v in ssrcs.values())
print(f"rtp {len(packets)} streams {len(last)} events {digits or '-'} ends {ends or '-'} "
      f"marked {marked or '-'} gaps {gaps} ssrcs {per_port or '-'}")
