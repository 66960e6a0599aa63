//! The program in the kernel: bpf/rtp_fwd.c (built by build.rs with
//! clang) loaded with aya and attached at TC ingress of the interfaces
//! media arrives on. Dropping a [`KernelPath`] detaches it.

use super::KernelError;
use super::counts::CountsMap;
use super::forward_map::ForwardMap;
use aya::programs::{SchedClassifier, TcAttachType, tc};
use aya::{Ebpf, include_bytes_aligned};

/// The object clang made of bpf/rtp_fwd.c.
static OBJECT: &[u8] = include_bytes_aligned!(concat!(env!("OUT_DIR"), "/rtp_fwd.o"));
/// The classifier's name in bpf/rtp_fwd.c.
const PROGRAM: &str = "rtp_fwd_ingress";

/// The loaded program and its maps.
pub struct KernelPath {
    ebpf: Ebpf,
    forward: ForwardMap,
    counts: CountsMap,
}

impl KernelPath {
    /// Loads the program into the kernel (verified, not yet attached).
    /// Fails without CAP_BPF/CAP_NET_ADMIN, BTF or a recent enough
    /// kernel: the caller says so once and relays in user space.
    pub fn load() -> Result<KernelPath, KernelError> {
        let mut ebpf = Ebpf::load(OBJECT)?;
        let prog: &mut SchedClassifier = program(&mut ebpf)?;
        prog.load()?;
        let missing = |name| KernelError::Map {
            name,
            reason: "not in the object".into(),
        };
        let forward = ForwardMap::new(ebpf.take_map("rtp_fwd").ok_or_else(|| missing("rtp_fwd"))?)?;
        let counts = CountsMap::new(
            ebpf.take_map("rtp_fwd_counts")
                .ok_or_else(|| missing("rtp_fwd_counts"))?,
        )?;
        Ok(KernelPath { ebpf, forward, counts })
    }

    /// Attaches the program at ingress of interface `ifname` (in the
    /// calling thread's network namespace): TCX on Linux 6.6 and later,
    /// else a clsact qdisc's filter (the qdisc is added if missing).
    pub fn attach(&mut self, ifname: &str) -> Result<(), KernelError> {
        // Only the netlink attachment needs the qdisc; it may be there.
        let _ = tc::qdisc_add_clsact(ifname);
        program(&mut self.ebpf)?.attach(ifname, TcAttachType::Ingress)?;
        Ok(())
    }

    /// The forwarding entries.
    pub fn forward(&mut self) -> &mut ForwardMap {
        &mut self.forward
    }

    /// What the program did with the packets it saw.
    pub fn counts(&self) -> &CountsMap {
        &self.counts
    }
}

fn program(ebpf: &mut Ebpf) -> Result<&mut SchedClassifier, KernelError> {
    let prog = ebpf.program_mut(PROGRAM).ok_or_else(|| KernelError::Map {
        name: PROGRAM,
        reason: "no such program in the object".into(),
    })?;
    Ok(prog.try_into()?)
}
