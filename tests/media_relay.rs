//! Media workers over real loopback sockets, end to end: relay both ways
//! (RTP and RTCP) with the latch reported, a PCMU <-> Opus call carrying a
//! tone (re-coded inline, and on a transcoder thread), the media timeout,
//! a packet sent before its leg exists, a port reused after its call
//! ended, a burst read and sent in batches,
//! payload types no leg negotiated reaching nobody, and an SRTP leg relayed
//! to a plain one (forged and replayed packets counted, not relayed). What a call does to
//! each packet is tested without sockets in media_packets.rs.
//!
//! No fixed sleeps: a test waits for what the worker publishes (its call
//! count once a call's sockets are bound, its packet counters) or sends,
//! each wait bounded by a deadline.
//!
//! Every test runs twice, as `epoll::NAME` and `uring::NAME`: the workers
//! reading and writing their sockets through epoll (recvmmsg/sendmmsg)
//! and through io_uring (multishot receives into provided buffers).

use rvoip::media::OpusSettings;
use rvoip::media::rtp::write_header;
use rvoip::media::{
    AudioCodec, LegConfig, MediaCommand, MediaConfig, MediaEvent, MediaIo, MediaPlane, Side, WorkerConfig,
    WorkerCounters,
};
use rvoip::test_exports::media::rtp::header;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

#[macro_use]
mod on_both_ios;
mod ports;
use ports::free_pair;
use tokio::sync::mpsc;

/// A plane of two workers reading their sockets through `io`, transcoding
/// inline.
fn plane(io: MediaIo, timeout_ms: u64) -> (MediaPlane, mpsc::Receiver<MediaEvent>) {
    plane_with(io, timeout_ms, 0)
}

/// As [`plane`], with `transcoders` transcoder threads.
fn plane_with(io: MediaIo, timeout_ms: u64, transcoders: usize) -> (MediaPlane, mpsc::Receiver<MediaEvent>) {
    plane_polling(io, timeout_ms, transcoders, Duration::ZERO)
}

/// As [`plane_with`], its workers polling `busy_poll` for packets before
/// they sleep.
fn plane_polling(
    io: MediaIo,
    timeout_ms: u64,
    transcoders: usize,
    busy_poll: Duration,
) -> (MediaPlane, mpsc::Receiver<MediaEvent>) {
    let (tx, rx) = mpsc::channel(1024);
    let worker = WorkerConfig {
        ip: "127.0.0.1".parse().unwrap(),
        relatch: Duration::from_secs(5),
        timeout: Duration::from_millis(timeout_ms),
        opus: OpusSettings::default(),
        park_max: usize::MAX,
        // Throughput-sized buffers: some cases send bursts no voice
        // leg does; the latency bound has its own tests (media_late.rs).
        max_delay: Duration::ZERO,
        io,
        kernel: Default::default(),
        busy_poll,
    };
    let cfg = MediaConfig {
        workers: 2,
        pin: true,
        realtime: 0,
        transcoders,
        worker,
    };
    let plane = MediaPlane::start(cfg, tx).unwrap();
    assert_eq!(plane.io(), io, "this kernel has io_uring: no fallback");
    (plane, rx)
}

// Each test below runs against both I/O back-ends of the workers.
on_both_ios!(
    relay_both_ways_rtp_and_rtcp_with_the_latch_reported,
    an_srtp_leg_relays_to_a_plain_leg_and_drops_forgeries,
    silence_raises_a_media_timeout,
    transcoded_call_carries_a_tone_pcmu_to_opus_and_back,
    transcoded_call_carries_a_tone_on_a_transcoder_thread,
    a_packet_before_the_leg_exists_does_not_block_later_ones,
    a_port_is_reused_after_its_call_ends_and_old_packets_are_discarded,
    burst_is_relayed_whole_and_in_order,
    a_polling_worker_relays_a_burst_whole_and_in_order,
    unnegotiated_payload_types_reach_nobody,
);

/// Waits until `cond` holds, for at most 5 s. The worker answers within
/// microseconds, so this yields rather than sleeps.
fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::yield_now();
    }
}

/// A worker counter summed over the plane's workers.
fn total(plane: &MediaPlane, counter: impl Fn(&WorkerCounters) -> &std::sync::atomic::AtomicU64) -> u64 {
    plane.counters().map(|c| counter(c).load(Relaxed)).sum()
}

/// Adds a call and waits until a worker has bound its sockets (it counts
/// the call only then).
fn add_call(plane: &MediaPlane, cmd: MediaCommand) {
    let before = total(plane, |c| &c.calls);
    plane.submit(cmd).unwrap();
    wait_until("the call's sockets bound", || total(plane, |c| &c.calls) > before);
}

/// A plane with one plain PCMU call `id` between two new endpoints, its
/// sockets bound: (plane, events, A, B, A's relay port, B's relay port).
fn pcmu_call(io: MediaIo, id: u64) -> (MediaPlane, mpsc::Receiver<MediaEvent>, UdpSocket, UdpSocket, u16, u16) {
    pcmu_call_on(plane(io, 30_000), id)
}

/// As [`pcmu_call`], on `plane`.
fn pcmu_call_on(
    (plane, events): (MediaPlane, mpsc::Receiver<MediaEvent>),
    id: u64,
) -> (MediaPlane, mpsc::Receiver<MediaEvent>, UdpSocket, UdpSocket, u16, u16) {
    let (a, b) = (endpoint(), endpoint());
    let (pa, pb) = (free_pair(), free_pair());
    let cmd = MediaCommand::AddCall {
        call: id,
        a: leg(pa, &a, 0, None),
        b: Some(leg(pb, &b, 0, None)),
    };
    add_call(&plane, cmd);
    (plane, events, a, b, pa, pb)
}

fn endpoint() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    s
}

fn leg(port: u16, remote: &UdpSocket, pt: u8, te: Option<u8>) -> LegConfig {
    LegConfig {
        port,
        local: None,
        remote: Some(remote.local_addr().unwrap()),
        rtcp_mux: true,
        codec_pt: pt,
        clock: 8000,
        opus_max_bitrate: 0,
        te_pt: te,
        send: true,
        srtp: None,
        codec: None,
    }
}

fn rtp(pt: u8, seq: u16, ts: u32, ssrc: u32) -> Vec<u8> {
    let mut p = vec![0u8; 12 + 160];
    write_header(&mut p, pt, false, seq, ts, ssrc);
    p[12..].fill(seq as u8);
    p
}

fn recv(s: &UdpSocket) -> Option<Vec<u8>> {
    let mut buf = [0u8; 2048];
    s.recv_from(&mut buf).ok().map(|(n, _)| buf[..n].to_vec())
}

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// The first event matching `f`, waited for up to 5 s.
fn event(rx: &mut mpsc::Receiver<MediaEvent>, f: impl Fn(&MediaEvent) -> bool) -> MediaEvent {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match rx.recv().await {
                    Some(ev) if f(&ev) => return ev,
                    Some(_) => {}
                    None => panic!("the plane stopped"),
                }
            }
        })
        .await
        .expect("expected event not seen")
    })
}

fn relay_both_ways_rtp_and_rtcp_with_the_latch_reported(io: MediaIo) {
    let (plane, mut events, a, b, pa, pb) = pcmu_call(io, 1);
    let mut seen = Vec::new();
    for i in 0..20u16 {
        a.send_to(&rtp(0, 100 + i, 160 * i as u32, 0xa), addr(pa)).unwrap();
        let p = recv(&b).expect("relayed to B");
        assert_eq!(&p[12..], &rtp(0, 100 + i, 0, 0)[12..], "payload intact");
        assert_ne!(header::ssrc(&p), 0xa, "SSRC rewritten");
        seen.push((header::sequence(&p), header::timestamp(&p), header::ssrc(&p)));
    }
    assert!(
        seen.windows(2)
            .all(|w| w[1].0 == w[0].0.wrapping_add(1) && w[1].1 == w[0].1.wrapping_add(160) && w[1].2 == w[0].2)
    );
    match event(&mut events, |e| matches!(e, MediaEvent::Latched { side: Side::A, .. })) {
        MediaEvent::Latched { addr: from, .. } => assert_eq!(from, a.local_addr().unwrap()),
        _ => unreachable!(),
    }
    // B answers; A receives.
    b.send_to(&rtp(0, 7, 0, 0xb), addr(pb)).unwrap();
    assert_eq!(&recv(&a).expect("relayed to A")[12..], &rtp(0, 7, 0, 0)[12..]);
    // RTCP (muxed) from A reaches B with the sender SSRC B sees in RTP.
    let mut sr = vec![0x80, 200, 0, 6];
    sr.extend_from_slice(&0xau32.to_be_bytes());
    sr.extend_from_slice(&[0; 20]);
    a.send_to(&sr, addr(pa)).unwrap();
    let got = recv(&b).expect("RTCP relayed");
    assert_eq!((got[1], &got[4..8]), (200, &seen[0].2.to_be_bytes()[..]));
    plane.submit(MediaCommand::RemoveCall { call: 1 }).unwrap();
    let MediaEvent::Removed { stats, .. } = event(&mut events, |e| matches!(e, MediaEvent::Removed { .. })) else {
        unreachable!()
    };
    let (sa, sb) = (stats[0].unwrap(), stats[1].unwrap());
    assert_eq!((sa.rx.packets, sa.rx.lost(), sa.tx_packets), (20, 0, 1));
    assert_eq!((sb.rx.packets, sb.tx_packets), (1, 20));
}

fn an_srtp_leg_relays_to_a_plain_leg_and_drops_forgeries(io: MediaIo) {
    use rvoip::media::LegSrtp;
    use rvoip::media::srtp::{MasterKey, SrtcpContext, SrtpContext, Suite};
    let (plane, mut events) = plane(io, 30_000);
    let (a, b) = (endpoint(), endpoint());
    let (pa, pb) = (free_pair(), free_pair());
    let suite = Suite::AesCm128HmacSha1_80;
    let (theirs, ours) = (
        MasterKey::from_bytes(&[0x5a; 30]).unwrap(),
        MasterKey::from_bytes(&[0xa5; 30]).unwrap(),
    );
    let la = LegConfig {
        srtp: Some(LegSrtp {
            suite,
            rx: theirs,
            tx: ours,
        }),
        ..leg(pa, &a, 0, None)
    };
    add_call(
        &plane,
        MediaCommand::AddCall {
            call: 9,
            a: la,
            b: Some(leg(pb, &b, 0, None)),
        },
    );
    // A's peer: seals under its key, opens under ours.
    let (mut seal, mut open) = (SrtpContext::new(&theirs, suite), SrtpContext::new(&ours, suite));
    let sealed = |seal: &mut SrtpContext, p: Vec<u8>| {
        let mut buf = [0u8; 2048];
        buf[..p.len()].copy_from_slice(&p);
        let n = seal.protect(&mut buf, p.len()).unwrap();
        buf[..n].to_vec()
    };
    for i in 0..10u16 {
        let p = sealed(&mut seal, rtp(0, 100 + i, 160 * u32::from(i), 0xa));
        a.send_to(&p, addr(pa)).unwrap();
        let got = recv(&b).expect("relayed to B");
        assert_eq!(
            (got.len(), &got[12..]),
            (172, &rtp(0, 100 + i, 0, 0)[12..]),
            "plain RTP to B"
        );
        b.send_to(&rtp(0, 7 + i, 160 * u32::from(i), 0xb), addr(pb)).unwrap();
        let mut back = recv(&a).expect("relayed to A");
        assert_eq!(back.len(), 172 + 10, "sealed for A");
        let n = open.unprotect(&mut back).expect("authenticates under our key");
        assert_eq!(&back[12..n], &rtp(0, 7 + i, 0, 0)[12..]);
    }
    // A forged packet (one payload bit flipped) and a replay: counted,
    // not relayed: the next packet B gets is the next genuine one.
    let mut forged = sealed(&mut seal, rtp(0, 110, 1600, 0xa));
    forged[20] ^= 1;
    a.send_to(&forged, addr(pa)).unwrap();
    let replay = sealed(&mut seal, rtp(0, 111, 1760, 0xa));
    a.send_to(&replay, addr(pa)).unwrap();
    a.send_to(&replay, addr(pa)).unwrap();
    wait_until("the forgery and the replay counted", || {
        total(&plane, |c| &c.srtp_auth_failed) == 1 && total(&plane, |c| &c.srtp_replayed) == 1
    });
    assert_eq!(&recv(&b).expect("the genuine one")[12..], &rtp(0, 111, 0, 0)[12..]);
    // SRTCP from A reaches B as RTCP.
    let mut srtcp = SrtcpContext::new(&theirs);
    let mut sr = [0u8; 2048];
    sr[..8].copy_from_slice(&[0x80, 200, 0, 6, 0, 0, 0, 0xa]);
    let n = srtcp.protect(&mut sr, 28).unwrap();
    a.send_to(&sr[..n], addr(pa)).unwrap();
    let got = recv(&b).expect("RTCP relayed");
    assert_eq!((got.len(), got[1], &got[8..]), (28, 200, &[0u8; 20][..]));
    plane.submit(MediaCommand::RemoveCall { call: 9 }).unwrap();
    let MediaEvent::Removed { stats, .. } = event(&mut events, |e| matches!(e, MediaEvent::Removed { .. })) else {
        unreachable!()
    };
    let sa = stats[0].unwrap();
    assert_eq!((sa.rx.packets, sa.tx_packets, sa.dropped), (11, 10, 2));
}

fn silence_raises_a_media_timeout(io: MediaIo) {
    let (plane, mut events) = plane(io, 300);
    let a = endpoint();
    plane
        .submit(MediaCommand::AddCall {
            call: 5,
            a: leg(free_pair(), &a, 0, None),
            b: None,
        })
        .unwrap();
    assert_eq!(
        event(&mut events, |e| matches!(e, MediaEvent::Timeout { .. })),
        MediaEvent::Timeout { call: 5 }
    );
}

fn transcoded_call_carries_a_tone_pcmu_to_opus_and_back(io: MediaIo) {
    tone_through_a_transcoded_call(io, 0);
}

/// The same, re-coded on a transcoder thread (`media.transcoders`).
fn transcoded_call_carries_a_tone_on_a_transcoder_thread(io: MediaIo) {
    tone_through_a_transcoded_call(io, 1);
}

fn tone_through_a_transcoded_call(io: MediaIo, transcoders: usize) {
    use rvoip::test_exports::media::codec::g711;
    use rvoip::test_exports::media::codec::opus::{OpusDecoder, OpusEncoder};
    let (plane, _events) = plane_with(io, 30_000, transcoders);
    assert_eq!(plane.transcoders(), transcoders);
    let (a, b) = (endpoint(), endpoint());
    let (pa, pb) = (free_pair(), free_pair());
    let la = LegConfig {
        codec: Some(AudioCodec::Pcmu),
        ..leg(pa, &a, 0, None)
    };
    let lb = LegConfig {
        codec: Some(AudioCodec::Opus),
        clock: 48_000,
        ..leg(pb, &b, 111, None)
    };
    add_call(
        &plane,
        MediaCommand::AddCall {
            call: 6,
            a: la,
            b: Some(lb),
        },
    );
    let tone: Vec<i16> = (0..8000)
        .map(|i| (8000.0 * (2.0 * std::f64::consts::PI * i as f64 / 8.0).sin()) as i16)
        .collect();
    let mut dec = OpusDecoder::new().unwrap();
    let (mut pcm, mut got, mut stamps) = ([0i16; 960], Vec::new(), Vec::new());
    for (i, frame) in tone.chunks(160).enumerate() {
        let mut p = rtp(0, i as u16, 160 * i as u32, 0xa);
        g711::encode_ulaw(frame, &mut p[12..]);
        a.send_to(&p, addr(pa)).unwrap();
        let o = recv(&b).expect("transcoded packet");
        assert_eq!(header::payload_type(&o), 111);
        assert!(o.len() < 12 + 160, "Opus is smaller than G.711");
        stamps.push(header::timestamp(&o));
        let n = dec.decode(&o[12..], &mut pcm).unwrap();
        got.extend_from_slice(&pcm[..n]);
    }
    assert!(
        stamps.windows(2).all(|w| w[1].wrapping_sub(w[0]) == 960),
        "48 kHz clock: 960 per 20 ms"
    );
    let tail = &got[1600..];
    let rms = |x: &[i16]| (x.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / x.len() as f64).sqrt();
    let level_db = 20.0 * (rms(tail) / rms(&tone[1600..])).log10();
    assert!(
        level_db.abs() < 1.5,
        "tone level changed by {level_db:.2} dB through the worker"
    );
    // And back: B's Opus reaches A as PCMU.
    let mut back = vec![0u8; 12 + 400];
    write_header(&mut back, 111, false, 1, 960, 0xb);
    let n = OpusEncoder::new(OpusSettings::default())
        .unwrap()
        .encode(&tone[..160], &mut back[12..])
        .unwrap();
    b.send_to(&back[..12 + n], addr(pb)).unwrap();
    let pcmu = recv(&a).expect("transcoded back to A");
    assert_eq!((header::payload_type(&pcmu), pcmu.len()), (0, 12 + 160));
    // Each re-coded packet's latency is measured, from its voice's kernel
    // arrival to its send (published a few times a second, the count
    // before the quantiles): 50 + 1 sent.
    let of = |f: fn(&rvoip::media::LatencyCounters) -> u64| plane.counters().map(|c| f(&c.transcoded_latency)).max();
    wait_until("51 re-coded packets timed", || {
        total(&plane, |c| &c.transcoded_latency.count) >= 51 && of(|l| l.max_ns.load(Relaxed)) > Some(0)
    });
    let (p50, max) = (
        of(|l| l.p50_ns.load(Relaxed)).unwrap(),
        of(|l| l.max_ns.load(Relaxed)).unwrap(),
    );
    assert!(
        0 < p50 && p50 <= max && max < 10_000_000_000,
        "p50 {p50} ns, max {max} ns"
    );
}

fn a_packet_before_the_leg_exists_does_not_block_later_ones(io: MediaIo) {
    let (plane, _events) = plane(io, 30_000);
    let a = endpoint();
    let pa = free_pair();
    a.send_to(&rtp(0, 0, 0, 0xa), addr(pa)).unwrap(); // port not bound yet: lost
    add_call(
        &plane,
        MediaCommand::AddCall {
            call: 7,
            a: leg(pa, &a, 0, None),
            b: None,
        },
    );
    a.send_to(&rtp(0, 1, 160, 0xa), addr(pa)).unwrap();
    let echoed = recv(&a).expect("echoed after the leg was added");
    assert_eq!(&echoed[12..], &rtp(0, 1, 0, 0)[12..]);
}

fn a_port_is_reused_after_its_call_ends_and_old_packets_are_discarded(io: MediaIo) {
    let (plane, mut events) = plane(io, 30_000);
    let (a, b) = (endpoint(), endpoint());
    let (pa, pb) = (free_pair(), free_pair());
    // Call ids 11 and 13 both belong to worker 1 of 2.
    let worker = || plane.counters().nth(1).unwrap();
    let opened = || worker().sockets_opened.load(Relaxed);
    let dropped = || worker().dropped.load(Relaxed);
    let before = opened();
    add_call(
        &plane,
        MediaCommand::AddCall {
            call: 11,
            a: leg(pa, &a, 0, None),
            b: Some(leg(pb, &b, 0, None)),
        },
    );
    a.send_to(&rtp(0, 1, 0, 0xa), addr(pa)).unwrap();
    assert_eq!(&recv(&b).expect("relayed")[12..], &rtp(0, 1, 0, 0)[12..]);
    assert_eq!(opened() - before, 2, "two muxed legs, two sockets");
    plane.submit(MediaCommand::RemoveCall { call: 11 }).unwrap();
    event(&mut events, |e| matches!(e, MediaEvent::Removed { call: 11, .. }));
    // The old peer keeps sending to the ended call's port.
    let drops = dropped();
    for i in 0..3u16 {
        a.send_to(&rtp(0, 50 + i, 0, 0xa), addr(pa)).unwrap();
    }
    wait_until("3 datagrams to a parked socket dropped", || dropped() - drops >= 3);
    assert_eq!(dropped() - drops, 3, "datagrams to a parked socket are dropped");
    // A new call on the same ports, with new peers; one more stale packet.
    let (c, d) = (endpoint(), endpoint());
    a.send_to(&rtp(0, 60, 0, 0xa), addr(pa)).unwrap();
    add_call(
        &plane,
        MediaCommand::AddCall {
            call: 13,
            a: leg(pa, &c, 0, None),
            b: Some(leg(pb, &d, 0, None)),
        },
    );
    assert_eq!(opened() - before, 2, "the parked sockets were reused");
    c.send_to(&rtp(0, 7, 0, 0xc), addr(pa)).unwrap();
    assert_eq!(
        &recv(&d).expect("relayed")[12..],
        &rtp(0, 7, 0, 0)[12..],
        "the new peer's packet, not the old one's"
    );
    d.send_to(&rtp(0, 8, 0, 0xd), addr(pb)).unwrap();
    assert_eq!(&recv(&c).expect("relayed back")[12..], &rtp(0, 8, 0, 0)[12..]);
    b.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    assert!(recv(&b).is_none(), "nothing reaches the old call's peer");
}

/// A burst arriving faster than the worker wakes is read in batches and
/// sent in batches (recvmmsg, sendmmsg): every packet arrives, in order,
/// with continuous sequence numbers, counted once as relayed.
fn burst_is_relayed_whole_and_in_order(io: MediaIo) {
    burst_relayed(pcmu_call(io, 7));
}

/// The same with the workers polling 2 ms for packets before they sleep
/// (`WorkerConfig::busy_poll`, what `rvoip-rtpload --busy-poll-us`
/// measures): what arrives while they poll is relayed as when they slept.
fn a_polling_worker_relays_a_burst_whole_and_in_order(io: MediaIo) {
    burst_relayed(pcmu_call_on(plane_polling(io, 30_000, 0, Duration::from_millis(2)), 7));
}

/// Sends a burst of 200 from A and checks B gets each once, in order.
fn burst_relayed(
    (plane, _events, a, b, pa, _): (MediaPlane, mpsc::Receiver<MediaEvent>, UdpSocket, UdpSocket, u16, u16),
) {
    let out_before = total(&plane, |c| &c.packets_out);
    const N: u16 = 200;
    for i in 0..N {
        a.send_to(&rtp(0, 1000 + i, 160 * u32::from(i), 0xa), addr(pa)).unwrap();
    }
    let mut seqs = Vec::new();
    while let Some(p) = recv(&b) {
        assert_eq!(
            &p[12..],
            &rtp(0, 1000 + seqs.len() as u16, 0, 0)[12..],
            "payload of packet {}",
            seqs.len()
        );
        seqs.push(header::sequence(&p));
        if seqs.len() == usize::from(N) {
            break;
        }
    }
    assert_eq!(seqs.len(), usize::from(N), "every packet of the burst relayed");
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0].wrapping_add(1)),
        "in order, no gap: {seqs:?}"
    );
    // The last batch is counted after its sendmmsg returns.
    wait_until("the burst counted", || {
        total(&plane, |c| &c.packets_out) - out_before >= u64::from(N)
    });
    assert_eq!(
        total(&plane, |c| &c.packets_out) - out_before,
        u64::from(N),
        "counted once each"
    );
}

/// Issue #16: a payload type a leg did not negotiate is never relayed —
/// on a plain relayed call and on a transcoded one, from either side; the
/// negotiated voice that follows still goes, and the drops are counted.
fn unnegotiated_payload_types_reach_nobody(io: MediaIo) {
    let (plane, _events) = plane(io, 30_000);
    let (a, b) = (endpoint(), endpoint());
    let (pa, pb) = (free_pair(), free_pair());
    add_call(
        &plane,
        MediaCommand::AddCall {
            call: 20,
            a: leg(pa, &a, 0, Some(101)),
            b: Some(leg(pb, &b, 8, None)),
        },
    );
    let (c, d) = (endpoint(), endpoint());
    let (pc, pd) = (free_pair(), free_pair());
    let pcmu = LegConfig {
        codec: Some(AudioCodec::Pcmu),
        ..leg(pc, &c, 0, None)
    };
    let opus = LegConfig {
        codec: Some(AudioCodec::Opus),
        clock: 48_000,
        ..leg(pd, &d, 111, None)
    };
    add_call(
        &plane,
        MediaCommand::AddCall {
            call: 21,
            a: pcmu,
            b: Some(opus),
        },
    );
    // Relayed call A (PCMU, te 101) <-> B (PCMA): Opus on 96 and PCMA from
    // A, PCMU from B (A's telephone-event, which B has not, is read for
    // its digits instead: media_dtmf.rs). Transcoded call C (PCMU) <-> D
    // (Opus 111): Opus on 96 from C, PCMU from D.
    let unnegotiated = [(&a, pa, 96), (&a, pa, 8), (&b, pb, 0), (&c, pc, 96), (&d, pd, 0)];
    for (i, (from, port, pt)) in unnegotiated.into_iter().enumerate() {
        from.send_to(&rtp(pt, i as u16 + 1, 160, 0x77), addr(port)).unwrap();
    }
    wait_until("five unnegotiated packets dropped", || {
        total(&plane, |c| &c.unnegotiated) == 5
    });
    for (who, s) in [("A", &a), ("B", &b), ("C", &c), ("D", &d)] {
        s.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        assert!(recv(s).is_none(), "{who} received a packet nobody negotiated");
    }
    // What was negotiated still goes: A's PCMU reaches B as PCMA.
    a.send_to(&rtp(0, 50, 8000, 0x77), addr(pa)).unwrap();
    b.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let got = recv(&b).expect("negotiated voice relayed");
    assert_eq!(header::payload_type(&got), 8);
}
