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
        let t = s.totals();
        Stats {
            active: t.active,
            total: t.ua.calls_total,
            answered: t.ua.calls_answered,
            failed: t.ua.calls_failed,
            overload: t.ua.overload_rejected,
            shed: t.ua.shed,
            shedding: t.shedding,
            auth_ok: t.ua.auth_ok,
            auth_challenged: t.ua.auth_challenged,
            auth_failed: t.ua.auth_failed,
            access_refused: t.ua.access_refused,
            access_dropped: t.ua.access_dropped,
            access_blocks: t.ua.access_blocks,
            registers_ok: t.ua.registers_ok,
            registers_refused: t.ua.registers_refused,
            bad_answered: t.ua.bad_answered,
            dropped: t.ua.dropped,
            transactions: t.transactions,
            event_overflow: s.event_overflow.load(Relaxed),
            command_overflow: s.command_overflow.load(Relaxed),
            rtp_in: t.ua.rtp_in,
            rtp_out: t.ua.rtp_out,
            rtp_lost: t.ua.rtp_lost,
            rtp_dropped: t.ua.rtp_dropped,
        }
    }
}
