"""The UDP datagrams crossing the loopback, as a capture would show them
(a raw AF_PACKET socket on lo, run as root; no tshark needed): imported
by the sniffers here (rtp_sniff.py, opus_sniff.py)."""
import socket
import struct
import time


def datagrams(secs):
    """Yields (source port, destination port, payload) of each IPv4 UDP
    datagram on lo for `secs` seconds, once each (lo shows every frame
    twice: outgoing and incoming)."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
    s.bind(("lo", 0))
    s.settimeout(0.2)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            frame, meta = s.recvfrom(65535)
        except socket.timeout:
            continue
        if meta[2] == socket.PACKET_OUTGOING:
            continue
        ip = frame[14:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        sport, dport = struct.unpack("!HH", ip[ihl:ihl + 4])
        yield sport, dport, ip[ihl + 8:]
