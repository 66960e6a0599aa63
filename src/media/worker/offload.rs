//! The worker's share of the kernel fast path (feature `kernel-fastpath`,
//! `media.kernel = "auto"`): every check (250 ms) it installs the
//! directions of its calls that have become plain relay, and reads what
//! the kernel forwarded for the counters and the media timeout; before it
//! handles a packet or a command that the kernel's copy of the stream
//! would make wrong (a new SSRC from the latched peer, a new source
//! taking a leg over, a re-INVITE, hold, capture, digits, hangup) it takes
//! the call's directions back, its streams going on after what the kernel
//! sent.

#[cfg(feature = "kernel-fastpath")]
mod kernel_offload;
#[cfg(feature = "kernel-fastpath")]
mod sweep;

#[cfg(feature = "kernel-fastpath")]
pub use kernel_offload::KernelOffload;

/// What a worker holds of the fast path: its calls' forwarded
/// directions, when the kernel took the program.
#[cfg(feature = "kernel-fastpath")]
pub type OffloadSlot = Option<Box<KernelOffload>>;
/// What a worker holds of the fast path: nothing in this build.
#[cfg(not(feature = "kernel-fastpath"))]
pub type OffloadSlot = ();
