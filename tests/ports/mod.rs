//! Media ports for tests: even ports whose successor is free, below the
//! kernel's ephemeral range (so no SIP or endpoint socket of the same test
//! can be handed the same port), distinct within one test binary.

#![allow(dead_code)]

use std::net::UdpSocket;
use std::sync::atomic::{AtomicU16, Ordering::Relaxed};

static NEXT: AtomicU16 = AtomicU16::new(0);

/// Whether UDP port `p` is free on 127.0.0.1 and, where there is an IPv6
/// loopback, on [::1].
fn free(p: u16) -> bool {
    let v6 = UdpSocket::bind(("::1", 0)).is_err() || UdpSocket::bind(("::1", p)).is_ok();
    UdpSocket::bind(("127.0.0.1", p)).is_ok() && v6
}

/// An even port `p` with `p` and `p + 1` free on 127.0.0.1 (and [::1]).
pub fn free_pair() -> u16 {
    let base = 12_000 + (std::process::id() % 400) as u16 * 40;
    loop {
        let p = base + NEXT.fetch_add(4, Relaxed) % 16_000;
        let p = if p >= 32_000 { p - 20_000 } else { p };
        if free(p) && free(p + 1) {
            return p;
        }
    }
}

/// Whether this host has the IPv6 loopback [::1]; when not, says that
/// `test` is skipped and why (a CI machine without IPv6 skips, not fails).
pub fn ipv6_loopback(test: &str) -> bool {
    match UdpSocket::bind(("::1", 0)) {
        Ok(_) => true,
        Err(e) => {
            eprintln!("SKIPPED {test}: no IPv6 loopback [::1] on this host ({e})");
            false
        }
    }
}

/// An even port `p` with `p .. p + 2 * pairs` all free on 127.0.0.1 (and [::1]).
pub fn free_block(pairs: u16) -> u16 {
    loop {
        let p = free_pair();
        if (2..2 * pairs).all(|i| free(p + i)) {
            NEXT.fetch_add(2 * pairs, Relaxed);
            return p;
        }
    }
}
