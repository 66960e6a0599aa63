//! The worker's side of transcoding: voice on a transcoded direction is
//! handed off as a job while the rest of the read is relayed, never
//! re-coded in front of it. With transcoder threads (`media.transcoders`)
//! a thread re-codes it and wakes the worker, which sends the results at
//! the start of its next turn; without, the worker re-codes its own jobs,
//! one at a time, once the read's relayed packets are sent (after each
//! epoll turn, after each chunk of io_uring completions). Either way the
//! results are rewritten for the outgoing leg and sent here, in order
//! (with io_uring, copied to a buffer of the worker's own and submitted
//! with the turn's other sends), and the states of ended directions are
//! closed behind their jobs.

use super::call::{self, Call};
use super::latency::LatencyHistogram;
use super::transcoding::{PacketJob, TranscodeJob, TranscodeLink, TranscoderTable};
use super::verdict::DropReason;
use super::{Worker, WorkerCounters};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};

/// Where a worker's voice to re-code goes.
pub(super) struct Handoff {
    /// The queues to its transcoder thread, or to itself.
    pub link: Arc<TranscodeLink>,
    /// Its own transcoders, when it has no thread (`None`: a thread's).
    pub here: Option<TranscoderTable>,
    /// States to close that did not fit in the job queue.
    retiring: Vec<u64>,
    /// Re-coded packets' latency: their voice's kernel arrival to their
    /// send (re-coding and any wait for it included).
    latency: LatencyHistogram,
    /// Arrival stamps of re-coded packets queued on io_uring, timed once
    /// their sends are submitted ([`Handoff::submitted`]); room for the
    /// worker's whole pool of send buffers, so a push never allocates.
    queued: Vec<u64>,
}

impl Handoff {
    /// To the thread at the end of `link`, or (`None`) to the worker
    /// publishing `counters` itself.
    pub fn new(link: Option<Arc<TranscodeLink>>, counters: &Arc<WorkerCounters>) -> Self {
        let here = link.is_none().then(TranscoderTable::default);
        let link = link.unwrap_or_else(|| TranscodeLink::new(TranscodeLink::HERE, counters, None));
        Handoff {
            link,
            here,
            retiring: Vec::new(),
            latency: LatencyHistogram::new(),
            queued: Vec::with_capacity(usize::from(super::uring::OUT_BUFS)),
        }
    }

    /// The re-coded sends queued on io_uring were just submitted: their
    /// latency is recorded as of now.
    pub fn submitted(&mut self) {
        if self.queued.is_empty() {
            return;
        }
        let now = crate::udp_batch::realtime_ns();
        for arrived in self.queued.drain(..) {
            self.latency.record(now.saturating_sub(arrived));
        }
    }

    /// Publishes the re-coded packets' latency summary into `c`.
    pub fn publish(&self, c: &super::latency::LatencyCounters) {
        self.latency.publish(c);
    }

    /// Whether the worker re-codes its own jobs and half its queue is
    /// taken (time to re-code before reading on).
    pub fn is_filling(&self) -> bool {
        self.here.is_some() && self.link.jobs.len() >= self.link.jobs.capacity() / 2
    }

    /// Queues a voice packet's `job` (a full queue drops it, counted); one
    /// that could not become a job is dropped for its reason.
    pub fn hand_off(&self, job: Result<PacketJob, DropReason>, counters: &WorkerCounters) {
        match job {
            Ok(job) => {
                self.link.push(TranscodeJob::Packet(job));
            }
            Err(reason) => counters.count_drop(reason),
        }
    }
}

impl Worker {
    /// Without transcoder threads: re-codes the jobs queued by the reads
    /// so far, one at a time, sending what each produces. Call once the
    /// relayed packets of those reads are sent.
    pub(super) fn transcode_here(&mut self) {
        loop {
            let Handoff {
                link,
                here: Some(table),
                ..
            } = &mut self.handoff
            else {
                return;
            };
            let Some(job) = link.jobs.pop() else { return };
            table.run(&job, link);
            self.on_transcoded();
        }
    }

    /// Sends, in order, what has been re-coded (a result for a call or
    /// direction since gone is dropped, counted), and queues the closes
    /// that did not fit before. Call each turn, before reading.
    pub(super) fn on_transcoded(&mut self) {
        let now = self.now_us();
        let Worker {
            handoff:
                Handoff {
                    link,
                    retiring,
                    latency,
                    queued,
                    ..
                },
            index,
            calls,
            transcode_buf,
            counters,
            uring,
            ..
        } = self;
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
                    // With io_uring, in the batch (counted when it
                    // completes); else, or with its pool taken, at once.
                    // Timed when sent: at once, or once the batch is submitted.
                    let fd = s.rtp.as_raw_fd();
                    let stamped = t.arrived_ns != 0;
                    if uring.as_mut().is_some_and(|u| u.send_copy(fd, pkt, dest)) {
                        if stamped && queued.len() < queued.capacity() {
                            queued.push(t.arrived_ns);
                        }
                    } else {
                        let sent = s.rtp.send_to(pkt, dest).is_ok();
                        counters.count_send(sent);
                        if sent && stamped {
                            latency.record(crate::udp_batch::realtime_ns().saturating_sub(t.arrived_ns));
                        }
                    }
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
        let h = &mut self.handoff;
        for g in generations.into_iter().flatten() {
            if !h.link.push(TranscodeJob::Close(g)) {
                h.retiring.push(g);
            }
        }
    }
}
