//! Transcoding on threads of its own (issue #21, `media.transcoders`): a
//! worker that meets voice on a transcoded direction copies it into a job
//! on a bounded lock-free queue ([`TranscodeLink`]) and goes on relaying;
//! a transcoder thread ([`TranscoderPool`]) conceals what was lost and
//! re-codes it with the direction's [`Transcoder`](crate::media::codec::Transcoder),
//! which lives only there ([`TranscoderTable`]), into a preallocated
//! result on the queue back, and wakes the worker, which rewrites the
//! header for the outgoing leg (sequence, timestamp, SSRC, SRTP) and
//! sends it, in order. So no encode ever runs on a worker's thread in
//! front of a relayed packet. A full queue drops the packet and counts it
//! (`transcode_dropped`); a direction's state is made by its first job and
//! dropped by a close that follows its jobs in the same queue.

mod job;
mod link;
mod pool;
mod table;

pub use job::{PAYLOAD_MAX, PacketJob, TranscodeJob, Transcoded};
pub use link::TranscodeLink;
pub use pool::TranscoderPool;
pub use table::TranscoderTable;
