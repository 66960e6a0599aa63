//! Builds the kernel fast path's BPF program (bpf/rtp_fwd.c) with clang,
//! only when the `kernel-fastpath` feature is on: the default build needs
//! nothing but cargo.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if env::var_os("CARGO_FEATURE_KERNEL_FASTPATH").is_none() {
        return;
    }
    println!("cargo:rerun-if-changed=bpf/rtp_fwd.c");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("rtp_fwd.o");
    let clang = env::var("CLANG").unwrap_or_else(|_| "clang".into());
    // <asm/types.h> lives under the host's multiarch directory on Debian.
    let multiarch = format!("-I/usr/include/{}-linux-gnu", env::consts::ARCH);
    let status = Command::new(&clang)
        .args([
            "-O2",
            "-g",
            "-target",
            "bpf",
            "-Wall",
            "-Werror",
            &multiarch,
            "-c",
            "bpf/rtp_fwd.c",
            "-o",
        ])
        .arg(&out)
        .status()
        .unwrap_or_else(|e| panic!("feature kernel-fastpath needs clang ({clang}): {e}"));
    assert!(status.success(), "clang failed to build bpf/rtp_fwd.c");
}
