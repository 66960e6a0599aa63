//! Audio calls on media workers over real loopback sockets (issue #17): a
//! UDP peer on one side, the application's `CallAudio` on the other. The
//! peer's PCMU tone reaches the application as frames of that tone; the
//! application's tone reaches the peer as PCMU packets paced by the worker
//! (silence when it says nothing); Opus both ways at 48 kHz; a lost packet
//! becomes a concealed frame; an SRTP leg; hold and a codec change by
//! re-INVITE; RemoveCall ends the application's audio.
//!
//! No fixed sleeps beyond the peer's own 20 ms pacing: waits are on
//! frames, packets and counters, each bounded by a deadline.

use rvoip::media::OpusSettings;
use rvoip::media::audio::{AudioConfig, AudioFrame, CallAudio, pipes};
use rvoip::media::srtp::{MasterKey, SrtpContext, Suite};
use rvoip::media::{
    AudioCodec, LegConfig, LegSrtp, MediaCommand, MediaConfig, MediaEvent, MediaPlane, Side, WorkerConfig,
};
use rvoip::test_exports::media::codec::{g711, opus};
use rvoip::test_exports::media::rtp::{header, write_header};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

mod ports;
mod tone;
use ports::free_pair;

fn plane() -> (MediaPlane, mpsc::Receiver<MediaEvent>) {
    let (tx, rx) = mpsc::channel(1024);
    let worker = WorkerConfig {
        relatch: Duration::from_secs(5),
        timeout: Duration::from_secs(30),
        ..WorkerConfig::default()
    };
    let cfg = MediaConfig {
        workers: 2,
        pin: false,
        realtime: 0,
        transcoders: 0,
        worker,
    };
    (MediaPlane::start(cfg, tx).unwrap(), rx)
}

/// Waits until `cond` holds, for at most 5 s.
fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::yield_now();
    }
}

/// The UDP peer of an audio call's leg, sealing and opening SRTP when the
/// leg has it.
struct Peer {
    sock: UdpSocket,
    to: SocketAddr,
    seal: Option<SrtpContext>,
    open: Option<SrtpContext>,
}

/// A received packet: payload type, sequence number, timestamp, payload.
type Packet = (u8, u16, u32, Vec<u8>);

impl Peer {
    fn send(&mut self, pt: u8, seq: u16, ts: u32, payload: &[u8]) {
        let mut buf = [0u8; 1500];
        write_header(&mut buf, pt, false, seq, ts, 0x5eed);
        buf[12..12 + payload.len()].copy_from_slice(payload);
        let mut len = 12 + payload.len();
        if let Some(s) = &mut self.seal {
            len = s.protect(&mut buf, len).unwrap();
        }
        self.sock.send_to(&buf[..len], self.to).unwrap();
    }

    /// The next packet from the worker, within 2 s.
    fn recv(&mut self) -> Packet {
        let mut buf = [0u8; 1500];
        let (mut n, _) = self.sock.recv_from(&mut buf).expect("a packet from the worker");
        if let Some(o) = &mut self.open {
            n = o.unprotect(&mut buf[..n]).expect("our SRTP opens");
        }
        let b = &buf[..n];
        (
            header::payload_type(b),
            header::sequence(b),
            header::timestamp(b),
            b[12..].to_vec(),
        )
    }
}

/// A plane with one audio call `id` on a new leg (`codec` as payload type
/// `pt`, SRTP `srtp`), the application at `rate` having queued `said`.
struct Call {
    plane: MediaPlane,
    events: mpsc::Receiver<MediaEvent>,
    peer: Peer,
    app: CallAudio,
    leg: LegConfig,
    rt: tokio::runtime::Runtime,
}

fn audio_call(id: u64, rate: u32, codec: AudioCodec, pt: u8, srtp: Option<LegSrtp>, said: &[i16]) -> Call {
    let (plane, events) = plane();
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let port = free_pair();
    let leg = LegConfig {
        codec: Some(codec),
        codec_pt: pt,
        clock: codec.clock(),
        te_pt: Some(101),
        rtcp_mux: id.is_multiple_of(2),
        srtp,
        ..LegConfig::pcmu(port, sock.local_addr().unwrap())
    };
    let (attach, mut app) = pipes(AudioConfig { rate, queue_frames: 64 });
    for f in said.chunks(app.frame_len()) {
        app.send(f).unwrap();
    }
    let calls = || plane.counters().map(|c| c.calls.load(Relaxed)).sum::<u64>();
    plane
        .submit(MediaCommand::AddAudioCall {
            call: id,
            a: leg,
            audio: attach,
        })
        .unwrap();
    wait_until("the call's sockets bound", || calls() == 1);
    let peer = Peer {
        sock,
        to: SocketAddr::from(([127, 0, 0, 1], port)),
        seal: srtp.map(|k| SrtpContext::new(&k.rx, k.suite)),
        open: srtp.map(|k| SrtpContext::new(&k.tx, k.suite)),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    Call {
        plane,
        events,
        peer,
        app,
        leg,
        rt,
    }
}

impl Call {
    /// The application's next frame (`None`: the media ended), within 2 s.
    fn frame(&mut self) -> Option<AudioFrame> {
        let app = &mut self.app;
        let got = self
            .rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(2), app.recv()).await });
        got.expect("a frame (or the end) within 2 s")
    }

    fn counter(&self, f: impl Fn(&rvoip::media::WorkerCounters) -> &std::sync::atomic::AtomicU64) -> u64 {
        self.plane.counters().map(|c| f(c).load(Relaxed)).sum()
    }
}

fn ulaw(pcm: &[i16]) -> Vec<u8> {
    pcm.iter().map(|&s| g711::linear_to_ulaw(s)).collect()
}

fn f64s<'a>(pcm: impl IntoIterator<Item = &'a i16>) -> Vec<f64> {
    pcm.into_iter().map(|&s| f64::from(s)).collect()
}

/// The peer sends `n` packets of a 1 kHz PCMU tone at 50 a second.
fn send_pcmu_tone(peer: &mut Peer, n: u16) {
    let pcm = tone::tone(160 * n as usize, 8000.0);
    for (seq, f) in (0..n).zip(pcm.chunks(160)) {
        peer.send(0, seq, u32::from(seq) * 160, &ulaw(f));
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The tone's frequency and level in `x`: most energy at `freq`, RMS
/// within `tol` of a sine of amplitude `amp`.
fn assert_tone(x: &[f64], freq: f64, rate: f64, amp: f64, tol: f64) {
    let share = tone::share_at(x, freq, rate);
    assert!(share > 0.9, "share of {freq} Hz: {share}");
    let (rms, want) = (tone::rms(x), amp / 2f64.sqrt());
    assert!((rms - want).abs() < tol * want, "rms {rms}, want about {want}");
}

#[test]
fn a_pcmu_tone_from_the_peer_reaches_the_application_as_frames() {
    let mut c = audio_call(1, 8000, AudioCodec::Pcmu, 0, None, &[]);
    send_pcmu_tone(&mut c.peer, 25);
    let frames: Vec<AudioFrame> = (0..25).map(|_| c.frame().expect("a frame")).collect();
    for (k, f) in frames.iter().enumerate() {
        assert_eq!((f.len, f.timestamp, f.concealed), (160, 160 * k as u32, false));
    }
    let pcm = f64s(frames.iter().flat_map(|f| f.pcm()));
    assert_tone(&pcm, 1000.0, 8000.0, 8000.0, 0.1);
    assert_eq!(c.counter(|w| &w.unnegotiated), 0);
}

#[test]
fn the_applications_tone_reaches_the_peer_paced_then_silence() {
    let said = tone::sine(0, 320 * 50, 440.0, 16000.0, 8000.0);
    let mut c = audio_call(2, 16000, AudioCodec::Pcmu, 0, None, &said);
    let first = c.peer.recv();
    let start = Instant::now();
    let mut got = vec![first.clone()];
    while start.elapsed() < Duration::from_secs(1) {
        got.push(c.peer.recv());
    }
    let in_a_second = got.len();
    assert!((40..=60).contains(&in_a_second), "{in_a_second} packets in 1 s");
    // Then silence, still paced, once the application's frames run out.
    while got
        .iter()
        .rev()
        .take(5)
        .filter(|p| p.3.iter().all(|&b| b == 0xff))
        .count()
        < 5
    {
        assert!(got.len() < 200, "no silence after the application's frames");
        got.push(c.peer.recv());
    }
    for (k, p) in got.iter().enumerate() {
        assert_eq!((p.0, p.1), (0, first.1.wrapping_add(k as u16)), "PCMU, numbered on");
        assert_eq!(p.2, first.2.wrapping_add(160 * k as u32), "timestamps on 160");
        assert_eq!(p.3.len(), 160);
    }
    let heard: Vec<i16> = got[5..45]
        .iter()
        .flat_map(|p| p.3.iter().map(|&b| g711::ulaw_to_linear(b)))
        .collect();
    assert_tone(&f64s(&heard), 440.0, 8000.0, 8000.0, 0.1);
    assert_eq!(c.app.counters().sent.load(Relaxed), 50);
    assert!(c.app.counters().silence.load(Relaxed) >= 5);
}

#[test]
fn opus_both_ways_at_48_khz() {
    let said = tone::sine(0, 960 * 50, 440.0, 48000.0, 8000.0);
    let mut c = audio_call(3, 48000, AudioCodec::Opus, 111, None, &said);
    let mut peer = Peer {
        sock: c.peer.sock.try_clone().unwrap(),
        to: c.peer.to,
        seal: None,
        open: None,
    };
    let sender = std::thread::spawn(move || {
        let mut enc = opus::OpusEncoder::at_rate(48000, OpusSettings::default()).unwrap();
        let pcm = tone::sine(0, 960 * 50, 1000.0, 48000.0, 8000.0);
        let mut out = [0u8; 1000];
        for (seq, f) in (0u16..50).zip(pcm.chunks(960)) {
            let n = enc.encode(f, &mut out).unwrap();
            peer.send(111, seq, 960 * u32::from(seq), &out[..n]);
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let frames: Vec<AudioFrame> = (0..50).map(|_| c.frame().expect("a frame")).collect();
    sender.join().unwrap();
    for (k, f) in frames.iter().enumerate() {
        assert_eq!((f.len, f.timestamp, f.concealed), (960, 960 * k as u32, false));
    }
    assert_tone(
        &f64s(frames[10..].iter().flat_map(|f| f.pcm())),
        1000.0,
        48000.0,
        8000.0,
        0.3,
    );
    let mut dec = opus::OpusDecoder::at_rate(48000).unwrap();
    let mut heard = Vec::new();
    let first = c.peer.recv();
    for k in 0..45u32 {
        let p = if k == 0 { first.clone() } else { c.peer.recv() };
        assert_eq!(
            (p.0, p.2),
            (111, first.2.wrapping_add(960 * k)),
            "Opus, timestamps on 960"
        );
        let mut pcm = [0i16; 960];
        assert_eq!(dec.decode(&p.3, &mut pcm).unwrap(), 960);
        heard.extend_from_slice(&pcm);
    }
    assert_tone(&f64s(&heard[960 * 10..]), 440.0, 48000.0, 8000.0, 0.3);
}

#[test]
fn a_lost_packet_becomes_a_concealed_frame_and_a_duplicate_is_dropped() {
    let mut c = audio_call(4, 16000, AudioCodec::Pcmu, 0, None, &[]);
    let pcm = tone::tone(1600, 8000.0);
    for seq in [0u16, 1, 2, 3, 4, 6, 7, 7, 8, 9] {
        let s = usize::from(seq) * 160;
        c.peer.send(0, seq, u32::from(seq) * 160, &ulaw(&pcm[s..s + 160]));
    }
    let frames: Vec<AudioFrame> = (0..10).map(|_| c.frame().expect("a frame")).collect();
    for (k, f) in frames.iter().enumerate() {
        assert_eq!((f.len, f.timestamp), (320, 320 * k as u32), "frame {k}");
        assert_eq!(f.concealed, k == 5, "only the lost packet's frame is concealed");
    }
    let level = |f: &AudioFrame| tone::rms(&f64s(f.pcm()));
    let (before, concealed) = (level(&frames[4]), level(&frames[5]));
    assert!(
        concealed > 0.3 * before && concealed < 0.7 * before,
        "a fade: {concealed} after {before}"
    );
    wait_until("the duplicate counted", || c.counter(|w| &w.dropped) >= 1);
    assert!(c.app.try_recv().is_err(), "no frame for the duplicate");
}

#[test]
fn an_srtp_leg_is_heard_and_spoken_to_and_forgeries_are_not_heard() {
    let key = |b| MasterKey::from_bytes(&[b; 30]).unwrap();
    let suite = Suite::AesCm128HmacSha1_80;
    let srtp = LegSrtp {
        suite,
        rx: key(1),
        tx: key(2),
    };
    let mut c = audio_call(5, 8000, AudioCodec::Pcmu, 0, Some(srtp), &tone::tone(160 * 10, 8000.0));
    send_pcmu_tone(&mut c.peer, 10);
    let frames: Vec<AudioFrame> = (0..10).map(|_| c.frame().expect("a frame")).collect();
    assert_tone(&f64s(frames.iter().flat_map(|f| f.pcm())), 1000.0, 8000.0, 8000.0, 0.1);
    let mut buf = [0u8; 200];
    write_header(&mut buf, 0, false, 10, 1600, 0x5eed);
    let len = SrtpContext::new(&key(9), suite).protect(&mut buf, 172).unwrap();
    c.peer.sock.send_to(&buf[..len], c.peer.to).unwrap();
    wait_until("the forgery refused", || c.counter(|w| &w.srtp_auth_failed) == 1);
    assert!(c.app.try_recv().is_err(), "a forgery is not heard");
    let heard: Vec<i16> = (0..10)
        .flat_map(|_| c.peer.recv().3)
        .map(g711::ulaw_to_linear)
        .collect();
    assert_tone(&f64s(&heard), 1000.0, 8000.0, 8000.0, 0.1);
}

#[test]
fn hold_stops_sending_and_a_reinvite_changes_the_codec() {
    let mut c = audio_call(6, 8000, AudioCodec::Pcmu, 0, None, &[]);
    let before = c.peer.recv();
    let silence = || c.app.counters().silence.load(Relaxed);
    let held = LegConfig { send: false, ..c.leg };
    c.plane
        .submit(MediaCommand::UpdateLeg {
            call: 6,
            side: Side::A,
            leg: held,
        })
        .unwrap();
    let s0 = silence();
    wait_until("the hold applied", || silence() >= s0 + 3);
    c.peer.sock.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 1500];
    let mut last = before.1;
    while let Ok((n, _)) = c.peer.sock.recv_from(&mut buf) {
        last = header::sequence(&buf[..n]);
    }
    let s1 = silence();
    wait_until("ticks on hold", || silence() >= s1 + 10);
    assert!(c.peer.sock.recv_from(&mut buf).is_err(), "nothing sent on hold");
    c.peer.sock.set_nonblocking(false).unwrap();
    let pcma = LegConfig {
        codec: Some(AudioCodec::Pcma),
        codec_pt: 8,
        ..c.leg
    };
    c.plane
        .submit(MediaCommand::UpdateLeg {
            call: 6,
            side: Side::A,
            leg: pcma,
        })
        .unwrap();
    let resumed = c.peer.recv();
    assert_eq!((resumed.0, resumed.1), (8, last.wrapping_add(1)), "PCMA, numbered on");
    assert!(resumed.3.iter().all(|&b| b == g711::linear_to_alaw(0)), "A-law silence");
    let pcm = tone::tone(160, 8000.0);
    let alaw: Vec<u8> = pcm.iter().map(|&s| g711::linear_to_alaw(s)).collect();
    c.peer.send(8, 0, 0, &alaw);
    let f = c.frame().expect("a frame");
    assert!(tone::rms(&f64s(f.pcm())) > 4000.0, "the PCMA tone heard");
}

#[test]
fn remove_call_ends_the_applications_audio_and_reports_stats() {
    let mut c = audio_call(7, 8000, AudioCodec::Pcmu, 0, None, &[]);
    send_pcmu_tone(&mut c.peer, 3);
    wait_until("the packets read", || c.counter(|w| &w.packets_in) >= 3);
    c.plane.submit(MediaCommand::RemoveCall { call: 7 }).unwrap();
    let mut frames = 0;
    while c.frame().is_some() {
        frames += 1;
        assert!(frames <= 3);
    }
    assert_eq!(frames, 3, "every frame taken before the end");
    let stats = loop {
        let events = &mut c.events;
        match c
            .rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(2), events.recv()).await })
        {
            Ok(Some(MediaEvent::Removed { call: 7, stats })) => break stats,
            Ok(Some(_)) => continue,
            other => panic!("no Removed event: {other:?}"),
        }
    };
    let a = stats[0].expect("leg A's stats");
    assert_eq!(a.rx.packets, 3);
    assert!(a.tx_packets >= 1);
    assert!(stats[1].is_none());
    assert!(c.app.send(&[0; 160]).is_err(), "the media has ended");
}

#[test]
fn a_peer_restarting_its_numbering_backwards_is_followed_after_a_few_packets() {
    let mut c = audio_call(8, 8000, AudioCodec::Pcmu, 0, None, &[]);
    let pcm = tone::tone(160, 8000.0);
    for seq in 1000u16..1005 {
        c.peer.send(0, seq, u32::from(seq) * 160, &ulaw(&pcm));
    }
    for _ in 0..5 {
        assert!(!c.frame().expect("a frame").concealed);
    }
    // Same SSRC, numbering back at 10: the first few look late and are
    // dropped; from the fourth on it is followed.
    for seq in 10u16..20 {
        c.peer.send(0, seq, 100_000 + u32::from(seq) * 160, &ulaw(&pcm));
    }
    let resumed: Vec<AudioFrame> = (0..7).map(|_| c.frame().expect("frames again")).collect();
    assert!(resumed.iter().all(|f| !f.concealed), "followed, nothing concealed");
    let stamps: Vec<u32> = resumed.iter().map(|f| f.timestamp).collect();
    assert_eq!(stamps, (13u32..20).map(|s| 100_000 + s * 160).collect::<Vec<_>>());
}
