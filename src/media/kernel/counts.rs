//! What the program did with the UDP packets it saw, summed over CPUs
//! (`rtp_fwd_counts`, one slot per outcome, in the order of `enum
//! fwd_count` in bpf/rtp_fwd.c).

use super::KernelError;
use aya::maps::{MapData, PerCpuArray};

/// Packets forwarded in the kernel, and passed up to the worker by cause.
/// Nothing is dropped in the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KernelCounts {
    /// Forwarded to the other leg.
    pub forwarded: u64,
    /// No entry for its destination: signalling, RTCP ports, calls
    /// relayed in user space.
    pub not_ours: u64,
    /// To a forwarded socket from another source than its latched peer
    /// (RTPBleed): the worker judges it.
    pub stranger: u64,
    /// Not RTP version 2, a truncated header, padding, or RTCP.
    pub not_rtp: u64,
    /// Another SSRC, or a payload type the entry does not map.
    pub other_ssrc: u64,
    /// IP options or a fragment.
    pub ip_unusual: u64,
    /// The route to the other peer is not one the program forwards on.
    pub no_route: u64,
}

/// Reads the program's per-CPU counters.
pub struct CountsMap(PerCpuArray<MapData, u64>);

impl CountsMap {
    /// Wraps the program's `rtp_fwd_counts` map.
    pub(super) fn new(map: aya::maps::Map) -> Result<Self, KernelError> {
        PerCpuArray::try_from(map).map(CountsMap).map_err(|e| KernelError::Map {
            name: "rtp_fwd_counts",
            reason: e.to_string(),
        })
    }

    /// The counters now, summed over CPUs.
    pub fn read(&self) -> Result<KernelCounts, KernelError> {
        let mut n = [0u64; 7];
        for (i, slot) in n.iter_mut().enumerate() {
            *slot = self.0.get(&(i as u32), 0)?.iter().sum();
        }
        let [forwarded, not_ours, stranger, not_rtp, other_ssrc, ip_unusual, no_route] = n;
        Ok(KernelCounts {
            forwarded,
            not_ours,
            stranger,
            not_rtp,
            other_ssrc,
            ip_unusual,
            no_route,
        })
    }
}
