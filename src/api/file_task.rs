//! A file written by a task of the application's runtime from a call's
//! copies (a recording's frames, a capture's packets): it runs until the
//! call's media ends or it is stopped, then completes the file.

use super::ApiError;
use crate::media::copies::CopyReader;
use tokio::sync::oneshot;

/// A file being written from a call: [`stop`](Self::stop) it, or wait for
/// the call to end with [`finished`](Self::finished); either gives what
/// was written.
pub struct FileTask<T> {
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<T, ApiError>>,
}

/// The task's side of a stop.
pub(super) struct Stop(oneshot::Receiver<()>);

impl Stop {
    /// The reader's next copy; `None` once the call's media has ended or
    /// the task is stopped.
    pub async fn next<C>(&mut self, reader: &mut CopyReader<C>) -> Option<C> {
        tokio::select! {
            c = reader.next() => c,
            _ = &mut self.0 => None,
        }
    }
}

impl<T: Send + 'static> FileTask<T> {
    /// Runs `work` on the runtime with its stop.
    pub(super) fn spawn<F>(work: impl FnOnce(Stop) -> F) -> Self
    where
        F: Future<Output = Result<T, ApiError>> + Send + 'static,
    {
        let (stop, stopped) = oneshot::channel();
        FileTask {
            stop: Some(stop),
            task: tokio::spawn(work(Stop(stopped))),
        }
    }

    /// Stops writing and completes the file.
    pub async fn stop(mut self) -> Result<T, ApiError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.finished().await
    }

    /// Waits for the call's media to end and the file to be completed.
    pub async fn finished(self) -> Result<T, ApiError> {
        self.task
            .await
            .map_err(|e| ApiError::Config(format!("writing a call's file: {e}")))?
    }
}
