//! The media plane: pinned worker threads relaying and echoing RTP/RTCP
//! between the legs of calls, usable without SIP (as `rvoip-rtpload`
//! does). Start a [`MediaPlane`] with a channel for [`MediaEvent`]s,
//! [`submit`](MediaPlane::submit) [`MediaCommand`]s (a call's
//! [`LegConfig`]s; [`worker_of`] says which worker takes it), read the
//! workers' [`WorkerCounters`]. [`rtp`] has what a tool generating or
//! measuring RTP needs; [`RecvBatch`] reads a socket as the workers do.
//!
//! Inside, the packet logic is functions over `&mut [u8]` and the worker's
//! clock, testable without threads or sockets (`test_exports`).

pub mod audio;
pub mod capture;
pub(crate) mod codec;
mod command;
pub mod copies;
mod event;
#[cfg(feature = "kernel-fastpath")]
pub mod kernel;
mod placement;
mod plane;
mod plane_kernel;
pub mod rtp;
pub mod srtp;
pub(crate) mod worker;

pub use codec::AudioCodec;
/// Opus encoding, for tools that generate Opus voice (`rvoip-rtpload`).
pub use codec::opus::{OpusEncoder, OpusError, OpusSettings};
pub use command::{LegConfig, LegSrtp, MediaCommand, Side};
pub use event::{LegStats, MediaEvent};
pub use plane::{MediaConfig, MediaPlane, worker_of};
pub use worker::{LATENCY_BUCKETS_US, LatencyCounters, MediaIo, MediaKernel, WorkerConfig, WorkerCounters};

/// Batched receive and send, as the workers read and write their
/// sockets: one `recvmmsg` of up to [`RecvBatch::BATCH`] datagrams into
/// buffers allocated once, one `sendmmsg` of up to [`SendBatch::BATCH`]
/// (for tools that load the relay with the same system calls), and their
/// buffers sized past the system's ceiling where the process may.
pub use crate::udp_batch::{RecvBatch, SendBatch, size_buffers};
