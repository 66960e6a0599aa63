//! Call detail records: one per call (a bridge's two legs in one record),
//! completed when every leg has ended and the media plane has reported the
//! call's packet counts, then handed up as `SessionEvent::Record`.

use super::{Call, EndReason, SessionEvent, UserAgent};
use crate::ids::CallId;
use crate::media::LegStats;
use crate::sdp;
use serde::Serialize;
use std::time::{Instant, UNIX_EPOCH};

/// One SIP leg of a call.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LegRecord {
    /// `in` (we answered) or `out` (we called).
    pub direction: &'static str,
    /// Its SIP Call-ID.
    pub call_id: String,
    /// The peer's address.
    pub peer: String,
    /// When the INVITE came or went (Unix ms).
    pub start_ms: u64,
    /// When it was answered, if it was.
    pub answer_ms: Option<u64>,
    /// When it ended.
    pub end_ms: u64,
    /// Why it ended (`remote_bye`, `local_bye`, `cancelled`, `rejected_486`, `failed_408`…).
    pub end: String,
    /// The voice codec agreed, if any.
    pub codec: Option<String>,
    /// RTP packets received from this leg's peer.
    pub rtp_in: u64,
    /// RTP packets sent to it.
    pub rtp_out: u64,
    /// Packets lost on the way in (RFC 3550).
    pub rtp_lost: u64,
    /// Final interarrival jitter (ms, RFC 3550).
    pub jitter_ms: f64,
}

/// A finished call.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CallRecord {
    /// Seconds from the first answer to the first leg's end (0 if never answered).
    pub duration_s: f64,
    /// The legs: the incoming one first.
    pub legs: Vec<LegRecord>,
    #[serde(skip)]
    pub(super) open_legs: usize,
    #[serde(skip)]
    pub(super) media_pending: bool,
    #[serde(skip)]
    media: [Option<LegStats>; 2],
}

/// `ip:port` as `SocketAddr`'s `Display` writes it, IPv4 without `fmt`.
fn addr_text(a: std::net::SocketAddr) -> String {
    if a.is_ipv6() {
        return a.to_string();
    }
    let mut s = String::with_capacity(21);
    crate::sip::push_ip(&mut s, a.ip());
    s.push(':');
    crate::sip::push_u64(&mut s, u64::from(a.port()));
    s
}

fn end_text(ev: Option<&SessionEvent>) -> String {
    match ev {
        Some(SessionEvent::Ended(_, r)) => match r {
            EndReason::LocalBye => "local_bye".into(),
            EndReason::RemoteBye => "remote_bye".into(),
            EndReason::Cancelled => "cancelled".into(),
            EndReason::Rejected(s) => format!("rejected_{s}"),
            EndReason::AckTimeout => "ack_timeout".into(),
            EndReason::Timeout => "timeout".into(),
            EndReason::MediaTimeout => "media_timeout".into(),
        },
        Some(SessionEvent::Failed(_, s)) => format!("failed_{s}"),
        _ => "ended".into(),
    }
}

impl UserAgent {
    /// `at` on the wall clock (Unix ms).
    fn wall_ms(&self, at: Instant) -> u64 {
        let (inst, sys) = self.epoch;
        let t = if at >= inst {
            sys + (at - inst)
        } else {
            sys - (inst - at)
        };
        t.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as u64
    }

    /// A new call opens its record (a bridge's B leg joins its A's).
    pub(super) fn open_record(&mut self, id: CallId) {
        let owner = self.calls.get(&id).map_or(id, |c| c.record);
        let r = self.records.entry(owner).or_default();
        r.open_legs += 1;
        r.legs.reserve(r.open_legs.saturating_sub(r.legs.len()));
    }

    /// A leg ended: write its part; complete the record if it was the last.
    pub(super) fn close_record(&mut self, call: &Call, ev: Option<&SessionEvent>) {
        let owner = call.record;
        let codec = match (&call.local_sdp, &call.remote_sdp) {
            (Some(l), Some(r)) => sdp::negotiate(l, r).ok().map(|n| n.codec.name),
            _ => None,
        };
        let leg = LegRecord {
            direction: if call.role == super::Role::Uas { "in" } else { "out" },
            call_id: call.dialog_call_id().unwrap_or_default(),
            peer: addr_text(call.peer.addr),
            start_ms: self.wall_ms(call.started),
            answer_ms: call.answered.map(|t| self.wall_ms(t)),
            end_ms: self.wall_ms(self.now),
            end: end_text(ev),
            codec,
            ..Default::default()
        };
        let Some(r) = self.records.get_mut(&owner) else { return };
        let slot = usize::from(leg.direction == "out").min(r.legs.len());
        r.legs.insert(slot, leg);
        r.open_legs = r.open_legs.saturating_sub(1);
        if call.media_active {
            r.media_pending = true;
        }
        self.emit_record(owner);
    }

    /// The media plane's final counts for media call `owner`.
    pub(super) fn media_record(&mut self, owner: CallId, stats: [Option<LegStats>; 2]) {
        let Some(r) = self.records.get_mut(&owner) else { return };
        r.media = stats;
        r.media_pending = false;
        self.emit_record(owner);
    }

    /// Hands the record up once every leg has ended and its media reported.
    fn emit_record(&mut self, owner: CallId) {
        let done = self
            .records
            .get(&owner)
            .is_some_and(|r| r.open_legs == 0 && !r.media_pending);
        if let Some(mut r) = done.then(|| self.records.remove(&owner)).flatten() {
            let answered = r.legs.iter().filter_map(|l| l.answer_ms).min();
            let ended = r.legs.iter().map(|l| l.end_ms).min().unwrap_or(0);
            // Media leg A is the incoming leg (or an echo's only one).
            let single = r.legs.len() == 1;
            let media = r.media;
            for leg in &mut r.legs {
                let side = usize::from(leg.direction == "out" && !single);
                if let Some(s) = media[side] {
                    (leg.rtp_in, leg.rtp_out, leg.rtp_lost) = (s.rx.packets, s.tx_packets, s.rx.lost());
                    leg.jitter_ms = (s.rx.jitter_ms() * 100.0).round() / 100.0;
                }
            }
            r.duration_s = answered.map_or(0.0, |a| ended.saturating_sub(a) as f64 / 1000.0);
            self.events.push_back(SessionEvent::Record(Box::new(r)));
        }
    }
}
