//! A call's record while the call is up: what becomes its
//! [`CallRecord`] when every leg has ended and the media plane has
//! reported. 32 bytes, a word per part most calls fill only at their end:
//! every call up holds one, in a table sized to a power of two.

use super::record::{CallRecord, LegRecord};
use crate::media::LegStats;
use thin_vec::ThinVec;

/// An open record.
#[derive(Debug, Default)]
pub(super) struct OpenRecord {
    /// The legs that have ended, the incoming one first.
    pub legs: ThinVec<LegRecord>,
    /// The cluster nodes that ran it, first first.
    pub nodes: ThinVec<String>,
    /// The media plane's final counts, if reported while a leg was up.
    pub media: Option<Box<[Option<LegStats>; 2]>>,
    /// Legs not yet ended.
    pub open_legs: u32,
    /// The media plane was told to remove the call and has not reported.
    pub media_pending: bool,
}

impl OpenRecord {
    /// The finished record, its legs' media counts from `media` (media
    /// leg A is the incoming leg, or an echo's only one).
    pub fn finish(self, media: [Option<LegStats>; 2]) -> CallRecord {
        let mut legs = Vec::from(self.legs);
        let answered = legs.iter().filter_map(|l| l.answer_ms).min();
        let ended = legs.iter().map(|l| l.end_ms).min().unwrap_or(0);
        let single = legs.len() == 1;
        for leg in &mut legs {
            let side = usize::from(leg.direction == "out" && !single);
            if let Some(s) = media[side] {
                (leg.rtp_in, leg.rtp_out, leg.rtp_lost) = (s.rx.packets, s.tx_packets, s.rx.lost());
                leg.jitter_ms = (s.rx.jitter_ms() * 100.0).round() / 100.0;
            }
        }
        CallRecord {
            duration_s: answered.map_or(0.0, |a| ended.saturating_sub(a) as f64 / 1000.0),
            legs,
            nodes: Vec::from(self.nodes),
        }
    }
}

const _: () = assert!(std::mem::size_of::<OpenRecord>() == 32);
