//! DTMF on a relayed call whose legs differ (issue #18). RFC 4733 from a
//! leg whose other leg did not agree telephone-event is read here — each
//! digit once, at its end, whatever the redundancy — kept for signalling
//! to send on as an INFO, and goes no further (the other leg could not
//! decode it; the voice after it is numbered on without a gap). Digits
//! signalling asks for (an INFO's from the other leg, or the
//! application's) go to a leg that agreed telephone-event as RFC 4733
//! events on the worker's 20 ms ticks, in the stream we send that leg:
//! its payload type, our SSRC, the next sequence numbers (its relayed
//! voice moved on past them) and a timestamp from that stream's clock.
//! Where both legs agreed telephone-event the packets are relayed as they
//! are ([`Relay::handle_packet`]) and nothing here runs.

use super::Relay;
use crate::media::worker::dtmf::{DtmfIn, DtmfOut, TICK_UNITS};
use crate::media::worker::inbound_rtp::InboundRtp;
use crate::media::worker::verdict::Verdict;
use crate::media::{LegConfig, Side};
use std::net::SocketAddr;

/// One leg's DTMF on a relayed call: digits heard from its peer (when the
/// other leg cannot take them as RFC 4733) and digits to send it, with
/// the timestamp of the one being sent.
#[derive(Debug, Clone, Default)]
pub(super) struct LegDtmf {
    heard: DtmfIn,
    out: DtmfOut,
    event_ts: u32,
}

/// Whether legs `a` and `b` differ in telephone-event, so that one's
/// digits are read here and the other's sent from here.
pub(super) fn interworked<K>(a: &LegConfig<K>, b: Option<&LegConfig<K>>) -> bool {
    b.is_some_and(|b| a.te_pt.is_some() != b.te_pt.is_some())
}

impl Relay {
    /// Makes the legs' DTMF state once they differ (a re-INVITE may make
    /// them), so that no packet has to.
    pub(super) fn make_dtmf(&mut self) {
        let [Some(a), b] = &self.legs else { return };
        if interworked(&a.cfg, b.as_ref().map(|b| &b.cfg)) {
            self.dtmf.get_or_insert_default();
        }
    }

    /// An RTP packet from leg `side` (`pkt`: unprotected) of a relayed
    /// call whose other leg did not agree the telephone-event `side`
    /// did: an event packet is read (a digit kept for
    /// [`take_dtmf`](Self::take_dtmf)) and consumed; voice may end a digit
    /// whose end packets were lost, and goes on. `None`: relay as usual.
    pub(super) fn interwork(&mut self, side: Side, rtp: &InboundRtp, pkt: &[u8]) -> Option<Verdict> {
        let [Some(a), Some(b)] = &mut self.legs else {
            return None;
        };
        let (inl, outl) = match side {
            Side::A => (a, b),
            Side::B => (b, a),
        };
        let te = inl.cfg.te_pt.filter(|_| outl.cfg.te_pt.is_none())?;
        let heard = &mut self.dtmf.get_or_insert_default()[side.index()].heard;
        let event = rtp.pt == te;
        let digit = if event {
            // Its number is not missed by the other leg's stream.
            outl.tx.skip(rtp.ssrc, rtp.seq);
            heard.hear(rtp.payload(pkt), rtp.ts)
        } else {
            heard.voice()
        };
        if let Some((d, ms)) = digit {
            self.heard = Some((side, d, ms));
        }
        event.then_some(Verdict::Consumed)
    }

    /// The digit a leg's peer last ended, which leg and how long it was
    /// held (ms): call after each packet to report it. On an audio call,
    /// what its peer sends; on a relayed call, what a leg sends that its
    /// other leg cannot take as RFC 4733.
    pub fn take_dtmf(&mut self) -> Option<(Side, char, u32)> {
        let audio = self.audio.as_mut().and_then(|a| a.take_dtmf());
        audio.map(|(d, ms)| (Side::A, d, ms)).or_else(|| self.heard.take())
    }

    /// Queues `digits` to send to leg `side` as RFC 4733 events, each held
    /// `duration_ms` (an audio call's application speaks to leg A).
    /// Whether the call now needs [`tick_dtmf`](Self::tick_dtmf) on the
    /// worker's ticks (an audio call sends them on its own ticks).
    pub fn send_dtmf(&mut self, side: Side, digits: &str, duration_ms: u32) -> bool {
        if let Some(audio) = self.audio.as_mut() {
            audio.send_dtmf(digits, duration_ms);
            return false;
        }
        if self.legs[side.index()].is_none() {
            return false;
        }
        let out = &mut self.dtmf.get_or_insert_default()[side.index()].out;
        out.push(digits, duration_ms);
        !out.is_idle()
    }

    /// One tick of the worker's 20 ms clock on a relayed call with digits
    /// to send: each leg's next event packet, written into `buf` (at
    /// least 2 KiB, reused) and handed to `send` with its leg and
    /// destination. Whether digits are still to send (ticks still needed).
    pub fn tick_dtmf(&mut self, now_us: u64, buf: &mut [u8], mut send: impl FnMut(Side, &[u8], SocketAddr)) -> bool {
        let mut busy = false;
        let Some(legs_dtmf) = self.dtmf.as_deref_mut() else {
            return false;
        };
        for side in [Side::A, Side::B] {
            let (Some(leg), dtmf) = (self.legs[side.index()].as_mut(), &mut legs_dtmf[side.index()]) else {
                continue;
            };
            if leg.cfg.te_pt.is_none() {
                // A re-INVITE took telephone-event away: nothing to send.
                dtmf.out.clear();
                continue;
            }
            let ev = dtmf.out.next(TICK_UNITS);
            busy |= !dtmf.out.is_idle();
            let Some(ev) = ev else { continue };
            if ev.first {
                dtmf.event_ts = leg.tx.now_ts(now_us);
            }
            if let Ok((dest, len)) = leg.send_event(buf, &ev, dtmf.event_ts) {
                send(side, &buf[..len], dest);
            }
        }
        busy
    }
}
