#!/usr/bin/env python3
"""The RTP a capture on lo shows going to a UDP port range with one
payload type (a raw AF_PACKET socket, run as root; no tshark needed).

Usage: opus_sniff.py LOW HIGH PT SECONDS

Prints one line: "rtp N bytes B pt P": the RTP packets (version 2) of
payload type PT (`-`: any but RTCP's) sent to a port in [LOW, HIGH], their
mean payload in bytes (a 20 ms Opus frame at R bit/s carries R / 400
bytes), and the payload types seen.
"""
import sys

from lo_udp import datagrams

low, high, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[4])
pt = None if sys.argv[3] == "-" else int(sys.argv[3])
seen = set()
n = total = 0
for _, dport, pkt in datagrams(secs):
    if not low <= dport <= high or len(pkt) < 13 or pkt[0] >> 6 != 2:
        continue
    kind = pkt[1] & 0x7F
    if kind != pt if pt is not None else 72 <= kind <= 76:
        continue
    seen.add(kind)
    n += 1
    total += len(pkt) - 12
print(f"rtp {n} bytes {total // max(n, 1)} pt {','.join(map(str, sorted(seen))) or '-'}")
