//! A call's RTP and RTCP written as a pcap (issue #17), for the operator
//! who wants to look in Wireshark: every datagram the media worker
//! received on the call's ports and sent from them, as on the wire (SRTP
//! stays encrypted), in an IP/UDP frame built with `etherparse` (link type
//! RAW: IPv4 and IPv6 alike) and written with `pcap-file` by a task of the
//! application's runtime, never by the worker. Wireshark shows the UDP;
//! "Decode As… RTP" (or the rtp_udp heuristic) shows the RTP.

use super::{ApiError, CallId, SipUa};
use crate::media::capture::{Packet, capture};
use crate::session::Command;
use etherparse::PacketBuilder;
use pcap_file::DataLink;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use std::io::BufWriter;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A capture in progress.
pub type Capture = super::FileTask<Captured>;

/// What a finished capture holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// The file.
    pub path: PathBuf,
    /// Packets written.
    pub packets: u64,
    /// Packets lost because the writer fell behind the call.
    pub dropped: u64,
}

impl SipUa {
    /// Writes call `id`'s media packets, both ways, to a pcap at `path`
    /// from now (or from its media's start, if it has none yet) until the
    /// call ends or [`Capture::stop`]. Needs a tokio runtime.
    pub fn capture_call(&self, id: CallId, path: impl AsRef<Path>) -> Result<Capture, ApiError> {
        let path = path.as_ref().to_path_buf();
        let fail = |e: &dyn std::fmt::Display| ApiError::Config(format!("capture {}: {e}", path.display()));
        let file = std::fs::File::create(&path).map_err(|e| fail(&e))?;
        let header = PcapHeader {
            datalink: DataLink::RAW,
            ..Default::default()
        };
        let mut pcap = PcapWriter::with_header(BufWriter::new(file), header).map_err(|e| fail(&e))?;
        let (tap, mut reader) = capture();
        self.send(Command::Capture(id, tap))?;
        Ok(Capture::spawn(|mut stop| async move {
            let (mut packets, mut frame) = (0, Vec::with_capacity(1600));
            while let Some(p) = stop.next(&mut reader).await {
                frame.clear();
                let orig = ip_frame(&p, &mut frame);
                let at = Duration::from_nanos(p.at_ns);
                let written = pcap.write_packet(&PcapPacket::new(at, orig, &frame));
                written.map_err(|e| ApiError::Config(format!("capture {}: {e}", path.display())))?;
                packets += 1;
            }
            let mut out = pcap.into_writer();
            std::io::Write::flush(&mut out)
                .map_err(|e| ApiError::Config(format!("capture {}: {e}", path.display())))?;
            Ok(Captured {
                path,
                packets,
                dropped: reader.dropped(),
            })
        }))
    }
}

impl SipUa {
    /// A gateway route's capture of call `id`, to DIR/<Unix seconds>-<the
    /// SIP Call-ID>.pcap, its outcome logged when the call ends.
    pub(super) fn capture_for_route(&self, id: CallId, dir: &Path, sip_call_id: &str) {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let safe = |c: char| {
            if c.is_ascii_alphanumeric() || "-._@".contains(c) {
                c
            } else {
                '_'
            }
        };
        let name: String = sip_call_id.chars().map(safe).take(100).collect();
        let mut path = dir.join(format!("{secs}-{name}.pcap"));
        for n in 2.. {
            if !path.exists() {
                break;
            }
            path = dir.join(format!("{secs}-{name}-{n}.pcap"));
        }
        match self.capture_call(id, &path) {
            Ok(capture) => {
                _ = tokio::spawn(async move {
                    match capture.finished().await {
                        Ok(c) => tracing::info!(path = %c.path.display(), c.packets, c.dropped, "call captured"),
                        Err(e) => tracing::warn!(%e, "call capture failed"),
                    }
                })
            }
            Err(e) => tracing::warn!(%e, "call capture not started"),
        }
    }
}

/// `p` in an IP/UDP frame written to `out` (the payload cut at the bytes
/// kept); the frame's length on the wire.
fn ip_frame(p: &Packet, out: &mut Vec<u8>) -> u32 {
    let (from, to) = (canonical(p.from), canonical(p.to));
    let builder = match (from.ip(), to.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => PacketBuilder::ipv4(s.octets(), d.octets(), 64),
        (s, d) => PacketBuilder::ipv6(v6(s).octets(), v6(d).octets(), 64),
    };
    let builder = builder.udp(from.port(), to.port());
    let headers = builder.size(0);
    let _ = builder.write(out, p.data());
    (headers + p.len) as u32
}

/// A v4-mapped IPv6 address as the IPv4 it is.
fn canonical(a: SocketAddr) -> SocketAddr {
    SocketAddr::new(a.ip().to_canonical(), a.port())
}

fn v6(ip: IpAddr) -> std::net::Ipv6Addr {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
    }
}
