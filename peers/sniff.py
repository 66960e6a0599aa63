#!/usr/bin/env python3
"""What crossed the loopback on a TCP port, as a capture would show it
(tshark is not needed: a raw AF_PACKET socket on lo, run as root).

Usage: sniff.py PORT SECONDS

Prints one line: "segments N tls_records M sip_in_clear K" — payload
segments to or from PORT, those that begin with a TLS record header
(content type 20-23, version 3.x), and those that carry SIP text
("SIP/2.0" or a request line) in the clear.
"""
import socket
import struct
import sys
import time

port, secs = int(sys.argv[1]), float(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
s.bind(("lo", 0))
s.settimeout(0.2)
segments = tls = clear = 0
seen = set()
end = time.monotonic() + secs
while time.monotonic() < end:
    try:
        frame = s.recv(65535)
    except socket.timeout:
        continue
    ip = frame[14:]
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
        continue
    ihl = (ip[0] & 15) * 4
    tcp = ip[ihl:]
    sport, dport = struct.unpack("!HH", tcp[:4])
    if port not in (sport, dport):
        continue
    payload = tcp[(tcp[12] >> 4) * 4:]
    if not payload:
        continue
    key = (sport, dport, struct.unpack("!I", tcp[4:8])[0], len(payload))
    if key in seen:  # lo shows each frame once per direction of the capture
        continue
    seen.add(key)
    segments += 1
    if payload[0] in (20, 21, 22, 23) and payload[1] == 3:
        tls += 1
    if b"SIP/2.0" in payload:
        clear += 1
print(f"segments {segments} tls_records {tls} sip_in_clear {clear}")
