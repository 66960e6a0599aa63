#!/usr/bin/env python3
"""The DTMF digits heard in the PCMU RTP sent to a UDP port on the
loopback, as a capture would show it (a raw AF_PACKET socket on lo, run as
root; no tshark needed).

Usage: dtmf_sniff.py PORT SECONDS

Prints "capturing" once the socket is open, then captures until SECONDS
have passed or it gets SIGTERM, and prints one line: "rtp N digits D":
the RTP packets of payload type 0 (PCMU) sent to PORT, and the digits
their audio holds. Each 160-sample packet is decoded (G.711 mu-law) and
read as the key whose row and column tones (ITU-T Q.23) both stand out
(Goertzel; each four times the next strongest of its group, at some
level); a digit counts once per run of at least two packets (a 100 ms
tone is five).
"""
import math
import signal
import socket
import struct
import sys
import time

port, secs = int(sys.argv[1]), float(sys.argv[2])
stop = False
signal.signal(signal.SIGTERM, lambda *_: globals().update(stop=True))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
s.bind(("lo", 0))
s.settimeout(0.2)
print("capturing", flush=True)
payloads = []
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
    if struct.unpack("!H", ip[ihl + 2:ihl + 4])[0] != port:
        continue
    pkt = ip[ihl + 8:]
    if len(pkt) >= 12 + 160 and pkt[0] >> 6 == 2 and pkt[1] & 0x7F == 0:
        payloads.append(pkt[12:12 + 160])


def ulaw(b):
    b = ~b & 0xFF
    t = (((b & 0x0F) << 3) + 0x84) << ((b & 0x70) >> 4)
    return 0x84 - t if b & 0x80 else t - 0x84


def power(x, f):
    w = 2 * math.cos(2 * math.pi * f / 8000)
    s1 = s2 = 0.0
    for v in x:
        s1, s2 = v + w * s1 - s2, s1
    return s1 * s1 + s2 * s2 - w * s1 * s2


def strongest(x, freqs):
    p = sorted(((power(x, f), i) for i, f in enumerate(freqs)), reverse=True)
    return p[0][1] if p[0][0] > 4 * p[1][0] else None


ROWS, COLS, KEYS = (697, 770, 852, 941), (1209, 1336, 1477, 1633), ("123A", "456B", "789C", "*0#D")
keys = []
for payload in payloads:
    x = [ulaw(b) for b in payload]
    rms = math.sqrt(sum(v * v for v in x) / len(x))
    r, c = strongest(x, ROWS), strongest(x, COLS)
    keys.append(KEYS[r][c] if rms > 1000 and r is not None and c is not None else None)
digits, run = "", 0
for i, k in enumerate(keys):
    run = run + 1 if i and keys[i - 1] == k else 1
    if k is not None and run == 2:
        digits += k
print(f"rtp {len(payloads)} digits {digits}")
