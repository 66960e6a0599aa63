//! Datagrams steered to their shard by the kernel: with several
//! signalling shards, each owns a UDP socket of one SO_REUSEPORT group on
//! the SIP address, and a reuseport eBPF program (emitted here, loaded
//! with the `bpf()` system call: no toolchain) picks for each datagram the
//! socket of the shard its Call-ID hashes to. A message thus reaches the
//! thread that owns its call with no hand-over. When the kernel refuses
//! the program (no permission, an old kernel) the shards share one socket
//! as before and hand over what is not theirs; the log says so once.

mod bpf;
mod insn;
mod program;
#[cfg(feature = "test-exports")]
mod test_run;

pub use program::call_id_program;
#[cfg(feature = "test-exports")]
pub use test_run::test_run;

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::OwnedFd;

/// The UDP sockets of one SIP address, one per shard when steered.
#[derive(Debug)]
pub struct UdpGroup {
    /// The sockets: one per shard, or one that every shard shares.
    pub sockets: Vec<UdpSocket>,
    /// The address they are bound to.
    pub local: SocketAddr,
}

impl UdpGroup {
    /// Whether each shard has a socket of its own (the kernel steers).
    pub fn is_steered(&self) -> bool {
        self.sockets.len() > 1
    }

    /// Shard `k`'s socket: its own, or a handle on the shared one.
    pub fn socket_for(&self, k: usize) -> io::Result<UdpSocket> {
        self.sockets.get(k).unwrap_or(&self.sockets[0]).try_clone()
    }
}

/// Loads the steering program for `shards` sockets.
pub fn load(shards: usize) -> io::Result<OwnedFd> {
    bpf::load_socket_filter(&call_id_program(shards as u32))
}

/// Binds the UDP socket(s) of `addr` for `shards` signalling shards: one
/// socket when one shard, else a steered group, else (the kernel refused
/// the program: `refused` says why) one shared socket.
pub fn bind_group(addr: SocketAddr, shards: usize, refused: &mut Option<io::Error>) -> io::Result<UdpGroup> {
    // A plain bind first: the address must be free, as it must be for one
    // socket (another process's reuseport group is not joined), and a
    // port 0 gets its number.
    let first = super::udp::bind(addr, false)?;
    let local = first.local_addr()?;
    if shards <= 1 {
        return Ok(UdpGroup {
            sockets: vec![first],
            local,
        });
    }
    drop(first);
    match steered(local, shards) {
        Ok(sockets) => Ok(UdpGroup { sockets, local }),
        Err(e) => {
            *refused = Some(e);
            let socket = super::udp::bind(local, false)?;
            Ok(UdpGroup {
                sockets: vec![socket],
                local,
            })
        }
    }
}

/// `shards` sockets on `local` in one reuseport group, the program attached.
fn steered(local: SocketAddr, shards: usize) -> io::Result<Vec<UdpSocket>> {
    let prog = load(shards)?;
    // The group's socket indexes are the order of binding.
    let sockets = (0..shards)
        .map(|_| super::udp::bind(local, true))
        .collect::<io::Result<Vec<_>>>()?;
    bpf::attach_reuseport(&sockets[0], &prog)?;
    Ok(sockets)
}
