//! `--sip`: the load placed over SIP, as a SIP peer would: one INVITE per
//! call to a running rvoip-gw (offering PCMU from that call's endpoint),
//! ACK, media to wherever the 200's SDP says, BYE at the end. Whatever
//! answers must send the media back (the gateway's echo service, or a route
//! to another gateway's echo), so every endpoint receives what it sent.
//! Requests are written as text, as SIPp's scenarios write them; responses
//! are parsed by rsip. Retransmission per RFC 3261 §17.1 (T1 =
//! 500 ms, doubling) until a response or 32 s.

mod text;

use crate::ng::{media_addr, sdp};
use rsip::{SipMessage, headers::UntypedHeader, message::HeadersExt};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// One call's dialog as far as the tool needs it.
#[derive(Default, Clone)]
struct Leg {
    /// Final status of the INVITE (0: none yet).
    status: u16,
    /// A provisional response arrived (INVITE retransmissions stop).
    ringing: bool,
    /// The To header of the 200 (with the tag), for ACK and BYE.
    to: String,
    /// The 200's Contact: the Request-URI of ACK and BYE.
    target: String,
    /// Where the 200's SDP asks for media.
    media: Option<SocketAddr>,
    /// The BYE was answered.
    bye_done: bool,
}

/// Calls placed through a SIP server from the endpoints' addresses.
pub struct SipCalls {
    sock: UdpSocket,
    server: SocketAddr,
    uri: String,
    local: SocketAddr,
    endpoints: Vec<SocketAddr>,
    legs: Vec<Leg>,
}

impl SipCalls {
    pub fn new(server: SocketAddr, uri: String, endpoints: Vec<SocketAddr>) -> std::io::Result<Self> {
        let sock = UdpSocket::bind("127.0.0.1:0")?;
        sock.set_read_timeout(Some(Duration::from_millis(5)))?;
        let _ = socket2::SockRef::from(&sock).set_recv_buffer_size(4 << 20);
        Ok(SipCalls {
            local: sock.local_addr()?,
            legs: vec![Leg::default(); endpoints.len()],
            sock,
            server,
            uri,
            endpoints,
        })
    }

    /// Where call `i`'s media goes, once answered.
    pub fn media(&self, i: usize) -> Option<SocketAddr> {
        self.legs[i].media
    }

    /// Calls answered with 200 (and failed: final status 300 or more, or
    /// no final status in 32 s).
    pub fn answered(&self) -> (usize, usize) {
        let ok = self.legs.iter().filter(|l| l.status == 200).count();
        (ok, self.legs.len() - ok)
    }

    /// BYEs answered.
    pub fn byes_answered(&self) -> usize {
        self.legs.iter().filter(|l| l.bye_done).count()
    }

    fn request(&self, i: usize, method: &str, cseq: u32, branch: &str, to: &str, body: &str) -> String {
        let target = &self.legs[i].target;
        let uri = if method == "INVITE" || target.is_empty() {
            &self.uri
        } else {
            target
        };
        text::request(self.local, i, method, uri, cseq, branch, to, body)
    }

    fn invite(&self, i: usize) -> String {
        let (to, body) = (format!("<{}>", self.uri), sdp(self.endpoints[i]));
        self.request(i, "INVITE", 1, &format!("z9hG4bK-rl-{i}-inv"), &to, &body)
    }

    fn send(&self, text: &str) {
        let _ = self.sock.send_to(text.as_bytes(), self.server);
    }

    /// INVITEs every call at `cps` per second, retransmitting (T1 doubling)
    /// until a response; a call with no final response 32 s after its
    /// INVITE fails with 408 (Timer B, also bounding a call left ringing).
    pub fn place(&mut self, cps: u32) {
        let start = Instant::now();
        let n = self.legs.len();
        // Per call: first INVITE, last (re)transmission, next interval.
        let mut sends = Vec::with_capacity(n);
        while self.legs.iter().any(|l| l.status == 0) {
            let now = Instant::now();
            while sends.len() < n && now >= start + Duration::from_secs_f64(sends.len() as f64 / cps.max(1) as f64) {
                self.send(&self.invite(sends.len()));
                sends.push((now, now, Duration::from_millis(500)));
            }
            for (i, (first, last, wait)) in sends.iter_mut().enumerate() {
                let leg = &self.legs[i];
                if leg.status == 0 && !leg.ringing && now >= *last + *wait {
                    self.send(&self.invite(i));
                    (*last, *wait) = (now, *wait * 2);
                }
                if leg.status == 0 && now >= *first + Duration::from_secs(32) {
                    self.legs[i].status = 408;
                }
            }
            self.receive();
        }
    }

    /// BYEs every answered call and waits (retransmitting) for the answers.
    pub fn hang_up(&mut self) {
        let start = Instant::now();
        let mut wait = Duration::from_millis(500);
        let mut last = start - wait;
        while start.elapsed() < Duration::from_secs(32) {
            let open: Vec<usize> = (0..self.legs.len())
                .filter(|&i| self.legs[i].status == 200 && !self.legs[i].bye_done)
                .collect();
            if open.is_empty() {
                break;
            }
            if last.elapsed() >= wait {
                for i in open {
                    let bye = self.request(i, "BYE", 2, &format!("z9hG4bK-rl-{i}-bye"), &self.legs[i].to, "");
                    self.send(&bye);
                }
                (last, wait) = (Instant::now(), (wait * 2).min(Duration::from_secs(4)));
            }
            self.receive();
        }
    }

    /// Handles what has arrived.
    fn receive(&mut self) {
        let mut buf = [0u8; 8192];
        while let Ok((len, from)) = self.sock.recv_from(&mut buf) {
            let Ok(msg) = SipMessage::try_from(&buf[..len]) else {
                continue;
            };
            let call_id = msg.call_id_header().map(|c| c.value().to_owned()).unwrap_or_default();
            let Some(i) = text::call_index(&call_id).filter(|&i| i < self.legs.len()) else {
                continue;
            };
            match msg {
                SipMessage::Response(r) => self.on_response(i, r),
                // The far end ends the call (media timeout, drain): 200 OK.
                SipMessage::Request(r) => {
                    let _ = self.sock.send_to(text::ok_to(&r).as_bytes(), from);
                }
            }
        }
    }

    fn on_response(&mut self, i: usize, r: rsip::Response) {
        let code = r.status_code.code();
        let method = r.cseq_header().ok().and_then(|c| c.method().ok());
        let leg = &mut self.legs[i];
        match method {
            Some(rsip::Method::Invite) if code < 200 => leg.ringing = true,
            Some(rsip::Method::Invite) => {
                if leg.status == 0 {
                    leg.status = code;
                    leg.to = text::header(&r, "To").unwrap_or_default();
                    leg.target = text::header(&r, "Contact")
                        .filter(|_| code < 300)
                        .and_then(|c| text::bracketed(&c))
                        .unwrap_or_default();
                    leg.media = media_addr(&String::from_utf8_lossy(&r.body));
                }
                // ACK: a new transaction for a 2xx, the INVITE's otherwise.
                let branch = if code < 300 {
                    format!("z9hG4bK-rl-{i}-ack")
                } else {
                    format!("z9hG4bK-rl-{i}-inv")
                };
                let ack = self.request(i, "ACK", 1, &branch, &self.legs[i].to, "");
                self.send(&ack);
            }
            Some(rsip::Method::Bye) if code >= 200 => leg.bye_done = true,
            _ => {}
        }
    }
}
