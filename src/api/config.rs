//! Settings of servers and clients.

use crate::transaction::TimerConfig;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

/// RFC 3261 timer bases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timers {
    /// T1 (default 500 ms).
    pub t1: Duration,
    /// T2 (default 4 s).
    pub t2: Duration,
    /// T4 (default 5 s).
    pub t4: Duration,
}

impl Default for Timers {
    fn default() -> Self {
        let t = TimerConfig::default();
        Timers {
            t1: t.t1,
            t2: t.t2,
            t4: t.t4,
        }
    }
}

/// A SIP server: where it listens and what it accepts.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// SIP address (UDP always; TCP too when `tcp`). Port 0 picks a free one.
    pub sip_addr: SocketAddr,
    /// A second SIP address, in the other IP family (`[::1]:5060` beside
    /// `127.0.0.1:5060`): UDP, and TCP when `tcp`. Each peer is written to
    /// from the address of its own family, and its media anchored there.
    pub sip_addr_alt: Option<SocketAddr>,
    /// Listen on TCP.
    pub tcp: bool,
    /// Address our SDP advertises for media.
    pub media_addr: IpAddr,
    /// Media address in the other IP family, for legs whose peers are of
    /// it (`None`: `sip_addr_alt`'s address).
    pub media_addr_alt: Option<IpAddr>,
    /// RTP port range `[min, max)`.
    pub rtp_ports: (u16, u16),
    /// Timer bases.
    pub timers: Timers,
    /// Most concurrent calls before 503.
    pub max_calls: usize,
    /// User part of our Contact.
    pub user: String,
    /// Codec preference: names from `PCMU`, `PCMA`, `opus`.
    pub codecs: Vec<String>,
    /// TCP idle timeout.
    pub tcp_idle: Duration,
    /// Most TCP connections.
    pub tcp_max: usize,
    /// Seed for tags and branches (`None`: from the clock).
    pub seed: Option<u64>,
    /// Media worker threads (0: one per core).
    pub media_workers: usize,
    /// SCHED_FIFO priority of the media workers (1–99; 0: normal). Needs
    /// CAP_SYS_NICE; refused, the workers say so once and run normally.
    pub media_realtime: u8,
    /// Signalling threads, each owning the calls whose Call-ID hashes to
    /// it (0: one per core; 1: the caller's tokio runtime runs it all).
    pub sip_threads: usize,
    /// No RTP for this long on an echoed call ends it with BYE.
    pub media_timeout: Duration,
    /// RTP that waited longer than this since it arrived is dropped, not
    /// relayed late (`Duration::ZERO`: never; media sockets then get
    /// throughput-sized buffers).
    pub media_max_delay: Duration,
    /// Transcoder threads re-coding transcoded calls' voice, so that no
    /// encode runs on a media worker in front of relayed packets (0: the
    /// workers transcode inline; `media.transcoders`).
    pub media_transcoders: usize,
    /// How Opus is encoded for transcoded calls and API audio: complexity
    /// and bitrate (`media.opus_complexity`, `media.opus_bitrate`).
    pub media_opus: crate::media::OpusSettings,
    /// How media workers read and write their sockets: io_uring or epoll
    /// (io_uring refused by the kernel: epoll, said once).
    pub media_io: crate::media::MediaIo,
    /// Whether plain relay is offloaded to the kernel (feature
    /// `kernel-fastpath`; refused or not built: user space, said once).
    pub media_kernel: crate::media::MediaKernel,
    /// Redirects (3xx) an outgoing call follows (RFC 3261 §8.1.3.4) before
    /// it fails with one; 0: never.
    pub max_redirects: u8,
    /// Queueing delay of SIP datagrams which, held for as long, has new
    /// INVITEs answered with a stateless 503 + Retry-After until it falls
    /// under (`None`: never).
    pub shed_delay: Option<Duration>,
    /// Digest authentication of new INVITEs (`None`: everyone may call).
    pub auth: Option<super::Auth>,
    /// Source ACLs, the treatment of untrusted sources, abuse limits.
    pub access: super::AccessConfig,
    /// Registrations to trunks to keep (RFC 3261 §10): registered at
    /// start, refreshed, removed on drain.
    pub registrations: Vec<super::RegistrationConfig>,
    /// A registrar for inbound REGISTER with these limits (`None`: 405);
    /// it authenticates with `auth` like a new call.
    pub registrar: Option<super::RegistrarConfig>,
    /// TLS (`None`: off; `sips:` and `;transport=tls` targets then fail).
    pub tls: Option<super::TlsConfig>,
    /// A node of a cluster (issue #19): calls replicated to Redis, a dead
    /// node's calls taken over. `None`: a node alone.
    pub cluster: Option<crate::cluster::ClusterConfig>,
    /// SRTP for calls coming in, by listener (default: when offered over
    /// TLS; an `RTP/SAVP` offer over UDP/TCP is refused with 488).
    pub srtp: super::ListenerSrtp,
    /// DNS for targets that name hosts (RFC 3263): name servers (default:
    /// the system's), lookup time, how long a failed server is tried last.
    pub dns: super::DnsConfig,
    /// Session timers (RFC 4028): the interval our INVITEs ask for, the
    /// shortest we accept.
    pub session_timer: super::SessionTimerConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            sip_addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 5060),
            sip_addr_alt: None,
            tcp: true,
            media_addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
            media_addr_alt: None,
            rtp_ports: (10000, 32000),
            timers: Timers::default(),
            max_calls: 20000,
            user: "rvoip".into(),
            codecs: vec!["PCMU".into(), "PCMA".into(), "opus".into()],
            tcp_idle: Duration::from_secs(300),
            tcp_max: 10000,
            seed: None,
            media_workers: 0,
            media_realtime: 0,
            sip_threads: 1,
            media_timeout: Duration::from_secs(30),
            media_max_delay: Duration::from_millis(40),
            media_transcoders: 0,
            media_opus: Default::default(),
            media_io: Default::default(),
            media_kernel: Default::default(),
            max_redirects: 3,
            shed_delay: None,
            auth: None,
            access: Default::default(),
            registrations: Vec::new(),
            registrar: None,
            tls: None,
            cluster: None,
            srtp: Default::default(),
            dns: Default::default(),
            session_timer: Default::default(),
        }
    }
}
