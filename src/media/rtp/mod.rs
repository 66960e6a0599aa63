//! RTP and RTCP packets, parsed and rewritten in place, and the per-stream
//! receive statistics of RFC 3550 (loss, jitter). Public: what a tool
//! generating or measuring RTP needs, [`write_header`] and [`RxStats`] (in
//! [`LegStats`](super::LegStats)); the parsers and rewriters are the
//! workers' own.

pub(crate) mod header;
pub(crate) mod rtcp;
mod stats;

pub use header::write_header;
pub(crate) use header::{RtpError, RtpHeader};
pub use stats::RxStats;
