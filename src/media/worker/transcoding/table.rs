//! The transcoders of one worker's directions, on the thread that runs
//! its jobs: made by a direction's first job, dropped by its close. A
//! job's lost frames (a gap in its sequence numbers) are concealed and
//! delivered first, each as its own packet, then the job re-coded.

use super::{PAYLOAD_MAX, PacketJob, TranscodeJob, TranscodeLink, Transcoded};
use crate::media::codec::Transcoder;
use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;

/// Transcoders by generation.
#[derive(Default)]
pub struct TranscoderTable {
    states: HashMap<u64, Transcoder>,
}

impl TranscoderTable {
    /// Runs every job queued on `link`, delivering what each produces and
    /// waking the worker after each; returns how many ran.
    pub fn drain(&mut self, link: &TranscodeLink) -> usize {
        let mut ran = 0;
        while let Some(job) = link.jobs.pop() {
            self.run(&job, link);
            link.wake_worker();
            ran += 1;
        }
        ran
    }

    /// Runs one job from `link`'s worker.
    pub fn run(&mut self, job: &TranscodeJob, link: &TranscodeLink) {
        match job {
            TranscodeJob::Packet(p) => self.recode(p, link),
            TranscodeJob::Close(generation) => {
                if self.states.remove(generation).is_some() {
                    link.counters.transcoders.fetch_sub(1, Relaxed);
                }
            }
        }
    }

    fn recode(&mut self, job: &PacketJob, link: &TranscodeLink) {
        let (from, to, opus) = job.codecs;
        let t = match self.states.entry(job.generation) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => match Transcoder::new(from, to, opus) {
                Ok(t) => {
                    link.counters.transcoders.fetch_add(1, Relaxed);
                    v.insert(t)
                }
                Err(_) => return link.count_undecodable(),
            },
        };
        let frame_ts = from.clock() / 50;
        for k in (1..=t.missing_before(job.rtp.seq)).rev() {
            let mut lost = Transcoded::for_job(job);
            let Ok(n) = t.conceal(&mut lost.payload) else { break };
            lost.marker_pt &= 0x7f;
            lost.rtp.seq = job.rtp.seq.wrapping_sub(k);
            lost.rtp.ts = t.scale_ts(job.rtp.ts.wrapping_sub(u32::from(k) * frame_ts));
            link.deliver(with_payload(lost, n));
        }
        let mut coded = Transcoded::for_job(job);
        let payload = &job.payload[..job.rtp.payload_len.min(PAYLOAD_MAX)];
        match t.transcode(payload, &mut coded.payload) {
            Ok(n) => {
                coded.rtp.ts = t.scale_ts(job.rtp.ts);
                link.deliver(with_payload(coded, n));
            }
            Err(_) => link.count_undecodable(),
        }
    }
}

/// `t` with a payload of `n` bytes after a plain 12-byte header.
fn with_payload(mut t: Transcoded, n: usize) -> Transcoded {
    t.rtp.header_len = 12;
    t.rtp.payload_len = n;
    t.rtp.len = 12 + n;
    t
}
