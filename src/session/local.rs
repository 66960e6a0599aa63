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
    /// `SIP/2.0/UDP host:port;branch=z9hG4bK`, and the TCP one.
    via: [String; 2],
    /// `<sip:user@host:port>`, and the TCP one.
    contact: [String; 2],
}

fn index(t: TransportKind) -> usize {
    usize::from(t == TransportKind::Tcp)
}

impl LocalText {
    pub fn new(cfg: &UaConfig) -> Self {
        let (local, user) = (cfg.local, &cfg.user);
        let via = |t: TransportKind| format!("SIP/2.0/{t} {local};branch={}", sip::MAGIC_COOKIE);
        LocalText {
            ip: local.ip().to_string(),
            hostport: local.to_string(),
            via: [via(TransportKind::Udp), via(TransportKind::Tcp)],
            contact: [
                format!("<sip:{user}@{local}>"),
                format!("<sip:{user}@{local};transport=tcp>"),
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
