#!/usr/bin/env python3
"""Unauthenticated INVITE flood for perf/auth_flood.sh.

Usage: flood.py TARGET_PORT RATE SECONDS SOURCES

Sends RATE new INVITEs per second for SECONDS to 127.0.0.1:TARGET_PORT,
without credentials, round-robin from SOURCES sockets on their own
addresses (127.0.1.1, 127.0.1.2, ...), each INVITE a new call. It ACKs
every final response, as a UAC must (RFC 3261 §17.1.1.3), so the gateway
sees the flood a real client would send. Prints one line:
"sent N final_401 N final_other N other_statuses S".
"""
import selectors
import socket
import sys
import time

port, rate, secs, nsrc = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
target = ("127.0.0.1", port)
sel = selectors.DefaultSelector()
socks = []
for i in range(nsrc):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((f"127.0.1.{1 + i % 250}", 0))
    s.setblocking(False)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sel.register(s, selectors.EVENT_READ)
    socks.append((s, "%s:%d" % s.getsockname()))

INVITE = ("INVITE sip:{n}@127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP {src};branch=z9hG4bK-fl{n}\r\n"
          "From: <sip:flood@{src}>;tag=f{n}\r\nTo: <sip:{n}@127.0.0.1:{port}>\r\nCall-ID: flood-{n}\r\n"
          "CSeq: 1 INVITE\r\nContact: <sip:flood@{src}>\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\n"
          "Content-Length: {blen}\r\n\r\n{body}")
BODY = "v=0\r\no=- 1 1 IN IP4 127.0.1.1\r\ns=-\r\nc=IN IP4 127.0.1.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n"


def ack(resp: bytes, sock):
    """ACKs a final response: Via, From, To (with its tag), Call-ID of the response."""
    head = resp.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    keep = [h for h in head[1:] if h.split(b":", 1)[0].lower() in (b"via", b"from", b"to", b"call-id")]
    call_id = next((h.split(b":", 1)[1].strip() for h in head if h.lower().startswith(b"call-id:")), b"")
    n = call_id.split(b"-", 1)[-1].decode(errors="replace")
    lines = [f"ACK sip:{n}@127.0.0.1:{port} SIP/2.0".encode()] + keep + [b"CSeq: 1 ACK", b"Max-Forwards: 70",
                                                                        b"Content-Length: 0", b"", b""]
    sock.sendto(b"\r\n".join(lines), target)


sent = f401 = other = 0
statuses = {}
start = time.monotonic()
end = start + secs
tick = 0.005
n = 0
while True:
    now = time.monotonic()
    if now >= end + 2:  # two seconds after the last INVITE for the last answers
        break
    due = int((min(now, end) - start) * rate)
    while sent < due:
        s, src = socks[n % len(socks)]
        msg = INVITE.format(n=n, port=port, src=src, blen=len(BODY), body=BODY).encode()
        try:
            s.sendto(msg, target)
        except BlockingIOError:
            pass
        n += 1
        sent += 1
    for key, _ in sel.select(timeout=tick):
        s = key.fileobj
        while True:
            try:
                data = s.recv(65536)
            except BlockingIOError:
                break
            code = data[8:11]
            if code == b"100":
                continue
            if code == b"401" or code == b"407":
                f401 += 1
            else:
                other += 1
                statuses[code.decode()] = statuses.get(code.decode(), 0) + 1
            ack(data, s)
print(f"sent {sent} final_401 {f401} final_other {other} other_statuses {statuses or '-'}")
