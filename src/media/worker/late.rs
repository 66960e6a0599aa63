//! Voice is late or it is lost: a packet that waited in its socket (or
//! behind the worker's other work) longer than the bound is worth less
//! than nothing to a listener, whose jitter buffer would discard it or
//! stretch to fit it, so the worker drops it, counted, instead of
//! relaying it late. The age is taken from the kernel's arrival stamp
//! (SO_TIMESTAMPNS, the stamp the added-latency histogram uses) against
//! the wall clock read once per receive batch.

use crate::media::rtp::header;
use crate::udp_batch::{RecvBatch, realtime_ns};
use std::time::Duration;

// A batch's late datagrams are a bit mask.
const _: () = assert!(RecvBatch::BATCH <= 32);

/// The latency bound of a worker's packets.
#[derive(Debug, Clone, Copy)]
pub struct LateBound {
    /// The bound in ns; 0: off.
    ns: u64,
}

impl LateBound {
    /// Packets older than `max_delay` are late (`Duration::ZERO`: none).
    pub fn new(max_delay: Duration) -> Self {
        LateBound {
            ns: max_delay.as_nanos().min(u128::from(u64::MAX)) as u64,
        }
    }

    /// Whether the bound is on (then the batch's clock is worth reading).
    pub fn is_on(&self) -> bool {
        self.ns != 0
    }

    /// Which of the `n` datagrams of `batch`'s last read, on an RTCP port
    /// or not, are late: bit `i` for datagram `i` (`n` is at most
    /// [`RecvBatch::BATCH`]); the clock read once, and not at all when off.
    pub fn stale(&self, batch: &RecvBatch, n: usize, rtcp_port: bool) -> u32 {
        if !self.is_on() {
            return 0;
        }
        let now = realtime_ns();
        (0..n).fold(0, |mask, i| {
            let late = self.is_late(batch.arrival_ns(i), now, rtcp_port, batch.bytes(i));
            mask | u32::from(late) << i
        })
    }

    /// Whether a packet that arrived at `arrived` (CLOCK_REALTIME ns, if
    /// stamped) is too old to relay at `now`. RTCP is never late (`pkt`
    /// read only then: a report is not voice, and losing it loses the
    /// figures it carries); neither is an unstamped packet.
    pub fn is_late(&self, arrived: Option<u64>, now: u64, rtcp_port: bool, pkt: &[u8]) -> bool {
        self.ns != 0 && arrived.is_some_and(|a| now.saturating_sub(a) > self.ns) && !rtcp_port && !header::is_rtcp(pkt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RTP: [u8; 12] = [0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1];
    const MUXED_RTCP: [u8; 8] = [0x80, 200, 0, 1, 0, 0, 0, 1];

    #[test]
    fn only_rtp_older_than_the_bound_is_late() {
        let b = LateBound::new(Duration::from_millis(40));
        let now = 10_000_000_000;
        assert!(
            !b.is_late(Some(now - 40_000_000), now, false, &RTP),
            "at the bound: relayed"
        );
        assert!(b.is_late(Some(now - 40_000_001), now, false, &RTP));
        assert!(
            !b.is_late(Some(now + 5), now, false, &RTP),
            "a stamp ahead of the clock is fresh"
        );
        assert!(!b.is_late(None, now, false, &RTP), "unstamped: relayed");
        assert!(!b.is_late(Some(0), now, true, &RTP), "the RTCP port is never late");
        assert!(!b.is_late(Some(0), now, false, &MUXED_RTCP), "nor muxed RTCP");
    }

    #[test]
    fn a_zero_bound_is_off() {
        let b = LateBound::new(Duration::ZERO);
        assert!(!b.is_on());
        assert!(!b.is_late(Some(0), u64::MAX, false, &RTP));
    }
}
