//! Every API call has audio (issue #17): a client placing a call with
//! `make_call_audio` and a server answering with `accept_audio` each send
//! a tone as 20 ms frames and hear the other's, over real loopback
//! sockets, through the codec the two agreed (PCMU; Opus with SRTP), at
//! the rate each application asked for; when the call ends, `recv` says
//! so.

use rvoip::api::*;
use std::time::Duration;

mod events;
mod ports;
use events::next;

fn cfg(srtp: bool) -> ServerConfig {
    let base = ports::free_block(4);
    let mut c = ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: (base, base + 8),
        media_workers: 1,
        ..Default::default()
    };
    c.srtp.sdes_in_clear = srtp;
    c
}

/// `n` samples of a sine at `freq` Hz at `rate`, starting at sample `from`.
fn sine(freq: f64, rate: u32, from: usize, n: usize) -> Vec<i16> {
    (from..from + n)
        .map(|i| (8000.0 * (2.0 * std::f64::consts::PI * freq * i as f64 / rate as f64).sin()) as i16)
        .collect()
}

/// Power at `freq` (Goertzel) over `x` sampled at `rate`.
fn power(x: &[f64], freq: f64, rate: u32) -> f64 {
    let w = 2.0 * std::f64::consts::PI * freq / rate as f64;
    let (mut s1, mut s2) = (0.0, 0.0);
    for &v in x {
        let s = v + 2.0 * w.cos() * s1 - s2;
        (s2, s1) = (s1, s);
    }
    (s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2) / (x.len() as f64).powi(2)
}

/// Sends `freq` for `ticks` frames of 20 ms and keeps what arrives.
async fn talk(mut audio: CallAudio, freq: f64, ticks: usize) -> (CallAudio, Vec<AudioFrame>) {
    let (rate, len) = (audio.rate(), audio.frame_len());
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let mut heard = Vec::new();
    for t in 0..ticks {
        tick.tick().await;
        let _ = audio.send(&sine(freq, rate, t * len, len));
        while let Ok(f) = audio.try_recv() {
            heard.push(f);
        }
    }
    (audio, heard)
}

/// The last 400 ms of `frames` carry `freq` above its neighbours, loud.
fn check(frames: &[AudioFrame], freq: f64, rate: u32, who: &str) {
    let len = rate as usize / 50;
    assert!(frames.len() >= 40, "{who} heard {} frames", frames.len());
    assert!(frames.iter().all(|f| f.len == len), "{who}: frames of 20 ms at {rate}");
    let stamps: Vec<u32> = frames.iter().map(|f| f.timestamp).collect();
    assert!(
        stamps.windows(2).all(|w| w[1].wrapping_sub(w[0]) == len as u32),
        "{who}: timestamps advance by a frame: {stamps:?}"
    );
    let tail: Vec<f64> = frames[frames.len() - 20..]
        .iter()
        .flat_map(|f| f.pcm().iter().map(|&s| f64::from(s)))
        .collect();
    let at = power(&tail, freq, rate);
    let others: f64 = [freq * 0.7, freq * 1.3, freq * 2.0]
        .iter()
        .map(|&f| power(&tail, f, rate))
        .sum();
    assert!(
        at > 20.0 * others,
        "{who}: {freq} Hz dominates ({at:.1} vs {others:.1})"
    );
    let rms = (tail.iter().map(|v| v * v).sum::<f64>() / tail.len() as f64).sqrt();
    assert!(rms > 2000.0, "{who}: level {rms:.0}");
}

async fn both_ways(codec: &str, client_rate: u32, server_rate: u32, srtp: bool) {
    let mut server = create_sip_server(cfg(srtp)).await.unwrap();
    let mut client = create_sip_client(ClientConfig {
        server: cfg(srtp),
        ..Default::default()
    })
    .await
    .unwrap();
    let opts = CallOptions {
        codecs: vec![codec.into()],
        srtp: if srtp { SrtpPolicy::Mandatory } else { SrtpPolicy::Off },
        sdes_in_clear: srtp,
        ..Default::default()
    };
    let rate = |rate| AudioConfig { rate, queue_frames: 10 };
    let uri = format!("sip:bob@{}", server.local_addr());
    let (id, caller) = client.make_call_audio(&uri, &opts, rate(client_rate)).unwrap();
    let CallEvent::Incoming(inc) = next(&mut server).await else {
        panic!("no call")
    };
    let (_, callee) = inc.accept_audio(rate(server_rate)).unwrap();
    assert!(matches!(next(&mut client).await, CallEvent::Answered(i) if i == id));
    let (caller, callee) = tokio::join!(talk(caller, 440.0, 80), talk(callee, 1000.0, 80));
    check(&callee.1, 440.0, server_rate, "the callee");
    check(&caller.1, 1000.0, client_rate, "the caller");
    client.end_call(id).unwrap();
    for (mut audio, who) in [(caller.0, "caller"), (callee.0, "callee")] {
        let ended = tokio::time::timeout(Duration::from_secs(5), async { while audio.recv().await.is_some() {} });
        assert!(ended.await.is_ok(), "the {who}'s audio ends with the call");
    }
}

#[tokio::test]
async fn pcmu_both_ways_at_8_khz() {
    both_ways("PCMU", 8000, 8000, false).await;
}

#[tokio::test]
async fn opus_over_srtp_at_48_and_16_khz() {
    both_ways("opus", 48000, 16000, true).await;
}

#[tokio::test]
async fn a_bad_rate_is_refused_naming_it() {
    let client = create_sip_client(ClientConfig {
        server: cfg(false),
        ..Default::default()
    })
    .await
    .unwrap();
    let bad = AudioConfig {
        rate: 44100,
        queue_frames: 10,
    };
    let err = client
        .make_call_audio("sip:x@127.0.0.1:9", &CallOptions::default(), bad)
        .err()
        .expect("refused");
    assert!(err.to_string().contains("44100"), "{err}");
}

/// The next DTMF digit a UA reports (other events skipped).
async fn digit(ua: &mut SipUa) -> (char, Duration) {
    loop {
        if let CallEvent::Dtmf(_, d, held) = next(ua).await {
            return (d, held);
        }
    }
}

#[tokio::test]
async fn dtmf_both_ways_each_digit_once_in_order() {
    let mut server = create_sip_server(cfg(false)).await.unwrap();
    let mut client = create_sip_client(ClientConfig {
        server: cfg(false),
        ..Default::default()
    })
    .await
    .unwrap();
    let uri = format!("sip:bob@{}", server.local_addr());
    let (id, _caller) = client
        .make_call_audio(&uri, &CallOptions::default(), AudioConfig::default())
        .unwrap();
    let CallEvent::Incoming(inc) = next(&mut server).await else {
        panic!("no call")
    };
    let (sid, mut callee) = inc.accept_audio(AudioConfig::default()).unwrap();
    assert!(matches!(next(&mut client).await, CallEvent::Answered(i) if i == id));
    assert!(client.send_dtmf(id, "1x").is_err(), "x is no digit");
    client.send_dtmf(id, "12#").unwrap();
    for want in ['1', '2', '#'] {
        let (d, held) = digit(&mut server).await;
        assert_eq!(d, want);
        assert_eq!(held, Duration::from_millis(100), "held 100 ms");
    }
    // Digits share the voice's sequence numbers: no gap, nothing concealed.
    let frames: Vec<AudioFrame> = std::iter::from_fn(|| callee.try_recv().ok()).collect();
    assert!(frames.len() >= 3 && frames.iter().all(|f| !f.concealed), "{frames:?}");
    server.send_dtmf(sid, "*D").unwrap();
    assert_eq!(digit(&mut client).await.0, '*');
    assert_eq!(digit(&mut client).await.0, 'D');
    // Once each: nothing more within the time three more digits would take.
    let more = tokio::time::timeout(Duration::from_millis(600), digit(&mut server)).await;
    assert!(more.is_err(), "no digit reported twice: {more:?}");
}
