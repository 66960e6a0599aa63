//! The `bpf()` system calls the steering needs, through libc: load a
//! socket filter, attach it to a reuseport group, and run it once over a
//! buffer (in test_run.rs).

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

const BPF_PROG_LOAD: libc::c_long = 5;
const BPF_PROG_TYPE_SOCKET_FILTER: u32 = 1;

/// `union bpf_attr` for `BPF_PROG_LOAD`, as far as we fill it.
#[repr(C)]
#[derive(Default)]
struct LoadAttr {
    prog_type: u32,
    insn_cnt: u32,
    insns: u64,
    license: u64,
    log_level: u32,
    log_size: u32,
    log_buf: u64,
    kern_version: u32,
    prog_flags: u32,
    prog_name: [u8; 16],
}

pub(super) fn bpf<T>(cmd: libc::c_long, attr: &mut T) -> io::Result<libc::c_long> {
    // SAFETY: `attr` is a live, initialised `bpf_attr` prefix of the
    // size passed; the kernel reads and writes only within it.
    let r = unsafe { libc::syscall(libc::SYS_bpf, cmd, attr as *mut T, std::mem::size_of::<T>()) };
    if r < 0 { Err(io::Error::last_os_error()) } else { Ok(r) }
}

/// Loads `insns` as a socket filter; a refusal carries the end of the
/// verifier's log (asked for on a second try: a full log fails a load).
pub fn load_socket_filter(insns: &[u64]) -> io::Result<OwnedFd> {
    let license = CString::from(c"GPL");
    let mut name = [0u8; 16];
    name[..11].copy_from_slice(b"rvoip_steer");
    let mut attr = LoadAttr {
        prog_type: BPF_PROG_TYPE_SOCKET_FILTER,
        insn_cnt: insns.len() as u32,
        insns: insns.as_ptr() as u64,
        license: license.as_ptr() as u64,
        prog_name: name,
        ..Default::default()
    };
    let e = match bpf(BPF_PROG_LOAD, &mut attr) {
        // SAFETY: a new descriptor the kernel just gave us, owned by no one else.
        Ok(fd) => return Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) }),
        Err(e) => e,
    };
    let mut log = vec![0u8; 1 << 20];
    attr.log_level = 1;
    attr.log_size = log.len() as u32;
    attr.log_buf = log.as_mut_ptr() as u64;
    if let Ok(fd) = bpf(BPF_PROG_LOAD, &mut attr) {
        // SAFETY: as above (loaded the second time after all).
        return Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) });
    }
    let end = log.iter().position(|&b| b == 0).unwrap_or(log.len());
    let tail = String::from_utf8_lossy(&log[end.saturating_sub(300)..end]).into_owned();
    Err(io::Error::new(e.kind(), format!("{e}: {}", tail.trim())))
}

/// Attaches `prog` to the reuseport group of `socket`: from now on it
/// picks the socket of the group each datagram goes to.
pub fn attach_reuseport(socket: &impl AsRawFd, prog: &OwnedFd) -> io::Result<()> {
    let fd: libc::c_int = prog.as_raw_fd();
    // SAFETY: a valid socket, and a pointer to an int of the size given.
    let r = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_ATTACH_REUSEPORT_EBPF,
            (&fd as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if r < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}
