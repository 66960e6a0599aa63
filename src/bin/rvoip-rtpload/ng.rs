//! Just enough of rtpengine's ng control protocol (bencoded dictionaries
//! over UDP, each behind a cookie) to set up relayed calls on a running
//! rtpengine, so the same load runs through it for comparison. Written
//! here: no maintained crate speaks ng, and two commands need ~60 lines.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

/// Bencodes a dictionary of string values (keys sorted, as bencode wants).
fn encode(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut sorted = pairs.to_vec();
    sorted.sort();
    let mut out = b"d".to_vec();
    for (k, v) in sorted {
        for s in [k, v] {
            out.extend_from_slice(format!("{}:", s.len()).as_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
    out.push(b'e');
    out
}

/// The string value of `key` in a bencoded reply (top-level strings only).
fn lookup(reply: &[u8], key: &str) -> Option<String> {
    let needle = format!("{}:{}", key.len(), key);
    let at = reply.windows(needle.len()).position(|w| w == needle.as_bytes())? + needle.len();
    let colon = at + reply[at..].iter().position(|&b| b == b':')?;
    let len: usize = std::str::from_utf8(&reply[at..colon]).ok()?.parse().ok()?;
    let value = reply.get(colon + 1..colon + 1 + len)?;
    Some(String::from_utf8_lossy(value).into_owned())
}

/// An SDP offering PCMU from `addr`.
pub fn sdp(addr: SocketAddr) -> String {
    format!(
        "v=0\r\no=- 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\nm=audio {port} RTP/AVP 0\r\n\
         a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n",
        ip = addr.ip(),
        port = addr.port()
    )
}

/// Where an SDP says to send media.
pub fn media_addr(sdp: &str) -> Option<SocketAddr> {
    let ip = sdp.lines().find_map(|l| l.strip_prefix("c=IN IP4 "))?.trim();
    let port = sdp
        .lines()
        .find_map(|l| l.strip_prefix("m=audio "))?
        .split(' ')
        .next()?;
    format!("{ip}:{port}").parse().ok()
}

/// A control connection to rtpengine's ng port.
pub struct Ng {
    sock: UdpSocket,
    server: SocketAddr,
    cookie: u64,
}

impl Ng {
    /// Talks to rtpengine at `server`.
    pub fn new(server: SocketAddr) -> std::io::Result<Self> {
        let sock = UdpSocket::bind("127.0.0.1:0")?;
        sock.set_read_timeout(Some(Duration::from_secs(2)))?;
        Ok(Ng {
            sock,
            server,
            cookie: 0,
        })
    }

    fn request(&mut self, pairs: &[(&str, &str)]) -> Result<Vec<u8>, String> {
        self.cookie += 1;
        let mut msg = format!("{} ", self.cookie).into_bytes();
        msg.extend(encode(pairs));
        self.sock.send_to(&msg, self.server).map_err(|e| e.to_string())?;
        let mut buf = vec![0u8; 65536];
        let n = self.sock.recv(&mut buf).map_err(|e| format!("rtpengine: {e}"))?;
        let reply = buf[..n].to_vec();
        match lookup(&reply, "result").as_deref() {
            Some("ok") => Ok(reply),
            _ => Err(format!("rtpengine refused: {}", String::from_utf8_lossy(&reply))),
        }
    }

    /// Sets up call `id` between endpoints `a` and `b`; returns where `a`
    /// must send (relayed to `b`) and where `b` must send.
    pub fn relay(&mut self, id: usize, a: SocketAddr, b: SocketAddr) -> Result<(SocketAddr, SocketAddr), String> {
        let call_id = format!("rvoip-rtpload-{}-{id}", std::process::id());
        let ids = [("call-id", call_id.as_str()), ("from-tag", "a")];
        let for_b = self.sdp_request("offer", &ids, a)?;
        let for_a = self.sdp_request("answer", &[ids[0], ids[1], ("to-tag", "b")], b)?;
        Ok((for_a, for_b))
    }

    /// Sends `command` with `ids` and an SDP for `from`; returns where the
    /// SDP in the reply says to send.
    fn sdp_request(&mut self, command: &str, ids: &[(&str, &str)], from: SocketAddr) -> Result<SocketAddr, String> {
        let body = sdp(from);
        let mut pairs = vec![("command", command), ("sdp", body.as_str())];
        pairs.extend_from_slice(ids);
        let reply = self.request(&pairs)?;
        lookup(&reply, "sdp")
            .and_then(|s| media_addr(&s))
            .ok_or_else(|| format!("no SDP in the {command} reply"))
    }
}
