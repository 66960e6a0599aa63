//! Why the kernel fast path is not there.

/// The kernel refused the fast path, or part of it: the worker relays in
/// user space instead.
#[derive(Debug, thiserror::Error)]
pub enum KernelError {
    /// The object would not load: no permission (CAP_BPF and
    /// CAP_NET_ADMIN), no BTF, or a kernel without what it needs.
    #[error("loading bpf/rtp_fwd.o: {0}")]
    Load(#[from] aya::EbpfError),
    /// The verifier or the attachment refused the program.
    #[error("the TC program: {0}")]
    Program(#[from] aya::programs::ProgramError),
    /// A map of the program is missing or of another shape than
    /// src/media/kernel/entry.rs expects.
    #[error("map {name}: {reason}")]
    Map {
        /// The map's name in bpf/rtp_fwd.c.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// An entry could not be installed or removed.
    #[error("forwarding entry: {0}")]
    Entry(#[from] aya::maps::MapError),
}
