//! The worker's side of transcoding on threads of its own: voice handed
//! off as a job while the rest of the batch is relayed, the re-coded
//! packets sent at the start of the next turn (the transcoder thread wakes
//! the worker for them), and the states of ended directions closed.

use super::call::{self, Call};
use super::transcoding::{PacketJob, TranscodeJob, TranscodeLink};
use super::verdict::DropReason;
use super::{Worker, WorkerCounters};
use std::sync::atomic::Ordering::{Relaxed, SeqCst};

/// Queues a voice packet's `job` on `link` (a full queue drops it,
/// counted); one that could not become a job is dropped for its reason.
pub(super) fn hand_off(link: Option<&TranscodeLink>, job: Result<PacketJob, DropReason>, counters: &WorkerCounters) {
    match (link, job) {
        (Some(link), Ok(job)) => {
            link.push(TranscodeJob::Packet(job));
        }
        (_, Err(reason)) => counters.count_drop(reason),
        // Only called with a link.
        (None, Ok(_)) => counters.count_drop(DropReason::Undecodable),
    }
}

impl Worker {
    /// Sends, in order, what the transcoder thread has re-coded (a result
    /// for a call or direction since gone is dropped, counted), and queues
    /// the closes that did not fit before. Call each turn, before reading.
    pub(super) fn on_transcoded(&mut self) {
        let now = self.now_us();
        let Worker {
            transcode: Some(link),
            retiring,
            index,
            calls,
            transcode_buf,
            counters,
            ..
        } = self
        else {
            return;
        };
        link.woken.store(false, SeqCst);
        retiring.retain(|&g| !link.push(TranscodeJob::Close(g)));
        while let Some(t) = link.results.pop() {
            let Some(Call {
                relay,
                sockets,
                capture,
                ..
            }) = index.get(&t.call).and_then(|&slot| calls[slot].as_mut())
            else {
                counters.dropped.fetch_add(1, Relaxed);
                continue;
            };
            let sent = relay.send_transcoded(&t, transcode_buf, now);
            match (sent, &sockets[t.side.other().index()]) {
                (Ok((dest, len)), Some(s)) => {
                    let pkt = &transcode_buf[..len];
                    call::capture(capture, s.ip, s.port, dest, true, pkt);
                    counters.count_send(s.rtp.send_to(pkt, dest).is_ok());
                }
                (Err(reason), _) => counters.count_drop(reason),
                (Ok(_), None) => counters.count_drop(DropReason::NoSuchLeg),
            }
        }
    }

    /// Closes the transcoder states named by `generations` (after every
    /// job of theirs already queued); a close that does not fit is retried
    /// next turn.
    pub(super) fn retire(&mut self, generations: [Option<u64>; 2]) {
        let Some(link) = self.transcode.as_deref() else { return };
        for g in generations.into_iter().flatten() {
            if !link.push(TranscodeJob::Close(g)) {
                self.retiring.push(g);
            }
        }
    }
}
