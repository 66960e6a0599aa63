//! Counters of the UA core.

/// Counters of the UA core.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UaStats {
    /// Calls created (both directions).
    pub calls_total: u64,
    /// Calls that failed or were rejected.
    pub calls_failed: u64,
    /// Calls answered.
    pub calls_answered: u64,
    /// INVITEs refused with 503 for overload.
    pub overload_rejected: u64,
    /// Malformed messages answered with 4xx/5xx.
    pub bad_answered: u64,
    /// Messages dropped unanswered.
    pub dropped: u64,
    /// Calls whose media port could not be bound.
    pub media_bind_failed: u64,
    /// RTP packets received by ended calls' legs.
    pub rtp_in: u64,
    /// RTP packets sent to ended calls' legs.
    pub rtp_out: u64,
    /// RTP packets lost on the way in (RFC 3550: expected − received).
    pub rtp_lost: u64,
    /// Packets dropped by ended calls: strangers after latching,
    /// malformed, or not forwarded (hold, no destination).
    pub rtp_dropped: u64,
    /// Streams (legs that received RTP) of ended calls.
    pub rtp_streams: u64,
    /// Sum of their final RFC 3550 jitter (µs).
    pub rtp_jitter_us_sum: u64,
    /// Bridged calls whose legs use different codecs (transcoded).
    pub transcoded_calls: u64,
    /// Redirects (3xx) followed to a new target.
    pub redirects_followed: u64,
    /// Outgoing calls whose INVITE forked: provisionals from a second
    /// callee (another To tag) came.
    pub forked_calls: u64,
    /// Provisionals ignored for coming from a fork past the 16 early
    /// dialogs a call keeps.
    pub forks_ignored: u64,
    /// Requests challenged for credentials (401/407).
    pub auth_challenged: u64,
    /// Of those, challenged because the credentials they carried failed
    /// (wrong password, unknown user, replayed or foreign nonce).
    pub auth_failed: u64,
    /// Requests let in on their credentials.
    pub auth_ok: u64,
    /// Requests refused for their source (403 or dropped: a denied or
    /// untrusted source, or the request that got its source blocked).
    pub access_refused: u64,
    /// Datagrams dropped unread because their source is blocked.
    pub access_dropped: u64,
    /// Sources blocked (rate, failed authentications, scanner).
    pub access_blocks: u64,
    /// New INVITEs refused statelessly for queueing delay (also counted in
    /// `overload_rejected`).
    pub shed: u64,
    /// REGISTERs our registrar accepted.
    pub registers_ok: u64,
    /// REGISTERs our registrar refused (400, 423, 403, 503).
    pub registers_refused: u64,
}

impl UaStats {
    /// Adds an ended media call's final counts, per leg.
    pub fn add_media(&mut self, legs: &[Option<crate::media::LegStats>; 2]) {
        for leg in legs.iter().flatten() {
            self.rtp_in += leg.rx.packets;
            self.rtp_out += leg.tx_packets;
            self.rtp_lost += leg.rx.lost();
            self.rtp_dropped += leg.strangers + leg.dropped;
            if leg.rx.packets > 0 {
                self.rtp_streams += 1;
                self.rtp_jitter_us_sum += (leg.rx.jitter_ms() * 1000.0) as u64;
            }
        }
    }

    /// The sum of two shards' counters.
    pub fn merged(mut self, o: &UaStats) -> UaStats {
        for (a, b) in [
            (&mut self.calls_total, o.calls_total),
            (&mut self.calls_failed, o.calls_failed),
            (&mut self.calls_answered, o.calls_answered),
            (&mut self.overload_rejected, o.overload_rejected),
            (&mut self.bad_answered, o.bad_answered),
            (&mut self.dropped, o.dropped),
            (&mut self.media_bind_failed, o.media_bind_failed),
            (&mut self.rtp_in, o.rtp_in),
            (&mut self.rtp_out, o.rtp_out),
            (&mut self.rtp_lost, o.rtp_lost),
            (&mut self.rtp_dropped, o.rtp_dropped),
            (&mut self.rtp_streams, o.rtp_streams),
            (&mut self.rtp_jitter_us_sum, o.rtp_jitter_us_sum),
            (&mut self.transcoded_calls, o.transcoded_calls),
            (&mut self.redirects_followed, o.redirects_followed),
            (&mut self.forked_calls, o.forked_calls),
            (&mut self.forks_ignored, o.forks_ignored),
            (&mut self.auth_challenged, o.auth_challenged),
            (&mut self.auth_failed, o.auth_failed),
            (&mut self.auth_ok, o.auth_ok),
            (&mut self.access_refused, o.access_refused),
            (&mut self.access_dropped, o.access_dropped),
            (&mut self.access_blocks, o.access_blocks),
            (&mut self.shed, o.shed),
            (&mut self.registers_ok, o.registers_ok),
            (&mut self.registers_refused, o.registers_refused),
        ] {
            *a += b;
        }
        self
    }
}
