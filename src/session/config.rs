//! Settings of the UA core.

use crate::ids::TransportKind;
use crate::sdp::{Codec, SrtpPolicy};
use crate::transaction::TimerConfig;
use std::net::{IpAddr, SocketAddr};

/// Settings of one UA core.
#[derive(Debug, Clone)]
pub struct UaConfig {
    /// The SIP address we advertise in Via and Contact.
    pub local: SocketAddr,
    /// Our SIP address in the other IP family, when we listen on both
    /// (`127.0.0.1` and `[::1]`): what we write in Via and Contact to peers of
    /// that family.
    pub local_alt: Option<SocketAddr>,
    /// Our TLS listener's address, when TLS is on: TLS targets are
    /// reachable only then (never downgraded to UDP or TCP).
    pub tls_local: Option<SocketAddr>,
    /// User part of our Contact and From.
    pub user: String,
    /// T1, T2, T4.
    pub timers: TimerConfig,
    /// Address our SDP points media at.
    pub media_addr: IpAddr,
    /// Media address in the other IP family: legs whose peers are of that
    /// family are anchored there (`None`: `local_alt`'s address, if any).
    pub media_addr_alt: Option<IpAddr>,
    /// RTP port range `[min, max)`.
    pub ports: (u16, u16),
    /// Codecs we offer and accept, in preference order.
    pub codecs: Vec<Codec>,
    /// Most concurrent calls; beyond it new INVITEs get 503.
    pub max_calls: usize,
    /// Seconds of Retry-After on a 503.
    pub retry_after: u32,
    /// Seed for tags, branches and Call-IDs.
    pub seed: u64,
    /// Media workers: the port range is sharded by worker, and a call's
    /// media goes to worker `(media owner id / shards) % media_workers`.
    pub media_workers: usize,
    /// This UA's signalling shard, of `shards`: its call ids are
    /// `shard (mod shards)`, the Call-IDs it makes hash to it, and it owns
    /// every `shards`-th port of the range.
    pub shard: usize,
    /// Signalling shards in all (1: unsharded).
    pub shards: usize,
    /// Redirects (3xx) a call of ours follows before it fails with one.
    pub max_redirects: u8,
    /// Queueing delay which, held for as long, has new INVITEs refused
    /// statelessly (503 + Retry-After) until it falls under; `None`: never.
    pub shed_delay: Option<std::time::Duration>,
    /// Digest authentication of new INVITEs (`None`: everyone is let in).
    pub auth: Option<crate::auth::AuthConfig>,
    /// Source ACLs, the treatment of untrusted sources, abuse limits.
    pub access: crate::access::AccessConfig,
    /// The registrar for inbound REGISTER (`None`: 405).
    pub registrar: Option<crate::registrar::Registrar>,
    /// Registrations to trunks this core keeps (shard 0's only).
    pub registrations: Vec<super::RegistrationConfig>,
    /// SRTP for the legs that call in, by listener.
    pub srtp: ListenerSrtp,
    /// DNS (RFC 3263): how long a lookup may take, how long a failed
    /// server is tried last (the name servers are the driver's).
    pub dns: crate::locate::DnsConfig,
    /// Session timers (RFC 4028).
    pub session_timer: SessionTimerConfig,
    /// This node's id in a cluster (issue #19): bridges are snapshotted
    /// for the replica and records name the node. `None`: no cluster.
    pub node: Option<String>,
}

impl UaConfig {
    /// The IP families we have a SIP address in.
    pub fn families(&self) -> crate::locate::Families {
        crate::locate::Families::of(self.local).with(self.local_alt)
    }

    /// Our media address for a leg to `peer` whose SDP, if we have it, is
    /// `theirs`: of the family of their media address (of `peer`'s when
    /// they have none yet, or hold with 0.0.0.0).
    pub fn leg_media_addr(&self, peer: crate::ids::Peer, theirs: Option<&crate::sdp::Sdp>) -> IpAddr {
        let at = theirs.map(|s| s.audio.addr).filter(|a| !a.is_unspecified());
        self.media_addr_for(at.unwrap_or(peer.addr.ip()))
    }

    /// Our media address for a leg whose peer is at `peer`: one of its IP
    /// family when we have one (each leg anchored in its peer's family: an
    /// IPv6 caller and an IPv4 callee each reach theirs) — `media_addr`,
    /// `media_addr_alt`, else the SIP address of that family; `media_addr`
    /// when none is.
    pub fn media_addr_for(&self, peer: IpAddr) -> IpAddr {
        let sip = [Some(self.local.ip()), self.local_alt.map(|a| a.ip())];
        [Some(self.media_addr), self.media_addr_alt]
            .into_iter()
            .chain(sip.into_iter().filter(|a| a.is_some_and(|a| !a.is_unspecified())))
            .flatten()
            .find(|a| a.is_ipv4() == peer.is_ipv4())
            .unwrap_or(self.media_addr)
    }
}

/// Session timers (RFC 4028): what our INVITEs ask for and the shortest
/// interval we accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimerConfig {
    /// The session interval our INVITEs ask for, seconds (0: none asked;
    /// a peer's request is still honoured).
    pub expires: u32,
    /// The shortest interval we accept (`Min-SE`; a shorter one gets 422),
    /// at least 90 as RFC 4028 §4 requires.
    pub min_se: u32,
}

impl Default for SessionTimerConfig {
    /// 1800 s asked (RFC 4028 §4's recommendation), 90 s accepted.
    fn default() -> Self {
        SessionTimerConfig {
            expires: 1800,
            min_se: 90,
        }
    }
}

/// SRTP for calls coming in (issue #16): a policy per listener, and
/// whether SDES keys may be answered over plaintext signalling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerSrtp {
    /// Calls over UDP and TCP.
    pub plain: SrtpPolicy,
    /// Calls over TLS.
    pub tls: SrtpPolicy,
    /// SDES keys may be answered over UDP/TCP (they are then readable by
    /// anyone on the path): off by default.
    pub sdes_in_clear: bool,
}

impl Default for ListenerSrtp {
    /// SRTP when a caller offers it over TLS; over UDP/TCP an
    /// `RTP/SAVP` offer is refused (488) rather than keys sent in clear.
    fn default() -> Self {
        ListenerSrtp {
            plain: SrtpPolicy::Optional,
            tls: SrtpPolicy::Optional,
            sdes_in_clear: false,
        }
    }
}

impl ListenerSrtp {
    /// The policy for a call arriving over `t`, and whether keys may go
    /// into its SDP.
    pub fn for_transport(&self, t: TransportKind) -> (SrtpPolicy, bool) {
        match t {
            TransportKind::Tls => (self.tls, true),
            _ => (self.plain, self.sdes_in_clear),
        }
    }
}
