//! TLS handshake outcomes by side and reason, counted by the tasks that
//! run them and read by the metrics exporter.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Why a handshake failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// A certificate was refused (untrusted, expired, another name) or
    /// none was given.
    Certificate,
    /// Anything else the TLS layer refused (no common version or suite,
    /// garbage instead of a ClientHello, a reset).
    Error,
    /// It took longer than the handshake bound.
    Timeout,
    /// Its source already had as many handshakes in progress as allowed.
    Busy,
}

/// Handshake counters, one set per side.
#[derive(Debug, Default)]
pub struct TlsStats {
    /// Accepted (our listener) and connected (our connects).
    ok: [AtomicU64; 2],
    /// Failures by [`Failure`] (in its order), per side.
    failed: [[AtomicU64; 4]; 2],
}

impl TlsStats {
    pub(super) fn ok(&self, outbound: bool) {
        self.ok[usize::from(outbound)].fetch_add(1, Relaxed);
    }

    pub(super) fn failed(&self, outbound: bool, why: Failure) {
        self.failed[usize::from(outbound)][why as usize].fetch_add(1, Relaxed);
    }

    /// `(side, outcome, count)` for every counter: side `in` or `out`,
    /// outcome `ok`, `certificate`, `error`, `timeout` or `busy`.
    pub fn samples(&self) -> Vec<(&'static str, &'static str, u64)> {
        let mut out = Vec::with_capacity(10);
        for (i, side) in ["in", "out"].into_iter().enumerate() {
            out.push((side, "ok", self.ok[i].load(Relaxed)));
            for (j, why) in ["certificate", "error", "timeout", "busy"].into_iter().enumerate() {
                out.push((side, why, self.failed[i][j].load(Relaxed)));
            }
        }
        out
    }
}

/// The reason behind a failed handshake's I/O error.
pub(super) fn classify(e: &std::io::Error) -> Failure {
    use rustls::{AlertDescription as A, Error as E};
    let cert = match e.get_ref().and_then(|inner| inner.downcast_ref::<E>()) {
        Some(E::InvalidCertificate(_) | E::NoCertificatesPresented) => true,
        Some(E::AlertReceived(a)) => matches!(
            a,
            A::BadCertificate | A::UnknownCA | A::CertificateExpired | A::CertificateUnknown | A::CertificateRequired
        ),
        _ => false,
    };
    if cert { Failure::Certificate } else { Failure::Error }
}
