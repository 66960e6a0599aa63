//! Prompts played by the worker, and taps, against the worker's end
//! driven by hand.

use super::prompt::{PlayOutcome, Prompt};
use crate::media::audio::{AudioConfig, AudioFrame, Direction, pipes};

#[tokio::test]
async fn a_prompt_plays_before_the_applications_frames_and_reports_its_end() {
    let (attach, mut app) = pipes(AudioConfig::default());
    let mut worker = attach.take().unwrap();
    assert_eq!(
        app.play(Prompt::new(vec![5i16; 10], 16000)).err(),
        Some(crate::media::audio::AudioError::Rate { got: 16000, want: 8000 })
    );
    let mut rec = app.tap(true, true).unwrap();
    app.send(&[9; 160]).unwrap();
    let first = app.play(Prompt::new(vec![1i16; 400], 8000)).unwrap();
    let second = app.play(Prompt::new(vec![2i16; 200], 8000)).unwrap();
    assert_eq!(
        first.outcome(),
        Some(PlayOutcome::Stopped),
        "replaced before it started"
    );
    let f = worker.next_frame(true).unwrap();
    assert_eq!((f.pcm()[0], second.outcome()), (2, None));
    let f = worker.next_frame(true).unwrap();
    assert_eq!((f.pcm()[39], f.pcm()[40]), (2, 0), "the end padded with silence");
    assert_eq!(second.done().await, PlayOutcome::Finished);
    assert_eq!(
        worker.next_frame(true).unwrap().pcm()[0],
        9,
        "the application's frame waited"
    );
    let looped = app
        .play(Prompt {
            looped: true,
            ..Prompt::new(vec![3i16; 100], 8000)
        })
        .unwrap();
    for _ in 0..3 {
        assert_eq!(worker.next_frame(true).unwrap().pcm()[159], 3);
    }
    looped.stop();
    assert!(worker.next_frame(true).is_none(), "stopped: silence again");
    assert_eq!(looped.outcome(), Some(PlayOutcome::Stopped));
    worker.deliver(&AudioFrame::silence(160, 7));
    let last = app.play(Prompt::new(vec![4i16; 1000], 8000)).unwrap();
    worker.next_frame(true);
    drop(worker);
    assert_eq!(last.done().await, PlayOutcome::Ended);
    let mut seen = Vec::new();
    while let Some((dir, f)) = rec.next().await {
        seen.push((dir, f.pcm()[0]));
    }
    let sent = |v| (Direction::Sent, v);
    assert_eq!(
        seen,
        [
            sent(2),
            sent(2),
            sent(9),
            sent(3),
            sent(3),
            sent(3),
            sent(0),
            (Direction::Heard, 0),
            sent(4)
        ],
        "everything sent and heard, in order, then the end"
    );
    assert_eq!(rec.dropped(), 0);
    assert!(app.recv().await.is_some() && app.recv().await.is_none());
}

#[tokio::test]
async fn each_playback_keeps_its_outcome_and_waiters_and_an_ended_call_ends_what_waits() {
    let (attach, app) = pipes(AudioConfig::default());
    let mut worker = attach.take().unwrap();
    let first = app.play(Prompt::new(vec![1i16; 160], 8000)).unwrap();
    worker.next_frame(true);
    assert_eq!(first.outcome(), Some(PlayOutcome::Finished));
    let second = std::sync::Arc::new(app.play(Prompt::new(vec![2i16; 480], 8000)).unwrap());
    let waiters: Vec<_> = (0..2)
        .map(|_| {
            let p = second.clone();
            tokio::spawn(async move { p.done().await })
        })
        .collect();
    tokio::task::yield_now().await;
    assert!(worker.next_frame(false).is_none(), "on hold: the prompt waits");
    assert_eq!(worker.next_frame(true).unwrap().pcm()[0], 2, "and goes on");
    worker.next_frame(true);
    worker.next_frame(true);
    for w in waiters {
        assert_eq!(w.await.unwrap(), PlayOutcome::Finished, "every waiter woken");
    }
    assert_eq!(
        first.outcome(),
        Some(PlayOutcome::Finished),
        "unchanged by a newer prompt"
    );
    // A prompt and a tap given and not yet taken when the call ends.
    let waiting = app.play(Prompt::new(vec![3i16; 160], 8000)).unwrap();
    let mut tap = app.tap(true, false).unwrap();
    drop(worker);
    assert_eq!(waiting.done().await, PlayOutcome::Ended);
    assert!(tap.next().await.is_none(), "the tap ends with the call");
    assert_eq!(
        app.play(Prompt::new(vec![4i16; 160], 8000)).err(),
        Some(crate::media::audio::AudioError::Closed)
    );
}
