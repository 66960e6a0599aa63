//! `rvoip-rtpload`'s command line.

use clap::Parser;
use rvoip::media::{MediaIo, OpusSettings};
use std::net::SocketAddr;

#[derive(Parser, Debug)]
#[command(version, about)]
pub struct Args {
    /// Relayed calls (each: two endpoints, two relay legs).
    #[arg(long, default_value_t = 100)]
    pub calls: usize,
    /// Seconds of streaming.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Media worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub workers: usize,
    /// First relay port (even; each call takes 4 ports). Keep the ports
    /// below the kernel's ephemeral range.
    #[arg(long, default_value_t = 12000)]
    pub base_port: u16,
    /// Spread each 20 ms tick's packets over this many slots (1: a burst).
    #[arg(long, default_value_t = 1)]
    pub slots: usize,
    /// Send endpoint to endpoint, bypassing the relay (loopback baseline).
    #[arg(long)]
    pub direct: bool,
    /// Relay through rtpengine, whose ng control port is here (e.g.
    /// 127.0.0.1:2223), instead of an in-process media plane.
    #[arg(long)]
    pub rtpengine: Option<SocketAddr>,
    /// Run the relay workers at this SCHED_FIFO priority (1-99; 0: normal
    /// scheduling; needs CAP_SYS_NICE).
    #[arg(long, default_value_t = 0)]
    pub realtime: u8,
    /// The relay's process id when it is rtpengine or rvoip-gw (for its
    /// CPU time).
    #[arg(long)]
    pub relay_pid: Option<u32>,
    /// Place the calls over SIP (UDP) on the server here, e.g. a running
    /// `rvoip-gw` at 127.0.0.1:5060, instead of an in-process media plane.
    #[arg(long)]
    pub sip: Option<SocketAddr>,
    /// Request-URI of the calls with --sip (default: sip:rtpload@SERVER,
    /// which the gateway's default route answers with its echo service).
    #[arg(long)]
    pub uri: Option<String>,
    /// New calls per second with --sip.
    #[arg(long, default_value_t = 200)]
    pub cps: u32,
    /// SRTP (AES_CM_128_HMAC_SHA1_80) on each relayed call's A leg: the A
    /// endpoint protects what it sends and checks what it receives; the
    /// relay unprotects A->B and protects B->A (in-process relay only).
    #[arg(long)]
    pub srtp: bool,
    /// The in-process relay drops RTP older than this (ms since the
    /// kernel received it) instead of relaying it late; 0: never.
    #[arg(long, default_value_t = 40)]
    pub max_delay_ms: u64,
    /// The in-process relay's workers poll this long (µs) for packets
    /// without sleeping before they sleep; 0: never.
    #[arg(long, default_value_t = 0)]
    pub busy_poll_us: u64,
    /// Transcoded calls besides the relayed ones (in-process relay): A
    /// speaks PCMU, B Opus; their packets are counted, not timed (the
    /// stamp does not survive re-coding).
    #[arg(long, default_value_t = 0)]
    pub transcoded: usize,
    /// The in-process relay's transcoder threads (0: its workers
    /// transcode inline).
    #[arg(long, default_value_t = 0)]
    pub transcoders: usize,
    /// The in-process relay's Opus encoder complexity (0-10), as
    /// `media.opus_complexity`.
    #[arg(long, default_value_t = OpusSettings::default().complexity, value_parser = clap::value_parser!(u8).range(0..=10))]
    pub opus_complexity: u8,
    /// The in-process relay's Opus bitrate (bit/s; 0: libopus's choice),
    /// as `media.opus_bitrate`.
    #[arg(long, default_value_t = OpusSettings::default().bitrate)]
    pub opus_bitrate: u32,
    /// The in-process relay's socket I/O: uring or epoll.
    #[arg(long, default_value_t = MediaIo::default())]
    pub io: MediaIo,
    /// Pin the load (the sender and receiver threads) to this core once
    /// the in-process relay's workers have taken theirs (worker i on core
    /// i). `taskset` on the whole process would confine the workers to the
    /// load's core as well.
    #[arg(long)]
    pub load_core: Option<usize>,
    /// Every endpoint on one socket (in-process relay, plain calls): each
    /// slot's packets go out in `sendmmsg` batches and the relay's come
    /// back in `recvmmsg` batches, so the load tool's core can keep up with
    /// a relay core at thousands of calls (and holds 1 descriptor, not 2 a
    /// call). The relay's side is unchanged: its sockets, a pair a call.
    #[arg(long)]
    pub shared_socket: bool,
    /// The in-process relay's address (a 127.0.0.0/8 address of its own
    /// keeps its ports apart from other gateways' on a shared machine).
    #[arg(long, default_value = "127.0.0.1")]
    pub relay_ip: std::net::IpAddr,
    /// Relay through a bare relay in this process instead of the media
    /// plane: one thread on the first core the process may use, epoll,
    /// and a `recvmmsg` and a `sendmmsg` per ready socket, nothing else
    /// (normal priority whatever `--realtime` says). The floor any relay with
    /// a socket per leg pays on this machine, for the media plane's figures
    /// to be read against.
    #[arg(long)]
    pub bare: bool,
}
