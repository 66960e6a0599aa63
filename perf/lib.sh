# Shared by the perf scripts, peers/run.sh and sipp/run.sh (sourced): a
# free loopback port (UDP and TCP; `quiet_port`: outside the ephemeral
# range), test TLS certificates, and the
# last line of a SIPp -trace_stat file as "created ok failed retrans unexpected".
port() {
  python3 - <<'PY'
import socket
while True:  # free for UDP and TCP alike (rvoip-gw listens on both)
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
PY
}
quiet_port() { # a port free for UDP and TCP above the kernel's ephemeral
  # range (none of its automatic picks takes it before its user binds it;
  # below the range when the range reaches 65535), handed out in turn from
  # state file $1, so that one run never gets the same port twice
  python3 - "$1" <<'PY'
import random, socket, sys
lo, hi = map(int, open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
first, last = (hi + 1, 65535) if hi < 65000 else (lo - 2000, lo - 1)
try:
    p = int(open(sys.argv[1]).read())
except (OSError, ValueError):
    p = random.randint(first, last)
for _ in range(last - first + 1):
    p = first if p > last else p
    t = socket.socket(); u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        t.bind(("127.0.0.1", p)); u.bind(("127.0.0.1", p))
        open(sys.argv[1], "w").write(str(p + 1)); print(p); break
    except OSError:
        p += 1
    finally:
        t.close(); u.close()
else:
    sys.exit("no free port above the ephemeral range")
PY
}
media_port() { # SIPp's -mp: an even port P with P..P+3 free for UDP (SIPp binds
  # audio RTP and RTCP on P and P+1, video on P+2 and P+3)
  python3 - <<'PY'
import socket
while True:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1] & ~1; s.close()
    held = []
    try:
        for q in range(p, p + 4):
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); held.append(u); u.bind(("127.0.0.1", q))
        print(p); break
    except OSError:
        pass
    finally:
        for u in held: u.close()
PY
}
stats() {
  python3 - "$1" <<'PY'
import sys
rows=[l.strip().split(';') for l in open(sys.argv[1]) if l.strip()]
h,last=rows[0],rows[-1]
g=lambda k:last[h.index(k)]
print(g('TotalCallCreated'), g('SuccessfulCall(C)'), g('FailedCall(C)'), g('Retransmissions(C)'), g('FailedUnexpectedMessage(C)'))
PY
}
# The latency rvoip-gw's media workers added per packet (kernel arrival
# stamp to sent), from its /metrics at $1: p50/p99/p999 per worker (p50 and
# p999 from gateways that export them) and the share of all packets within
# 200 µs and 1 ms.
added_latency() {
  python3 - "$1" <<'PY'
import sys, urllib.request
page = urllib.request.urlopen(f"http://{sys.argv[1]}/metrics").read().decode()
quant = {}
for line in page.splitlines():
    for q in ("p50", "p99", "p999"):
        if line.startswith(f"rvoip_media_added_latency_{q}_seconds{{"):
            w = line.split('"')[1]; quant.setdefault(w, {})[q] = float(line.split()[-1]) * 1e6
rows = [f"worker {w}: " + " ".join(f"{q} {v:.0f} µs" for q, v in qs.items()) for w, qs in sorted(quant.items())]
buckets = {}
for line in page.splitlines():
    if line.startswith("rvoip_media_added_latency_seconds_bucket{"):
        le = line.split('le="')[1].split('"')[0]; buckets[le] = buckets.get(le, 0) + int(line.split()[-1])
total = buckets.get("+Inf", 0)
share = lambda le: 100 * buckets.get(le, 0) / max(total, 1)
print("; ".join(rows) + f"; all workers: {share('0.0002'):.3f} % of {total} packets within 200 µs, {share('0.001'):.3f} % within 1 ms")
PY
}
# make_pki DIR: a test CA (ca.pem) and a certificate for 127.0.0.1 it
# signs (cert.pem, key.pem), made with openssl; no key is kept in the repo.
make_pki() {
  ( cd "$1" && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem \
      -days 1 -subj /CN=rvoip-test-ca && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout key.pem -out leaf.csr -subj /CN=127.0.0.1 &&
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >ext.cnf &&
    openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out cert.pem -days 1 -extfile ext.cnf
  ) >/dev/null 2>&1
}
cpu_of() { # (before_after.sh, threads_compare.sh) CPU seconds of process $1: all threads, and its media workers' share
  python3 - "$1" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK"); total = media = 0
for t in os.listdir(f"/proc/{sys.argv[1]}/task"):
    try:
        name = open(f"/proc/{sys.argv[1]}/task/{t}/comm").read().strip()
        f = open(f"/proc/{sys.argv[1]}/task/{t}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    cpu = (int(f[11]) + int(f[12])) / tick
    total += cpu
    media += cpu if name.startswith("rvoip-media") else 0
print(total, media)
PY
}
before_target() { # (before_after, held_calls, media_per_call, stalls, transcode_capacity)
  # target/before-$1, where a git ref's build goes; the other refs' builds
  # there (a GB or two each) are removed but for the newest one, so that
  # comparisons run session after session do not fill the disk
  ls -dt "$ROOT"/target/before-* 2>/dev/null | grep -vx "$ROOT/target/before-$1" | tail -n +2 | xargs -r rm -rf
  echo "$ROOT/target/before-$1"
}
