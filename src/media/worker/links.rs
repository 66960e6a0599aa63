//! What ties a worker to its plane.

use super::{Inbox, WorkerCounters};
use crate::media::MediaEvent;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use tokio::sync::mpsc;

/// What ties a worker to its plane: its command queue, the signalling
/// shards' event queues, the stop flag, its published counters and its
/// transcoder thread's queues.
pub struct WorkerLinks {
    /// Commands from signalling.
    pub commands: Arc<Inbox>,
    /// One event queue per signalling shard.
    pub events: Vec<mpsc::Sender<MediaEvent>>,
    /// Set to stop the worker.
    pub stop: Arc<AtomicBool>,
    /// What it publishes.
    pub counters: Arc<WorkerCounters>,
    /// Its transcoder thread's queues (`None`: it transcodes inline).
    pub transcode: Option<Arc<super::transcoding::TranscodeLink>>,
}
