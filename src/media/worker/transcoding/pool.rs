//! The transcoder threads of a plane (`media.transcoders`): thread `i`
//! serves the links of workers `i`, `i + n`, …, running each link's jobs
//! in order with that worker's [`TranscoderTable`]; it parks when every
//! queue is empty (a worker's push unparks it). Placed after the workers
//! on the cores, at normal priority even when the workers run at a
//! real-time one, so that on a shared core a worker preempts them.

use super::{TranscodeLink, TranscoderTable};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a transcoder thread sleeps with nothing to do before looking
/// at its stop flag (a job wakes it sooner).
const IDLE: Duration = Duration::from_millis(250);

/// Running transcoder threads; stopped and joined when dropped.
pub struct TranscoderPool {
    threads: Vec<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
}

impl TranscoderPool {
    /// Starts `n` threads (none when `n` is 0) for the workers' `links`;
    /// pinned, when `cores` are given, to those after the `first` (the
    /// workers' cores: thread `i` on `cores[(first + i) % len]`).
    pub fn start(
        n: usize,
        links: &[Arc<TranscodeLink>],
        cores: &[core_affinity::CoreId],
        first: usize,
    ) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::with_capacity(n);
        for i in 0..n {
            let mine: Vec<Arc<TranscodeLink>> = links.iter().skip(i).step_by(n).cloned().collect();
            let core = (!cores.is_empty()).then(|| cores[(first + i) % cores.len()]);
            let stop = stop.clone();
            let served = mine.clone();
            let t = std::thread::Builder::new()
                .name(format!("rvoip-transcode-{i}"))
                .spawn(move || {
                    if let Some(core) = core {
                        core_affinity::set_for_current(core);
                    }
                    serve(&served, &stop);
                })?;
            for link in &mine {
                link.serve_from(t.thread().clone());
            }
            threads.push(t);
        }
        Ok(TranscoderPool { threads, stop })
    }

    /// Number of threads.
    pub fn threads(&self) -> usize {
        self.threads.len()
    }
}

impl Drop for TranscoderPool {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
        for t in self.threads.drain(..) {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

/// A transcoder thread's loop over its workers' links.
fn serve(links: &[Arc<TranscodeLink>], stop: &AtomicBool) {
    let mut tables: Vec<TranscoderTable> = links.iter().map(|_| TranscoderTable::default()).collect();
    while !stop.load(Relaxed) {
        let mut ran = 0;
        for (link, table) in links.iter().zip(&mut tables) {
            ran += table.drain(link);
        }
        if ran == 0 {
            std::thread::park_timeout(IDLE);
        }
    }
}
