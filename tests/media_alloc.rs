//! The relay path allocates nothing per packet once warmed up: a counting
//! global allocator watches 2,000 packets protected and unprotected with
//! SRTP and SRTCP, and 2,000 packets relayed through a worker on each of
//! three calls: RTP <-> RTP, SRTP <-> RTP and SRTP <-> SRTP (with other
//! keys on each leg), both ways on the SRTP calls, the last one also
//! copied for a pcap; then an audio call
//! (PCMU heard and spoken at 16 kHz; and one in Opus at 48 kHz with the
//! system libopus: unsafe-libopus allocates in libopus itself) receiving,
//! decoding, encoding and sending on the worker's 20 ms ticks for 2 s,
//! then 2 s more playing a prompt and copying both ways to a tap; then DTMF
//! interworking on a relayed call for 2 s: the worker reading RFC 4733
//! digits from a leg whose other leg did not agree telephone-event (and
//! reporting each), and sending queued digits to a leg as RFC 4733 events
//! on its ticks, while voice is relayed; then transcoded calls, PCMU <->
//! PCMA and (with the system libopus) PCMU <-> Opus, re-coded inline and
//! on a transcoder thread (jobs and results through its queues). All of it
//! twice: the worker reading and writing through epoll, then through
//! io_uring.

use rvoip::media::AudioCodec;
use rvoip::media::OpusSettings;
use rvoip::media::audio::{AudioConfig, CallAudio, Prompt, pipes};
use rvoip::media::rtp::write_header;
use rvoip::media::srtp::{MasterKey, SrtpContext, Suite};
use rvoip::media::{LegConfig, LegSrtp, MediaCommand, MediaConfig, MediaIo, MediaPlane, WorkerConfig};
use std::alloc::{GlobalAlloc, Layout, System};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

mod ports;

struct Counting;
/// Every thread's allocations (the workers'), and this thread's alone (for
/// what runs on the test's thread: the test harness's own threads may
/// allocate meanwhile).
static ALLOCS: AtomicU64 = AtomicU64::new(0);
thread_local! {
    static MINE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn count() {
    ALLOCS.fetch_add(1, Relaxed);
    MINE.with(|m| m.set(m.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// SRTP and SRTCP in both directions, in the buffers packets arrive in.
fn srtp_allocations(n: u16) -> u64 {
    use rvoip::media::srtp::SrtcpContext;
    let master = MasterKey::from_bytes(&[3u8; 30]).unwrap();
    let (mut tx, mut rx) = (
        SrtpContext::new(&master, Suite::AesCm128HmacSha1_80),
        SrtpContext::new(&master, Suite::AesCm128HmacSha1_80),
    );
    let (mut ctx, mut crx) = (SrtcpContext::new(&master), SrtcpContext::new(&master));
    let mut buf = [0u8; 1500];
    let before = MINE.with(|m| m.get());
    for seq in 0..n {
        write_header(&mut buf, 0, false, seq, u32::from(seq) * 160, 0x5150);
        let len = tx.protect(&mut buf, 172).unwrap();
        assert_eq!(rx.unprotect(&mut buf[..len]).unwrap(), 172);
        buf[..8].copy_from_slice(&[0x80, 200, 0, 6, 0, 0, 0x51, 0x50]);
        let len = ctx.protect(&mut buf, 28).unwrap();
        assert_eq!(crx.unprotect(&mut buf[..len]).unwrap(), 28);
    }
    MINE.with(|m| m.get()) - before
}

const SUITE: Suite = Suite::AesCm128HmacSha1_80;

fn key(b: u8) -> MasterKey {
    MasterKey::from_bytes(&[b; 30]).unwrap()
}

/// One end of a call: its socket, and its SRTP (sealing what it sends,
/// opening what it gets) when its leg has SRTP.
struct End {
    sock: UdpSocket,
    srtp: Option<(SrtpContext, SrtpContext)>,
}

impl End {
    /// An end on a new socket; `keys`: its leg's SRTP (its key is the
    /// leg's `rx`).
    fn new(keys: Option<LegSrtp>) -> End {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let srtp = keys.map(|k| (SrtpContext::new(&k.rx, k.suite), SrtpContext::new(&k.tx, k.suite)));
        End { sock, srtp }
    }

    fn leg(&self, port: u16, keys: Option<LegSrtp>) -> LegConfig {
        LegConfig {
            srtp: keys,
            ..LegConfig::pcmu(port, self.sock.local_addr().unwrap())
        }
    }

    /// Sends RTP `seq` (payload: its low byte) to `to`, sealed if SRTP.
    fn send(&mut self, buf: &mut [u8], seq: u16, to: SocketAddr) {
        write_header(buf, 0, false, seq, u32::from(seq) * 160, 0xabc);
        buf[12..172].fill(seq as u8);
        let len = match &mut self.srtp {
            Some((seal, _)) => seal.protect(buf, 172).unwrap(),
            None => 172,
        };
        self.sock.send_to(&buf[..len], to).unwrap();
    }

    /// Receives one packet, opened if SRTP; checks it carries `seq`'s
    /// payload.
    fn expect(&mut self, buf: &mut [u8], seq: u16) {
        let (n, _) = self.sock.recv_from(buf).expect("relayed");
        let n = match &mut self.srtp {
            Some((_, open)) => open.unprotect(&mut buf[..n]).expect("authenticates"),
            None => n,
        };
        assert!(
            n == 172 && buf[12..n].iter().all(|&b| b == seq as u8),
            "payload of {seq}"
        );
    }
}

/// One test: the counter sees every thread's allocations, the test
/// harness's too when it reports a test finished while another runs.
#[test]
fn worker_paths_do_not_allocate_per_packet() {
    for io in [MediaIo::Epoll, MediaIo::Uring] {
        relay_path_does_not_allocate_per_packet(io);
        audio_calls_do_not_allocate_per_packet_or_frame(io);
        dtmf_interworking_does_not_allocate_per_packet(io);
        for transcoders in [0, 1] {
            transcoded_calls_do_not_allocate_per_packet(io, transcoders);
        }
    }
}

/// A plane of one unpinned worker with `worker`'s settings, reading
/// through `io` (io_uring: this kernel has it, no fallback).
fn plane_on(io: MediaIo, worker: WorkerConfig, tx: tokio::sync::mpsc::Sender<rvoip::media::MediaEvent>) -> MediaPlane {
    plane_with(io, worker, 0, tx)
}

/// As [`plane_on`], with `transcoders` transcoder threads.
fn plane_with(
    io: MediaIo,
    worker: WorkerConfig,
    transcoders: usize,
    tx: tokio::sync::mpsc::Sender<rvoip::media::MediaEvent>,
) -> MediaPlane {
    let cfg = MediaConfig {
        workers: 1,
        pin: false,
        realtime: 0,
        transcoders,
        worker: WorkerConfig { io, ..worker },
    };
    let plane = MediaPlane::start(cfg, tx).unwrap();
    assert_eq!(plane.io(), io);
    plane
}

/// Round `k` of a DTMF call: A's packet `k` to the worker at `to`, in
/// every ten a digit (its start, an update, three ends, which B does not
/// get), voice otherwise (which B gets).
fn dtmf_round(a: &mut End, b: &mut End, k: u16, buf: &mut [u8], to: SocketAddr) {
    let (digit, phase) = (k / 10, k % 10);
    if phase >= 5 {
        a.send(buf, k, to);
        return b.expect(buf, k);
    }
    let (end, d) = (phase >= 2, [160u16, 320, 480, 480, 480][usize::from(phase)]);
    write_header(buf, 101, phase == 0, k, u32::from(digit) * 1600, 0xabc);
    let d = d.to_be_bytes();
    buf[12..16].copy_from_slice(&[(digit % 10) as u8, if end { 0x8a } else { 0x0a }, d[0], d[1]]);
    a.sock.send_to(&buf[..16], to).unwrap();
}

/// The next packet A gets: an event the worker sends it on its ticks.
fn event_at(a: &End, buf: &mut [u8]) {
    let (n, _) = a.sock.recv_from(buf).expect("an event packet paced to A");
    assert_eq!((n, buf[1] & 0x7f), (16, 101));
}

fn dtmf_interworking_does_not_allocate_per_packet(io: MediaIo) {
    use rvoip::media::{MediaEvent, Side};
    let (tx, mut events) = tokio::sync::mpsc::channel(1024);
    let plane = plane_on(io, WorkerConfig::default(), tx);
    let (mut a, mut b) = (End::new(None), End::new(None));
    let base = 53_000 + (std::process::id() % 500) as u16 * 8;
    let (pa, pb) = (base, base + 4);
    let cmd = MediaCommand::AddCall {
        call: 1,
        a: LegConfig {
            te_pt: Some(101),
            ..a.leg(pa, None)
        },
        b: Some(b.leg(pb, None)),
    };
    plane.submit(cmd).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while plane.counters().map(|c| c.calls.load(Relaxed)).sum::<u64>() < 1 {
        assert!(Instant::now() < deadline, "the call's sockets were not bound");
        std::thread::yield_now();
    }
    let to = SocketAddr::from(([127, 0, 0, 1], pa));
    let mut buf = vec![0u8; 2048];
    // Warm-up: the latch, a digit read and reported, the first digits
    // queued for A and going out.
    for k in 0..10 {
        dtmf_round(&mut a, &mut b, k, &mut buf, to);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let first = rt.block_on(async {
        loop {
            match tokio::time::timeout(Duration::from_secs(5), events.recv()).await {
                Ok(Some(MediaEvent::Dtmf { digit, side, .. })) => return (digit, side),
                Ok(Some(_)) => continue,
                _ => panic!("no digit reported"),
            }
        }
    });
    assert_eq!(first, ('0', Side::A));
    let digits = MediaCommand::SendDtmf {
        call: 1,
        side: Side::A,
        digits: "01234567890123456789".into(),
        duration_ms: 100,
    };
    plane.submit(digits).unwrap();
    event_at(&a, &mut buf);
    // Paced by the events A gets (one a tick): 100 rounds, 2 s.
    let before = ALLOCS.load(Relaxed);
    for k in 10..110 {
        event_at(&a, &mut buf);
        dtmf_round(&mut a, &mut b, k, &mut buf, to);
    }
    let during = ALLOCS.load(Relaxed) - before;
    let mut heard = 1;
    while let Ok(ev) = events.try_recv() {
        heard += usize::from(matches!(ev, MediaEvent::Dtmf { .. }));
    }
    assert_eq!(heard, 11, "each digit A sent reported once");
    assert_eq!(during, 0, "{during} allocations in 2 s of DTMF read and sent");
}

/// Worker settings for calls streaming steadily: no re-latch, no media
/// timeout, and a late bound none of the packets reaches (the late check
/// still runs on every packet).
fn steady() -> WorkerConfig {
    WorkerConfig {
        relatch: Duration::from_secs(5),
        timeout: Duration::from_secs(60),
        max_delay: Duration::from_secs(1),
        ..WorkerConfig::default()
    }
}

fn relay_path_does_not_allocate_per_packet(io: MediaIo) {
    assert_eq!(srtp_allocations(2000), 0, "SRTP protect/unprotect allocated");
    let (tx, _rx) = tokio::sync::mpsc::channel(1024);
    let plane = plane_on(io, steady(), tx);
    let srtp = |rx, tx| {
        Some(LegSrtp {
            suite: SUITE,
            rx: key(rx),
            tx: key(tx),
        })
    };
    // Calls 1-3: plain <-> plain, SRTP <-> plain, SRTP <-> SRTP.
    let legs = [(None, None), (srtp(1, 2), None), (srtp(3, 4), srtp(5, 6))];
    let base = (std::process::id() % 500) as u16 * 8;
    let mut calls = Vec::new();
    for (k, (ka, kb)) in legs.into_iter().enumerate() {
        let (a, b) = (End::new(ka), End::new(kb));
        let (pa, pb) = (41_000 + base + 2 * k as u16, 45_000 + base + 2 * k as u16);
        let cmd = MediaCommand::AddCall {
            call: k as u64 + 1,
            a: a.leg(pa, ka),
            b: Some(b.leg(pb, kb)),
        };
        plane.submit(cmd).unwrap();
        calls.push((
            a,
            b,
            SocketAddr::from(([127, 0, 0, 1], pa)),
            SocketAddr::from(([127, 0, 0, 1], pb)),
        ));
    }
    // The worker counts each call once its sockets are bound.
    let deadline = Instant::now() + Duration::from_secs(5);
    while plane.counters().map(|c| c.calls.load(Relaxed)).sum::<u64>() < 3 {
        assert!(Instant::now() < deadline, "the calls' sockets were not bound");
        std::thread::yield_now();
    }
    let mut buf = vec![0u8; 2048];
    let mut relay = |from: u16, n: u16| {
        for seq in from..from + n {
            for (k, (a, b, pa, pb)) in calls.iter_mut().enumerate() {
                a.send(&mut buf, seq, *pa);
                b.expect(&mut buf, seq);
                if k > 0 {
                    b.send(&mut buf, seq, *pb);
                    a.expect(&mut buf, seq);
                }
            }
        }
    };
    // Call 3 captured for a pcap (its reader never reads: the queue fills
    // and drops, counted, as a writer that falls behind would).
    let (tap, capture) = rvoip::media::capture::capture();
    plane.submit(MediaCommand::Capture { call: 3, tap }).unwrap();
    relay(0, 200); // warm-up: latching, the latch events, lazy statics
    let before = ALLOCS.load(Relaxed);
    relay(200, 2000);
    let during = ALLOCS.load(Relaxed) - before;
    assert!(capture.dropped() > 0, "call 3's packets were copied");
    assert_eq!(during, 0, "{during} allocations while relaying 2,000 packets a call");
}

/// An audio call's peer and its application.
struct AudioEnd {
    sock: UdpSocket,
    to: SocketAddr,
    app: CallAudio,
    pt: u8,
    step: u32,
    payload: Vec<u8>,
    frame: Vec<i16>,
}

impl AudioEnd {
    /// A call `id` on `port` in `codec` (payload type `pt`), the
    /// application at `rate`; the peer's payload: `payload`.
    fn new(plane: &MediaPlane, id: u64, port: u16, codec: AudioCodec, pt: u8, rate: u32, payload: Vec<u8>) -> Self {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let a = LegConfig {
            codec: Some(codec),
            codec_pt: pt,
            clock: codec.clock(),
            ..LegConfig::pcmu(port, sock.local_addr().unwrap())
        };
        let (audio, app) = pipes(AudioConfig { rate, queue_frames: 4 });
        plane.submit(MediaCommand::AddAudioCall { call: id, a, audio }).unwrap();
        let frame = (0..rate as usize / 50).map(|i| ((i % 40) as i16 - 20) * 400).collect();
        let to = SocketAddr::from(([127, 0, 0, 1], port));
        let step = codec.clock() / 50;
        AudioEnd {
            sock,
            to,
            app,
            pt,
            step,
            payload,
            frame,
        }
    }

    /// Waits for the worker's next packet, answers with packet `seq`, and
    /// plays the application: takes its frames, gives it one.
    fn round(&mut self, buf: &mut [u8], seq: u16) {
        let (n, _) = self.sock.recv_from(buf).expect("a paced packet");
        assert!(n > 12, "a packet of {n} bytes");
        write_header(buf, self.pt, false, seq, u32::from(seq) * self.step, 0xa0d);
        buf[12..12 + self.payload.len()].copy_from_slice(&self.payload);
        self.sock.send_to(&buf[..12 + self.payload.len()], self.to).unwrap();
        while self.app.try_recv().is_ok() {}
        let _ = self.app.send(&self.frame);
    }
}

fn audio_calls_do_not_allocate_per_packet_or_frame(io: MediaIo) {
    use rvoip::test_exports::media::codec::opus::OpusEncoder;
    let (tx, _rx) = tokio::sync::mpsc::channel(1024);
    let plane = plane_on(io, WorkerConfig::default(), tx);
    let base = 49_000 + (std::process::id() % 500) as u16 * 8;
    let tone: Vec<i16> = (0..960).map(|i| ((i % 48) as i16 - 24) * 300).collect();
    let mut opus = [0u8; 400];
    let n = OpusEncoder::at_rate(48000, OpusSettings::default())
        .unwrap()
        .encode(&tone, &mut opus)
        .unwrap();
    let mut ends = vec![AudioEnd::new(
        &plane,
        1,
        base,
        AudioCodec::Pcmu,
        0,
        16000,
        vec![0x55; 160],
    )];
    // unsafe-libopus, the default Opus backend, translates libopus's
    // stack arrays into heap vectors: it allocates in every encode and
    // decode. The system libopus does not.
    if cfg!(feature = "audiopus") {
        ends.push(AudioEnd::new(
            &plane,
            2,
            base + 2,
            AudioCodec::Opus,
            111,
            48000,
            opus[..n].to_vec(),
        ));
    }
    let mut buf = vec![0u8; 2048];
    let run = |ends: &mut [AudioEnd], buf: &mut [u8], from: u16, n: u16| {
        for seq in from..from + n {
            for e in ends.iter_mut() {
                e.round(buf, seq);
            }
        }
    };
    run(&mut ends, &mut buf, 0, 20); // warm-up: latching, the latch events, lazy statics
    let before = ALLOCS.load(Relaxed);
    run(&mut ends, &mut buf, 20, 100);
    let during = ALLOCS.load(Relaxed) - before;
    for e in &ends {
        let c = e.app.counters();
        assert!(
            c.delivered.load(Relaxed) >= 100 && c.sent.load(Relaxed) >= 50,
            "heard and spoken"
        );
    }
    assert_eq!(during, 0, "{during} allocations in 2 s of audio calls");
    // A looped prompt played by the worker and a recorder's tap of both
    // ways (made before counting; nothing drains the tap, so it also
    // drops, counted).
    let kept: Vec<_> = ends
        .iter()
        .map(|e| {
            let (rate, len) = (e.app.rate(), e.app.frame_len());
            let prompt = Prompt {
                looped: true,
                ..Prompt::new(vec![1000i16; len * 3 / 2], rate)
            };
            (e.app.play(prompt).unwrap(), e.app.tap(true, true).unwrap())
        })
        .collect();
    let before = ALLOCS.load(Relaxed);
    run(&mut ends, &mut buf, 120, 100);
    let during = ALLOCS.load(Relaxed) - before;
    for (e, (playback, tap)) in ends.iter().zip(&kept) {
        assert!(e.app.counters().prompted.load(Relaxed) >= 50, "the prompt played");
        assert!(
            playback.outcome().is_none() && tap.dropped() > 0,
            "tapped past its queue"
        );
    }
    assert_eq!(during, 0, "{during} allocations in 2 s of prompts and taps");
}

/// One transcoded call's end: its socket, payload type and a payload.
struct CodedEnd {
    sock: UdpSocket,
    to: SocketAddr,
    pt: u8,
    step: u32,
    payload: Vec<u8>,
}

impl CodedEnd {
    /// Sends packet `seq` to the worker.
    fn send(&self, buf: &mut [u8], seq: u16) {
        write_header(buf, self.pt, false, seq, u32::from(seq) * self.step, 0xc0d);
        buf[12..12 + self.payload.len()].copy_from_slice(&self.payload);
        self.sock.send_to(&buf[..12 + self.payload.len()], self.to).unwrap();
    }

    /// Receives a re-coded packet in this end's payload type (`what`:
    /// where, said on failure).
    fn expect(&self, buf: &mut [u8], what: impl Fn() -> String) {
        let (n, _) = self
            .sock
            .recv_from(buf)
            .unwrap_or_else(|e| panic!("no re-coded packet in PT {}: {e}; {}", self.pt, what()));
        assert!(n > 12 && rvoip::test_exports::media::rtp::header::payload_type(&buf[..n]) == self.pt);
    }
}

fn transcoded_calls_do_not_allocate_per_packet(io: MediaIo, transcoders: usize) {
    use rvoip::test_exports::media::codec::opus::OpusEncoder;
    let (tx, _rx) = tokio::sync::mpsc::channel(1024);
    let plane = plane_with(io, steady(), transcoders, tx);
    let tone: Vec<i16> = (0..160).map(|i| ((i % 16) as i16 - 8) * 800).collect();
    let mut opus = [0u8; 400];
    let n = OpusEncoder::new(OpusSettings::default())
        .unwrap()
        .encode(&tone, &mut opus)
        .unwrap();
    let mut codecs = vec![(AudioCodec::Pcma, 8, vec![0xd5; 160])];
    // unsafe-libopus allocates in every encode and decode (see above).
    if cfg!(feature = "audiopus") {
        codecs.push((AudioCodec::Opus, 111, opus[..n].to_vec()));
    }
    let base = 57_000 + (std::process::id() % 500) as u16 * 16 + 8 * transcoders as u16;
    let mut calls = Vec::new();
    for (k, (codec, pt, payload)) in codecs.into_iter().enumerate() {
        let (pa, pb) = (base + 4 * k as u16, base + 4 * k as u16 + 2);
        let end = |port: u16, pt: u8, step: u32, payload: Vec<u8>| {
            let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
            sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            let to = SocketAddr::from(([127, 0, 0, 1], port));
            CodedEnd {
                sock,
                to,
                pt,
                step,
                payload,
            }
        };
        let (a, b) = (
            end(pa, 0, 160, vec![0x55; 160]),
            end(pb, pt, codec.clock() / 50, payload),
        );
        let leg = |port, e: &CodedEnd, codec: AudioCodec| LegConfig {
            codec: Some(codec),
            codec_pt: e.pt,
            clock: codec.clock(),
            ..LegConfig::pcmu(port, e.sock.local_addr().unwrap())
        };
        let (la, lb) = (leg(pa, &a, AudioCodec::Pcmu), leg(pb, &b, codec));
        let call = 40 + k as u64;
        plane
            .submit(MediaCommand::AddCall {
                call,
                a: la,
                b: Some(lb),
            })
            .unwrap();
        calls.push((a, b));
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while plane.counters().map(|c| c.calls.load(Relaxed)).sum::<u64>() < calls.len() as u64 {
        assert!(Instant::now() < deadline, "the calls' sockets were not bound");
        std::thread::yield_now();
    }
    let mut buf = vec![0u8; 2048];
    let mut run = |from: u16, n: u16| {
        for seq in from..from + n {
            for (a, b) in &calls {
                let what = || {
                    let c = plane.counters().next().unwrap();
                    let n = |a: &std::sync::atomic::AtomicU64| a.load(Relaxed);
                    format!(
                        "{io} with {transcoders} transcoder threads, packet {seq}: in {} out {} dropped {} (queue full {})",
                        n(&c.packets_in),
                        n(&c.packets_out),
                        n(&c.dropped),
                        n(&c.transcode_dropped)
                    )
                };
                a.send(&mut buf, seq);
                b.expect(&mut buf, what);
                b.send(&mut buf, seq);
                a.expect(&mut buf, what);
            }
        }
    };
    run(0, 100); // warm-up: latching, each direction's transcoder made
    let before = ALLOCS.load(Relaxed);
    run(100, 1000);
    let during = ALLOCS.load(Relaxed) - before;
    assert_eq!(plane.transcoders(), transcoders);
    assert_eq!(
        during, 0,
        "{during} allocations re-coding 1,000 packets a call each way ({transcoders} transcoder threads)"
    );
}
