//! `BPF_PROG_TEST_RUN`: the steering program run once over a buffer, so
//! a test can compare its choice with the Rust hash's.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};

const BPF_PROG_TEST_RUN: libc::c_long = 10;

/// `union bpf_attr` for `BPF_PROG_TEST_RUN`, as far as we fill it.
#[repr(C)]
#[derive(Default)]
struct TestAttr {
    prog_fd: u32,
    retval: u32,
    data_size_in: u32,
    data_size_out: u32,
    data_in: u64,
    data_out: u64,
    repeat: u32,
    duration: u32,
}

/// Runs `prog` once over `payload` as the kernel would over a UDP
/// datagram's payload, and returns what it returned.
pub fn test_run(prog: &OwnedFd, payload: &[u8]) -> io::Result<u32> {
    // The test run takes an Ethernet frame and hands the program what
    // follows its 14-byte header.
    let mut frame = vec![0u8; 14];
    frame.extend_from_slice(payload);
    let mut out = vec![0u8; frame.len() + 256];
    let mut attr = TestAttr {
        prog_fd: prog.as_raw_fd() as u32,
        data_size_in: frame.len() as u32,
        data_size_out: out.len() as u32,
        data_in: frame.as_ptr() as u64,
        data_out: out.as_mut_ptr() as u64,
        repeat: 1,
        ..Default::default()
    };
    super::bpf::bpf(BPF_PROG_TEST_RUN, &mut attr)?;
    Ok(attr.retval)
}
