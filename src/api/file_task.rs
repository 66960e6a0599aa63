//! A file written by a task of the application's runtime from a call's
//! copies (a recording's frames, a capture's packets): it runs until the
//! call's media ends or it is stopped, then completes the file.

use super::ApiError;
use crate::media::copies::CopyReader;
use tokio::sync::oneshot;

/// A file being written from a call: [`stop`](Self::stop) it, or wait for
/// the call to end with [`finished`](Self::finished); either gives what
/// was written. Dropped, it goes on until the call ends (the file is still
/// completed; only its summary is not seen).
#[must_use = "dropped, the file is still written until the call ends, but stop() and the summary are lost"]
pub struct FileTask<T> {
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<T, ApiError>>,
}

/// The task's side of a stop (`None` once the handle has gone: the task
/// then runs to the call's end).
pub(super) struct Stop(Option<oneshot::Receiver<()>>);

impl Stop {
    /// The reader's next copy; `None` once the call's media has ended or
    /// the task is stopped.
    pub async fn next<C>(&mut self, reader: &mut CopyReader<C>) -> Option<C> {
        loop {
            let Some(stop) = self.0.as_mut() else {
                return reader.next().await;
            };
            tokio::select! {
                c = reader.next() => return c,
                r = stop => match r {
                    Ok(()) => return None,
                    Err(_) => self.0 = None,
                },
            }
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
            task: tokio::spawn(work(Stop(Some(stopped)))),
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
