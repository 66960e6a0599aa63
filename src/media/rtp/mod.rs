//! RTP and RTCP packets, parsed and rewritten in place, and the per-stream
//! receive statistics of RFC 3550 (loss, jitter).

pub mod header;
pub mod rtcp;
mod stats;

pub use header::{RtpError, RtpHeader};
pub use stats::RxStats;
