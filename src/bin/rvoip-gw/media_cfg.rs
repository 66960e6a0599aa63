//! `[media]`: where the media are anchored, the RTP ports, the codecs,
//! the workers, how late a packet may be, and how sockets are read.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Media {
    /// One address, or one per IP family.
    pub address: crate::listen::Strings,
    pub port_min: u16,
    pub port_max: u16,
    pub codecs: Vec<String>,
    pub workers: usize,
    pub realtime_priority: u8,
    pub timeout_secs: u64,
    pub max_delay_ms: u64,
    /// Transcoder threads; 0 = inline on the workers.
    pub transcoders: usize,
    /// Opus encoder complexity, 0-10.
    pub opus_complexity: u8,
    /// Opus target bitrate, bit/s (0: libopus's choice).
    pub opus_bitrate: u32,
    /// "uring" or "epoll".
    pub io: String,
    /// "off" or "auto" (the kernel fast path).
    pub kernel: String,
}

impl Media {
    /// Warns once at start when the RTP ports overlap the kernel's
    /// ephemeral ports (`net.ipv4.ip_local_port_range`, less
    /// `ip_local_reserved_ports`): any outgoing socket on the machine may
    /// take a port a call is then given, and that call ends.
    pub fn warn_ephemeral(&self) {
        let read = |key: &str| std::fs::read_to_string(format!("/proc/sys/net/ipv4/{key}")).ok();
        let Some(eph) = read("ip_local_port_range").and_then(|s| port_range(&s)) else {
            return;
        };
        let reserved = read("ip_local_reserved_ports").unwrap_or_default();
        let n = exposed((self.port_min, self.port_max), eph, &reserved);
        if n > 0 {
            tracing::warn!(
                "media.port_min..media.port_max ({}-{}) has {n} ports inside the kernel's ephemeral range {}-{} \
                 (net.ipv4.ip_local_port_range): an outgoing socket may take one, and a call given it is ended \
                 (media_bind_failed); move the range below {} or reserve it (net.ipv4.ip_local_reserved_ports)",
                self.port_min,
                self.port_max,
                eph.0,
                eph.1,
                eph.0
            );
        }
    }
}

/// "32768\t60999" as (32768, 60999).
fn port_range(s: &str) -> Option<(u16, u16)> {
    let mut it = s.split_whitespace().map(str::parse::<u16>);
    Some((it.next()?.ok()?, it.next()?.ok()?))
}

/// RTP and RTCP ports of `[min, max)` inside the inclusive `eph` and not in
/// `reserved` ("8080,10000-10005").
fn exposed((min, max): (u16, u16), eph: (u16, u16), reserved: &str) -> usize {
    let held: Vec<(u16, u16)> = reserved
        .trim()
        .split(',')
        .filter_map(|r| match r.split_once('-') {
            Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
            None => r.trim().parse().ok().map(|p| (p, p)),
        })
        .collect();
    (min..max)
        .filter(|p| (eph.0..=eph.1).contains(p) && !held.iter().any(|&(a, b)| (a..=b).contains(p)))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_inside_the_ephemeral_range_are_counted_less_the_reserved() {
        assert_eq!(port_range("32768\t60999\n"), Some((32768, 60999)));
        assert_eq!(exposed((10000, 32000), (32768, 60999), ""), 0);
        assert_eq!(exposed((32000, 33000), (32768, 60999), "\n"), 232);
        assert_eq!(exposed((40000, 40100), (32768, 60999), "40000-40049,40099"), 49);
        assert_eq!(exposed((40000, 40100), (32768, 60999), "40000-40099"), 0);
    }
}
