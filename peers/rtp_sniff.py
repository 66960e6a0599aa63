#!/usr/bin/env python3
"""What crossed the loopback as RTP to or from a UDP port range, as a
capture would show it (a raw AF_PACKET socket on lo, run as root; no
tshark needed).

Usage: rtp_sniff.py LOW HIGH SECONDS

Prints one line: "rtp N plain P srtp S sizes A,B,..": RTP packets (version
2) with a port in [LOW, HIGH], those whose PCMU payload reads as audio in
the clear, those that do not (encrypted: the bytes of a 160-byte payload
take ~120 distinct values, a G.711 tone far fewer), and the packet sizes
seen. An SRTP packet also carries an authentication tag: 160 bytes of
PCMU make 172 bytes of RTP and 182 (tag of 80 bits) or 176 (32) of SRTP.
"""
import sys

from lo_udp import datagrams

low, high, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
rtp = plain = srtp = 0
sizes = {}
for sport, dport, pkt in datagrams(secs):
    if not (low <= sport <= high or low <= dport <= high):
        continue
    if len(pkt) < 12 + 160 or pkt[0] >> 6 != 2 or pkt[1] & 0x7F != 0:
        continue
    rtp += 1
    sizes[len(pkt)] = sizes.get(len(pkt), 0) + 1
    if len(set(pkt[12:172])) < 100:
        plain += 1
    else:
        srtp += 1
print(f"rtp {rtp} plain {plain} srtp {srtp} sizes {','.join(f'{k}x{v}' for k, v in sorted(sizes.items()))}")
