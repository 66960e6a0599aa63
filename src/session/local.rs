//! Our own address as text, formatted once: every Via, Contact and Call-ID
//! we write carries it, and formatting an address through `fmt` each time
//! cost ~4 % of a bridged call's CPU. With a second listener in the other
//! IP family, its text too: a peer is written to from the address of its
//! own family.

use super::UaConfig;
use crate::ids::TransportKind;
use crate::sip;
use std::net::{IpAddr, SocketAddr};

/// A Via value's text, on the stack when it fits.
pub type ViaText = smallvec::SmallVec<[u8; 128]>;

/// The fixed parts of what we write about ourselves.
#[derive(Debug, Clone)]
pub(super) struct LocalText {
    /// Our IP address (Call-IDs).
    pub ip: String,
    /// The texts of our main address.
    main: FamilyText,
    /// The texts of our address in the other IP family, when we have one.
    alt: Option<FamilyText>,
}

/// What we write about one of our addresses.
#[derive(Debug, Clone)]
struct FamilyText {
    /// Whether the address is IPv4.
    v4: bool,
    /// Our `host:port` (From).
    hostport: String,
    /// `SIP/2.0/UDP host:port;branch=z9hG4bK`, the TCP and the TLS one.
    via: [String; 3],
    /// `<sip:user@host:port>`, the TCP and the TLS one.
    contact: [std::sync::Arc<str>; 3],
}

fn index(t: TransportKind) -> usize {
    match t {
        TransportKind::Udp => 0,
        TransportKind::Tcp => 1,
        TransportKind::Tls => 2,
    }
}

impl FamilyText {
    /// `local` (UDP and TCP) and `tls`, as `user`.
    fn new(local: SocketAddr, tls: SocketAddr, user: &str) -> Self {
        let via = |t: TransportKind, at| format!("SIP/2.0/{t} {at};branch={}", sip::MAGIC_COOKIE);
        FamilyText {
            v4: local.is_ipv4(),
            hostport: local.to_string(),
            via: [
                via(TransportKind::Udp, local),
                via(TransportKind::Tcp, local),
                via(TransportKind::Tls, tls),
            ],
            contact: [
                format!("<sip:{user}@{local}>").into(),
                format!("<sip:{user}@{local};transport=tcp>").into(),
                format!("<sip:{user}@{tls};transport=tls>").into(),
            ],
        }
    }
}

impl LocalText {
    pub fn new(cfg: &UaConfig) -> Self {
        let (local, user) = (cfg.local, &cfg.user);
        // TLS listens on a port of its own (the UDP/TCP one if none).
        let tls = cfg.tls_local.unwrap_or(local);
        LocalText {
            ip: local.ip().to_string(),
            main: FamilyText::new(local, tls, user),
            alt: cfg
                .local_alt
                .map(|alt| FamilyText::new(alt, cfg.tls_local.unwrap_or(alt), user)),
        }
    }

    /// The texts for a peer at `peer`: of its family when we have that.
    fn of(&self, peer: IpAddr) -> &FamilyText {
        match &self.alt {
            Some(alt) if alt.v4 == peer.is_ipv4() && self.main.v4 != peer.is_ipv4() => alt,
            _ => &self.main,
        }
    }

    /// Our `host:port` as a peer at `peer` reaches it.
    pub fn hostport(&self, peer: IpAddr) -> &str {
        &self.of(peer).hostport
    }

    /// [`via`](Self::via) written into `buf` (on the stack when it fits,
    /// as ours do): for a request whose text is written at once.
    pub fn via_in<'b>(
        &self,
        t: TransportKind,
        peer: IpAddr,
        rng: &mut impl rand::Rng,
        buf: &'b mut ViaText,
    ) -> &'b str {
        buf.clear();
        buf.extend_from_slice(self.of(peer).via[index(t)].as_bytes());
        buf.extend_from_slice(&sip::token_bytes(rng));
        buf.extend_from_slice(b";rport");
        std::str::from_utf8(buf).unwrap_or_default()
    }

    /// A Via value over `t` to `peer` with a fresh branch token from `rng`.
    pub fn via(&self, t: TransportKind, peer: IpAddr, rng: &mut impl rand::Rng) -> String {
        let prefix = &self.of(peer).via[index(t)];
        let mut v = String::with_capacity(prefix.len() + 16 + 6);
        v.push_str(prefix);
        sip::push_token(&mut v, rng);
        v.push_str(";rport");
        v
    }

    /// Our Contact over `t` for a peer at `peer` (shared, not copied).
    pub fn contact(&self, t: TransportKind, peer: IpAddr) -> std::sync::Arc<str> {
        self.of(peer).contact[index(t)].clone()
    }
}
