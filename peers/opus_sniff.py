#!/usr/bin/env python3
"""The RTP a capture on lo shows going to a UDP port range with one
payload type (a raw AF_PACKET socket, run as root; no tshark needed).

Usage: opus_sniff.py LOW HIGH PT SECONDS

Prints one line: "rtp N bytes B pt P": the RTP packets (version 2) of
payload type PT (`-`: any but RTCP's) sent to a port in [LOW, HIGH], their
mean payload in bytes (a 20 ms Opus frame at R bit/s carries R / 400
bytes), and the payload types seen.
"""
import socket
import struct
import sys
import time

low, high, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[4])
pt = None if sys.argv[3] == "-" else int(sys.argv[3])
seen = set()
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
s.bind(("lo", 0))
s.settimeout(0.2)
n = total = 0
end = time.monotonic() + secs
while time.monotonic() < end:
    try:
        frame, meta = s.recvfrom(65535)
    except socket.timeout:
        continue
    if meta[2] == socket.PACKET_OUTGOING:  # lo shows each frame twice
        continue
    ip = frame[14:]
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
        continue
    ihl = (ip[0] & 15) * 4
    dport = struct.unpack("!H", ip[ihl + 2:ihl + 4])[0]
    pkt = ip[ihl + 8:]
    if not low <= dport <= high or len(pkt) < 13 or pkt[0] >> 6 != 2:
        continue
    kind = pkt[1] & 0x7F
    if kind != pt if pt is not None else 72 <= kind <= 76:
        continue
    seen.add(kind)
    n += 1
    total += len(pkt) - 12
print(f"rtp {n} bytes {total // max(n, 1)} pt {','.join(map(str, sorted(seen))) or '-'}")
