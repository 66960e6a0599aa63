//! Plain API calls have audio, prompts and recordings (issue #17): a call
//! placed with `make_call` and answered with `accept_call` is bound on a
//! worker, its audio taken with `take_audio`; the callee has the worker
//! play a prompt (completion reported, or stopped on a digit: barge-in);
//! the caller records both ways as a stereo WAV and captures the call's
//! RTP as a pcap (read back here; tshark reads it in peers/). Over
//! loopback sockets, through PCMU.

use rvoip::api::*;
use std::time::Duration;

mod events;
mod pcap;
mod ports;
use events::next;

fn cfg() -> ServerConfig {
    let base = ports::free_block(4);
    ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: (base, base + 8),
        media_workers: 1,
        ..Default::default()
    }
}

fn sine(freq: f64, from: usize, n: usize) -> Vec<i16> {
    (from..from + n)
        .map(|i| (8000.0 * (2.0 * std::f64::consts::PI * freq * i as f64 / 8000.0).sin()) as i16)
        .collect()
}

/// Power at `freq` (Goertzel) over `x` at 8 kHz.
fn power(x: &[f64], freq: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * freq / 8000.0;
    let (mut s1, mut s2) = (0.0, 0.0);
    for &v in x {
        let s = v + 2.0 * w.cos() * s1 - s2;
        (s2, s1) = (s1, s);
    }
    (s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2) / (x.len() as f64).powi(2)
}

fn rms(x: &[f64]) -> f64 {
    (x.iter().map(|v| v * v).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// The RMS level of the next frame `audio` hears.
async fn next_level(audio: &mut CallAudio) -> f64 {
    let f = tokio::time::timeout(Duration::from_secs(5), audio.recv()).await;
    rms(&f
        .unwrap()
        .unwrap()
        .pcm()
        .iter()
        .map(|&s| f64::from(s))
        .collect::<Vec<_>>())
}

/// A plain call from `client` to `server`: (caller's id, callee's id).
async fn plain_call(client: &mut SipUa, server: &mut SipUa) -> (CallId, CallId) {
    let id = client.make_call(&format!("sip:bob@{}", server.local_addr())).unwrap();
    let inc = loop {
        match next(server).await {
            CallEvent::Incoming(inc) => break inc,
            CallEvent::Ended(..) | CallEvent::Answered(_) => continue,
            ev => panic!("{ev:?}"),
        }
    };
    let sid = server.accept_call(inc).unwrap();
    loop {
        match next(client).await {
            CallEvent::Answered(i) if i == id => break,
            CallEvent::Failed(..) | CallEvent::Ended(..) | CallEvent::Ringing(_) => continue,
            ev => panic!("{ev:?}"),
        }
    }
    (id, sid)
}

async fn endpoints() -> (SipServer, SipClient) {
    let server = create_sip_server(cfg()).await.unwrap();
    let client = create_sip_client(ClientConfig {
        server: cfg(),
        ..Default::default()
    })
    .await
    .unwrap();
    (server, client)
}

#[tokio::test]
async fn a_plain_call_plays_a_prompt_to_its_end_and_records_both_ways() {
    let (mut server, mut client) = endpoints().await;
    let (id, sid) = plain_call(&mut client, &mut server).await;
    let callee = server.take_audio(sid).expect("the callee's audio");
    assert!(server.take_audio(sid).is_none(), "taken once");
    let mut caller = client.take_audio(id).expect("the caller's audio");
    assert_eq!((caller.rate(), callee.rate()), (8000, 8000));
    let dir = std::env::temp_dir().join(format!("rvoip-prompts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("both.wav");
    let recording = record_call(&caller, &path, Record::Both).unwrap();
    // 600 ms of 1 kHz, played by the callee's worker.
    let playback = callee.play(Prompt::new(sine(1000.0, 0, 4800), 8000)).unwrap();
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    for t in 0..60 {
        tick.tick().await;
        caller.send(&sine(440.0, t * 160, 160)).unwrap();
        while caller.try_recv().is_ok() {}
    }
    let outcome = tokio::time::timeout(Duration::from_secs(5), playback.done()).await;
    assert_eq!(outcome, Ok(PlayOutcome::Finished), "the prompt played out");
    client.end_call(id).unwrap();
    let rec = tokio::time::timeout(Duration::from_secs(5), recording.finished())
        .await
        .expect("the recording ends with the call")
        .unwrap();
    assert_eq!(rec.dropped, 0);
    let mut wav = hound::WavReader::open(&path).unwrap();
    assert_eq!((wav.spec().channels, wav.spec().sample_rate), (2, 8000));
    let samples: Vec<f64> = wav.samples::<i16>().map(|s| f64::from(s.unwrap())).collect();
    let left: Vec<f64> = samples.iter().step_by(2).copied().collect();
    let right: Vec<f64> = samples.iter().skip(1).step_by(2).copied().collect();
    assert!(
        left.len() as u64 == rec.samples && left.len() >= 8000,
        "{} samples",
        left.len()
    );
    // Heard (left): the prompt; sent (right): the caller's 440 Hz.
    let (l_prompt, l_tone) = (power(&left, 1000.0), power(&left, 440.0));
    assert!(
        l_prompt > 20.0 * l_tone,
        "left holds the prompt: {l_prompt:.1} vs {l_tone:.1}"
    );
    let (r_tone, r_prompt) = (power(&right, 440.0), power(&right, 1000.0));
    assert!(
        r_tone > 20.0 * r_prompt,
        "right holds what was sent: {r_tone:.1} vs {r_prompt:.1}"
    );
    let loud = left.chunks(160).filter(|f| rms(f) > 2000.0).count();
    assert!(
        (25..=35).contains(&loud),
        "600 ms of prompt heard: {loud} loud frames of 20 ms"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_digit_stops_a_looped_prompt() {
    let (mut server, mut client) = endpoints().await;
    let (id, sid) = plain_call(&mut client, &mut server).await;
    let callee = server.take_audio(sid).unwrap();
    let mut caller = client.take_audio(id).unwrap();
    let prompt = Prompt {
        looped: true,
        ..Prompt::new(sine(1000.0, 0, 800), 8000)
    };
    let playback = callee.play(prompt).unwrap();
    // The caller hears the prompt, then presses 5.
    let mut loud = 0;
    while loud < 10 {
        let level = next_level(&mut caller).await;
        loud += usize::from(level > 2000.0);
    }
    client.send_dtmf(id, "5").unwrap();
    loop {
        if let CallEvent::Dtmf(i, '5', _) = next(&mut server).await {
            assert_eq!(i, sid);
            playback.stop();
            break;
        }
    }
    assert_eq!(playback.done().await, PlayOutcome::Stopped);
    // Silence from then on, after what was already on its way (bounded:
    // the prompt's frames in flight end within a few ticks).
    let mut skipped = 0;
    while next_level(&mut caller).await > 100.0 {
        skipped += 1;
        assert!(skipped < 50, "the prompt did not stop");
    }
    let mut quiet = 0;
    while quiet < 10 {
        let level = next_level(&mut caller).await;
        assert!(level < 100.0, "the prompt stopped: {level:.0}");
        quiet += 1;
    }
    client.end_call(id).unwrap();
    assert_eq!(playback.outcome(), Some(PlayOutcome::Stopped));
}

#[tokio::test]
async fn signalling_only_calls_and_unknown_calls_have_no_audio() {
    let (mut server, mut client) = endpoints().await;
    let opts = CallOptions {
        signalling_only: true,
        ..Default::default()
    };
    let id = client
        .make_call_with(&format!("sip:bob@{}", server.local_addr()), &opts)
        .unwrap();
    let CallEvent::Incoming(inc) = next(&mut server).await else {
        panic!("no call")
    };
    let sid = server.accept_call(inc).unwrap();
    assert!(matches!(next(&mut client).await, CallEvent::Answered(_)));
    assert!(client.take_audio(id).is_none(), "signalling only");
    assert!(client.take_audio(CallId(12345)).is_none());
    let callee = server.take_audio(sid).expect("the callee's audio all the same");
    client.end_call(id).unwrap();
    loop {
        match next(&mut server).await {
            CallEvent::Ended(i, _) if i == sid => break,
            CallEvent::Answered(_) => continue,
            ev => panic!("{ev:?}"),
        }
    }
    let mut callee = callee;
    let ended = tokio::time::timeout(Duration::from_secs(5), async { while callee.recv().await.is_some() {} });
    assert!(ended.await.is_ok(), "the callee's audio ends with the call");
}

#[tokio::test]
async fn a_call_is_captured_both_ways_as_a_pcap_and_a_failed_one_ends_its_capture() {
    let (mut server, mut client) = endpoints().await;
    let dir = std::env::temp_dir().join(format!("rvoip-pcap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Asked before the call is answered: captured from its media's start.
    let id = client.make_call(&format!("sip:bob@{}", server.local_addr())).unwrap();
    let capture = client.capture_call(id, dir.join("call.pcap")).unwrap();
    let CallEvent::Incoming(inc) = next(&mut server).await else {
        panic!("no call")
    };
    server.accept_call(inc).unwrap();
    assert!(matches!(next(&mut client).await, CallEvent::Answered(i) if i == id));
    tokio::time::sleep(Duration::from_millis(600)).await;
    client.end_call(id).unwrap();
    let got = tokio::time::timeout(Duration::from_secs(5), capture.finished())
        .await
        .expect("the capture ends with the call")
        .unwrap();
    assert_eq!(got.dropped, 0);
    let rtp = pcap::rtp(&got.path);
    assert_eq!(rtp.len() as u64, got.packets);
    let flows = pcap::flows(&rtp, 15);
    assert_eq!(
        flows.len(),
        2,
        "one flow each way, 15 packets or more in 600 ms: {flows:?}"
    );
    assert!(rtp.iter().all(|r| r.2 == 0), "PCMU");
    // A call that never has media: its capture ends when the call does.
    let id = client.make_call(&format!("sip:bob@{}", server.local_addr())).unwrap();
    let capture = client.capture_call(id, dir.join("failed.pcap")).unwrap();
    let inc = loop {
        match next(&mut server).await {
            CallEvent::Incoming(inc) => break inc,
            CallEvent::Answered(_) | CallEvent::Ended(..) => continue,
            ev => panic!("{ev:?}"),
        }
    };
    server.reject_call(inc, StatusCode::BUSY_HERE).unwrap();
    loop {
        match next(&mut client).await {
            CallEvent::Failed(i, _) if i == id => break,
            CallEvent::Ended(..) | CallEvent::Ringing(_) => continue,
            ev => panic!("{ev:?}"),
        }
    }
    let got = tokio::time::timeout(Duration::from_secs(5), capture.finished()).await;
    assert_eq!(got.expect("ended with the call").unwrap().packets, 0);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_recording_ends_with_a_call_that_fails_and_goes_on_when_its_handle_is_dropped() {
    let (mut server, mut client) = endpoints().await;
    let dir = std::env::temp_dir().join(format!("rvoip-rec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Recorded from before the answer; the callee refuses.
    let id = client.make_call(&format!("sip:bob@{}", server.local_addr())).unwrap();
    let audio = client.take_audio(id).expect("audio before the answer");
    let recording = record_call(&audio, dir.join("refused.wav"), Record::Both).unwrap();
    let CallEvent::Incoming(inc) = next(&mut server).await else {
        panic!("no call")
    };
    server.reject_call(inc, StatusCode::BUSY_HERE).unwrap();
    let got = tokio::time::timeout(Duration::from_secs(5), recording.finished()).await;
    assert_eq!(got.expect("finished with the failed call").unwrap().samples, 0);
    // A handle dropped at once: the file is still written to the call's end.
    let (id, _) = plain_call(&mut client, &mut server).await;
    let mut audio = client.take_audio(id).unwrap();
    let path = dir.join("dropped.wav");
    let _ = record_call(&audio, &path, Record::Sent).unwrap();
    for t in 0..25 {
        audio.send_paced(&sine(440.0, t * 160, 160)).await.unwrap();
    }
    client.end_call(id).unwrap();
    let mut sent: Vec<f64> = Vec::new();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if let Ok(mut wav) = hound::WavReader::open(&path) {
            sent = wav.samples::<i16>().map(|s| f64::from(s.unwrap())).collect();
            if !sent.is_empty() {
                break;
            }
        }
    }
    // At least what left before the BYE (the rest of the queue may not).
    assert!(
        sent.len() >= 160 * 10,
        "the dropped recording holds the call: {} samples",
        sent.len()
    );
    assert!(rms(&sent) > 2000.0, "and what was sent: level {:.0}", rms(&sent));
    let _ = std::fs::remove_dir_all(dir);
}
