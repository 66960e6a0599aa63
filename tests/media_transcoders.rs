//! Transcoding on threads of its own (issue #21, `media.transcoders`):
//! voice on a transcoded direction leaves the worker as a job and comes
//! back re-coded, in order, lost Opus frames concealed; a full job queue
//! drops and counts; a call removed mid-stream leaves no transcoder state
//! behind; and a worker without transcoder threads relays the packets of
//! a read before it re-codes the read's voice. Over real loopback
//! sockets, through epoll and io_uring.
//!
//! Two kinds of worker: a stepped one (run on the test's thread one turn
//! at a time) whose jobs only the test runs (`run_transcoder`), so what
//! is queued, dropped and sent is exact; and a plane with a transcoder
//! thread, end to end. No fixed sleeps: waits are for what the worker
//! publishes or sends, each bounded by a deadline.

use rvoip::media::OpusSettings;
use rvoip::media::rtp::write_header;
use rvoip::media::{
    AudioCodec, LegConfig, MediaCommand, MediaConfig, MediaEvent, MediaIo, MediaPlane, WorkerConfig, WorkerCounters,
};
use rvoip::test_exports::media::SteppedWorker;
use rvoip::test_exports::media::codec::g711;
use rvoip::test_exports::media::codec::opus::{OpusDecoder, OpusEncoder};
use rvoip::test_exports::media::rtp::header;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

#[macro_use]
mod on_both_ios;
mod ports;

on_both_ios!(
    a_worker_relays_its_read_before_it_re_codes,
    a_full_job_queue_drops_and_counts_and_what_fit_goes_in_order,
    lost_opus_frames_are_concealed_in_order_through_a_transcoder_thread,
    a_call_removed_mid_stream_leaves_no_transcoder_behind,
);

fn endpoint() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    s
}

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// A PCMU leg on `port` towards `peer`.
fn pcmu(port: u16, peer: &UdpSocket) -> LegConfig {
    LegConfig {
        codec: Some(AudioCodec::Pcmu),
        ..LegConfig::pcmu(port, peer.local_addr().unwrap())
    }
}

/// An Opus (PT 111, 48 kHz) leg on `port` towards `peer`.
fn opus(port: u16, peer: &UdpSocket) -> LegConfig {
    LegConfig {
        codec: Some(AudioCodec::Opus),
        codec_pt: 111,
        clock: 48_000,
        ..LegConfig::pcmu(port, peer.local_addr().unwrap())
    }
}

/// A PCMU packet `seq` carrying 20 ms of a 1 kHz tone.
fn pcmu_packet(seq: u16) -> Vec<u8> {
    let mut p = vec![0u8; 12 + 160];
    write_header(&mut p, 0, false, seq, 160 * u32::from(seq), 0xa);
    g711::encode_ulaw(&tone(), &mut p[12..]);
    p
}

fn tone() -> Vec<i16> {
    (0..160)
        .map(|i| (8000.0 * (2.0 * std::f64::consts::PI * i as f64 / 8.0).sin()) as i16)
        .collect()
}

fn recv(s: &UdpSocket) -> Option<Vec<u8>> {
    let mut buf = [0u8; 2048];
    s.recv_from(&mut buf).ok().map(|(n, _)| buf[..n].to_vec())
}

/// Waits until `cond` holds, for at most 5 s, running `turn` meanwhile.
fn wait_until(what: &str, mut turn: impl FnMut(), cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        turn();
        std::thread::yield_now();
    }
}

fn load(c: &AtomicU64) -> u64 {
    c.load(Relaxed)
}

fn a_full_job_queue_drops_and_counts_and_what_fit_goes_in_order(io: MediaIo) {
    let cfg = WorkerConfig {
        io,
        ..WorkerConfig::default()
    };
    // A queue of 4 jobs that nothing drains until the test says.
    let mut w = SteppedWorker::with_transcoding(cfg, 4).unwrap();
    assert_eq!(w.io(), io, "this kernel has io_uring: no fallback");
    let (a, b) = (endpoint(), endpoint());
    let (pa, pb) = (ports::free_pair(), ports::free_pair());
    let add = MediaCommand::AddCall {
        call: 1,
        a: pcmu(pa, &a),
        b: Some(opus(pb, &b)),
    };
    w.inbox.push(add).unwrap();
    w.step(Duration::ZERO);
    assert_eq!(load(&w.counters.calls), 1, "the call's sockets bound");
    for seq in 1..=10 {
        a.send_to(&pcmu_packet(seq), addr(pa)).unwrap();
    }
    let counters = w.counters.clone();
    wait_until(
        "ten packets read",
        || w.step(Duration::from_millis(10)),
        || load(&counters.packets_in) == 10,
    );
    assert_eq!(load(&w.counters.transcode_dropped), 6, "four fit, six dropped");
    assert_eq!(load(&w.counters.dropped), 6, "and counted as dropped");
    assert_eq!(load(&w.counters.packets_out), 0, "nothing encoded on the worker");
    assert_eq!(w.run_transcoder(), 4);
    assert_eq!(load(&w.counters.transcoders), 1, "A->B's state made by its first job");
    w.step(Duration::ZERO);
    let mut seqs = Vec::new();
    for _ in 0..4 {
        let p = recv(&b).expect("a re-coded packet");
        assert_eq!(header::payload_type(&p), 111, "Opus towards B");
        assert!(p.len() < 12 + 160, "Opus is smaller than G.711");
        seqs.push(header::sequence(&p));
    }
    assert!(
        seqs.windows(2).all(|s| s[1] == s[0].wrapping_add(1)),
        "what fit goes in order: {seqs:?}"
    );
    assert_eq!(load(&w.counters.packets_out), 4);
}

/// A plane of one worker reading through `io`, with one transcoder thread.
fn plane(io: MediaIo) -> (MediaPlane, tokio::sync::mpsc::Receiver<MediaEvent>) {
    let (tx, rx) = tokio::sync::mpsc::channel(1024);
    let cfg = MediaConfig {
        workers: 1,
        pin: false,
        realtime: 0,
        transcoders: 1,
        worker: WorkerConfig {
            io,
            ..WorkerConfig::default()
        },
    };
    let plane = MediaPlane::start(cfg, tx).unwrap();
    assert_eq!((plane.io(), plane.transcoders()), (io, 1));
    (plane, rx)
}

fn counters(plane: &MediaPlane) -> &WorkerCounters {
    plane.counters().next().unwrap()
}

/// Call `id` between A (PCMU) and B (Opus) on `plane`, its sockets bound.
fn transcoded_call(plane: &MediaPlane, id: u64) -> (UdpSocket, UdpSocket, u16, u16) {
    let (a, b) = (endpoint(), endpoint());
    let (pa, pb) = (ports::free_pair(), ports::free_pair());
    let before = load(&counters(plane).calls);
    let add = MediaCommand::AddCall {
        call: id,
        a: pcmu(pa, &a),
        b: Some(opus(pb, &b)),
    };
    plane.submit(add).unwrap();
    wait_until(
        "the call's sockets bound",
        || {},
        || load(&counters(plane).calls) > before,
    );
    (a, b, pa, pb)
}

fn lost_opus_frames_are_concealed_in_order_through_a_transcoder_thread(io: MediaIo) {
    let (plane, _events) = plane(io);
    let (a, b, _pa, pb) = transcoded_call(&plane, 1);
    let mut enc = OpusEncoder::new(OpusSettings::default()).unwrap();
    let mut dec_check = OpusDecoder::new().unwrap();
    let mut pcm = [0i16; 960];
    let mut heard = Vec::new();
    // B sends Opus 1, 2, 5, 6: frames 3 and 4 lost on the way.
    for seq in [1u16, 2, 5, 6] {
        let mut p = vec![0u8; 12 + 400];
        write_header(&mut p, 111, false, seq, 960 * u32::from(seq), 0xb);
        let n = enc.encode(&tone(), &mut p[12..]).unwrap();
        assert!(dec_check.decode(&p[12..12 + n], &mut pcm).is_ok());
        b.send_to(&p[..12 + n], addr(pb)).unwrap();
        let want = if seq == 5 { 3 } else { 1 };
        for _ in 0..want {
            heard.push(recv(&a).expect("PCMU towards A"));
        }
    }
    assert_eq!(heard.len(), 6, "frames 3 and 4 concealed");
    assert!(
        heard
            .iter()
            .all(|p| (header::payload_type(p), p.len()) == (0, 12 + 160))
    );
    let seqs: Vec<u16> = heard.iter().map(|p| header::sequence(p)).collect();
    let stamps: Vec<u32> = heard.iter().map(|p| header::timestamp(p)).collect();
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0].wrapping_add(1)),
        "no gap towards A: {seqs:?}"
    );
    assert!(
        stamps.windows(2).all(|w| w[1].wrapping_sub(w[0]) == 160),
        "8 kHz: {stamps:?}"
    );
    // The concealed frames continue the tone rather than fall silent.
    let level = |p: &[u8]| {
        let s: f64 = p[12..]
            .iter()
            .map(|&u| f64::from(g711::ulaw_to_linear(u)).powi(2))
            .sum();
        (s / 160.0).sqrt()
    };
    assert!(
        level(&heard[2]) > 1000.0,
        "PLC continues the tone (rms {:.0})",
        level(&heard[2])
    );
    let c = counters(&plane);
    assert_eq!((load(&c.transcode_dropped), load(&c.dropped)), (0, 0));
}

fn a_call_removed_mid_stream_leaves_no_transcoder_behind(io: MediaIo) {
    let (plane, mut events) = plane(io);
    let (a, b, pa, _pb) = transcoded_call(&plane, 7);
    a.send_to(&pcmu_packet(1), addr(pa)).unwrap();
    recv(&b).expect("the first packet re-coded");
    assert_eq!(load(&counters(&plane).transcoders), 1, "A->B's state on the thread");
    // Mid-stream: packets still on their way when the call goes.
    for seq in 2..40 {
        a.send_to(&pcmu_packet(seq), addr(pa)).unwrap();
    }
    plane.submit(MediaCommand::RemoveCall { call: 7 }).unwrap();
    let c = counters(&plane);
    wait_until("the call removed", || {}, || load(&c.calls) == 0);
    let removed =
        std::iter::from_fn(|| events.try_recv().ok()).any(|e| matches!(e, MediaEvent::Removed { call: 7, .. }));
    assert!(removed, "the removal reported");
    wait_until("its transcoder state dropped", || {}, || load(&c.transcoders) == 0);
    // A later call on the same worker is transcoded afresh.
    let (a2, b2, pa2, _) = transcoded_call(&plane, 8);
    a2.send_to(&pcmu_packet(1), addr(pa2)).unwrap();
    let p = recv(&b2).expect("the new call re-coded");
    assert_eq!(header::payload_type(&p), 111);
    assert_eq!(load(&c.transcoders), 1, "only the new call's state");
}

fn a_worker_relays_its_read_before_it_re_codes(io: MediaIo) {
    let cfg = WorkerConfig {
        io,
        ..WorkerConfig::default()
    };
    // No transcoder thread: the worker re-codes its own jobs.
    let mut w = SteppedWorker::new(cfg).unwrap();
    assert_eq!(w.io(), io, "this kernel has io_uring: no fallback");
    let (a, b) = (endpoint(), endpoint());
    let (pa, pb) = (ports::free_pair(), ports::free_pair());
    // Both legs agree telephone-event (101): relayed as it is, while A's
    // voice is re-coded to Opus.
    let add = MediaCommand::AddCall {
        call: 1,
        a: LegConfig {
            te_pt: Some(101),
            ..pcmu(pa, &a)
        },
        b: Some(LegConfig {
            te_pt: Some(101),
            ..opus(pb, &b)
        }),
    };
    w.inbox.push(add).unwrap();
    w.step(Duration::ZERO);
    assert_eq!(load(&w.counters.calls), 1, "the call's sockets bound");
    // Voice, then an event, both waiting in A's socket: one read.
    a.send_to(&pcmu_packet(1), addr(pa)).unwrap();
    let mut event = vec![0u8; 16];
    write_header(&mut event, 101, true, 2, 160, 0xa);
    event[12..16].copy_from_slice(&[1, 10, 0, 160]);
    a.send_to(&event, addr(pa)).unwrap();
    let counters = w.counters.clone();
    wait_until(
        "both packets read",
        || w.step(Duration::from_millis(10)),
        || load(&counters.packets_in) == 2,
    );
    let pts: Vec<u8> = (0..2)
        .map(|_| header::payload_type(&recv(&b).expect("sent to B")))
        .collect();
    assert_eq!(
        pts,
        [101, 111],
        "the relayed event left before the voice read ahead of it was re-coded"
    );
}
