//! Batched UDP I/O over plain descriptors, shared by the media workers
//! (RTP) and the signalling driver (SIP): one `recvmmsg` reads every
//! datagram a socket has ready, one `sendmmsg` sends what one round of
//! input produced. Buffers and kernel headers are allocated once and
//! reused. socket2 has neither call, hence libc; nor the socket options
//! in `options`. Knows nothing of RTP or SIP.

mod options;
mod recv;
mod send;

pub use options::{count_drops, size_buffers, stamp_arrivals};
pub use recv::{RecvBatch, realtime_ns};
pub use send::SendBatch;
