//! Our own address as text, formatted once: every Via, Contact and Call-ID
//! we write carries it, and formatting an address through `fmt` each time
//! cost ~4 % of a bridged call's CPU.

use super::UaConfig;
use crate::ids::TransportKind;
use crate::sip;

/// The fixed parts of what we write about ourselves.
#[derive(Debug, Clone)]
pub(super) struct LocalText {
    /// Our IP address (Call-IDs).
    pub ip: String,
    /// Our `host:port` (From).
    pub hostport: String,
    /// `SIP/2.0/UDP host:port;branch=z9hG4bK`, the TCP and the TLS one.
    via: [String; 3],
    /// `<sip:user@host:port>`, the TCP and the TLS one.
    contact: [String; 3],
}

fn index(t: TransportKind) -> usize {
    match t {
        TransportKind::Udp => 0,
        TransportKind::Tcp => 1,
        TransportKind::Tls => 2,
    }
}

impl LocalText {
    pub fn new(cfg: &UaConfig) -> Self {
        let (local, user) = (cfg.local, &cfg.user);
        // TLS listens on a port of its own (the UDP/TCP one if none).
        let tls = cfg.tls_local.unwrap_or(local);
        let via = |t: TransportKind, at| format!("SIP/2.0/{t} {at};branch={}", sip::MAGIC_COOKIE);
        LocalText {
            ip: local.ip().to_string(),
            hostport: local.to_string(),
            via: [
                via(TransportKind::Udp, local),
                via(TransportKind::Tcp, local),
                via(TransportKind::Tls, tls),
            ],
            contact: [
                format!("<sip:{user}@{local}>"),
                format!("<sip:{user}@{local};transport=tcp>"),
                format!("<sip:{user}@{tls};transport=tls>"),
            ],
        }
    }

    /// A Via value over `t` with a fresh `branch` token.
    pub fn via(&self, t: TransportKind, branch: &str) -> String {
        let prefix = &self.via[index(t)];
        let mut v = String::with_capacity(prefix.len() + branch.len() + 6);
        v.push_str(prefix);
        v.push_str(branch);
        v.push_str(";rport");
        v
    }

    /// Our Contact over `t`.
    pub fn contact(&self, t: TransportKind) -> String {
        self.contact[index(t)].clone()
    }
}
