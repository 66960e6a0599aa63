//! A snapshot of an endpoint's counters.

use crate::driver::LiveStats;
use std::sync::atomic::Ordering::Relaxed;

/// A snapshot of an endpoint's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Calls in progress.
    pub active: u64,
    /// Calls created.
    pub total: u64,
    /// Calls answered.
    pub answered: u64,
    /// Calls failed or rejected.
    pub failed: u64,
    /// INVITEs refused with 503 (overload).
    pub overload: u64,
    /// Of those, refused statelessly because SIP waited too long in the
    /// socket (`ServerConfig::shed_delay`).
    pub shed: u64,
    /// New INVITEs and REGISTERs let in on their credentials
    /// (`ServerConfig::auth`).
    pub auth_ok: u64,
    /// New INVITEs and REGISTERs challenged (401/407), failed ones included.
    pub auth_challenged: u64,
    /// Of those, challenged because the credentials they carried failed
    /// (wrong password, unknown user, replayed or foreign nonce).
    pub auth_failed: u64,
    /// Requests refused for their source (a denied or untrusted source, or
    /// the request that got its source blocked).
    pub access_refused: u64,
    /// Datagrams of blocked sources dropped unread.
    pub access_dropped: u64,
    /// Sources blocked (rate, failed authentications, scanner).
    pub access_blocks: u64,
    /// REGISTERs the registrar accepted (`ServerConfig::registrar`).
    pub registers_ok: u64,
    /// REGISTERs the registrar refused once authenticated (a bad Contact
    /// or expiry, too brief an interval, too many bindings).
    pub registers_refused: u64,
    /// Signalling threads shedding new calls now.
    pub shedding: u64,
    /// Malformed messages answered with an error.
    pub bad_answered: u64,
    /// Messages dropped unanswered.
    pub dropped: u64,
    /// Live transactions.
    pub transactions: u64,
    /// Events lost because the event queue was full.
    pub event_overflow: u64,
    /// Commands refused because the command queue was full.
    pub command_overflow: u64,
    /// RTP packets received by ended calls' legs.
    pub rtp_in: u64,
    /// RTP packets sent to ended calls' legs.
    pub rtp_out: u64,
    /// RTP packets lost before reaching us (RFC 3550), over ended calls.
    pub rtp_lost: u64,
    /// RTP packets ended calls dropped (strangers, malformed, on hold).
    pub rtp_dropped: u64,
}

impl Stats {
    pub(crate) fn read(s: &LiveStats) -> Stats {
        Stats {
            active: s.active.load(Relaxed),
            total: s.total.load(Relaxed),
            answered: s.answered.load(Relaxed),
            failed: s.failed.load(Relaxed),
            overload: s.overload.load(Relaxed),
            shed: s.shed.load(Relaxed),
            shedding: s.shedding.load(Relaxed),
            auth_ok: s.auth_ok.load(Relaxed),
            auth_challenged: s.auth_challenged.load(Relaxed),
            auth_failed: s.auth_failed.load(Relaxed),
            access_refused: s.access_refused.load(Relaxed),
            access_dropped: s.access_dropped.load(Relaxed),
            access_blocks: s.access_blocks.load(Relaxed),
            registers_ok: s.registers_ok.load(Relaxed),
            registers_refused: s.registers_refused.load(Relaxed),
            bad_answered: s.bad_answered.load(Relaxed),
            dropped: s.dropped.load(Relaxed),
            transactions: s.transactions.load(Relaxed),
            event_overflow: s.event_overflow.load(Relaxed),
            command_overflow: s.command_overflow.load(Relaxed),
            rtp_in: s.rtp_in.load(Relaxed),
            rtp_out: s.rtp_out.load(Relaxed),
            rtp_lost: s.rtp_lost.load(Relaxed),
            rtp_dropped: s.rtp_dropped.load(Relaxed),
        }
    }
}
