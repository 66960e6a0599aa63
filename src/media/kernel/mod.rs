//! The kernel fast path for plain relay (feature `kernel-fastpath`,
//! docs/kernel-fastpath.md): a TC ingress program (bpf/rtp_fwd.c) that
//! forwards a call's RTP between its legs in the kernel once user space
//! has latched both and has nothing to do to the packets but rewrite
//! addresses, ports, SSRC, numbering and payload types. [`KernelPath`]
//! loads and attaches it; a [`ForwardMap`] holds one [`ForwardEntry`]
//! per forwarded direction, with its counters; [`KernelCounts`] says
//! what was forwarded and what was passed up to the worker, by cause.

mod counts;
mod entry;
mod fast_path;
mod forward_map;
mod interfaces;
mod kernel_error;

pub use counts::{CountsMap, KernelCounts};
pub use entry::{ForwardEntry, ForwardKey, RtpRewrite};
pub use fast_path::KernelPath;
pub use forward_map::ForwardMap;
pub use interfaces::{forwards_ipv4, media_interfaces};
pub use kernel_error::KernelError;
