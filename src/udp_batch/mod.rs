//! Batched UDP I/O over plain descriptors, shared by the media workers
//! (RTP) and the signalling driver (SIP): one `recvmmsg` reads every
//! datagram a socket has ready, one `sendmmsg` sends what one round of
//! input produced. Buffers and kernel headers are allocated once and
//! reused. socket2 has neither call, hence libc. Knows nothing of RTP or
//! SIP.

mod recv;
mod send;

pub use recv::{RecvBatch, count_drops, realtime_ns, stamp_arrivals};
pub use send::SendBatch;
