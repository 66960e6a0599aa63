//! Media workers over real loopback sockets: relay between two endpoints,
//! latching and strangers, hold, PT and telephone-event mapping, RTCP SSRC
//! rewriting, echo, media timeout.

use rvoip::media::rtp::header;
use rvoip::media::{LegConfig, MediaCommand, MediaConfig, MediaEvent, MediaPlane, Side, WorkerConfig};
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

mod ports;
use ports::free_pair;
use tokio::sync::mpsc;

fn plane(timeout_ms: u64) -> (MediaPlane, mpsc::Receiver<MediaEvent>) {
    let (tx, rx) = mpsc::channel(1024);
    let worker = WorkerConfig {
        ip: "127.0.0.1".parse().unwrap(),
        relatch: Duration::from_secs(5),
        timeout: Duration::from_millis(timeout_ms),
        opus_complexity: 5,
        park_max: usize::MAX,
    };
    (
        MediaPlane::start(
            MediaConfig {
                workers: 2,
                pin: true,
                realtime: 0,
                worker,
            },
            tx,
        )
        .unwrap(),
        rx,
    )
}

/// A plane with one plain PCMU call `id` between two new endpoints, its
/// sockets bound: (plane, events, A, B, A's relay port, B's relay port).
fn pcmu_call(id: u64) -> (MediaPlane, mpsc::Receiver<MediaEvent>, UdpSocket, UdpSocket, u16, u16) {
    let (plane, events) = plane(30_000);
    let (a, b) = (endpoint(), endpoint());
    let (pa, pb) = (free_pair(), free_pair());
    let cmd = MediaCommand::AddCall {
        call: id,
        a: leg(pa, &a, 0, None),
        b: Some(leg(pb, &b, 0, None)),
    };
    plane.submit(cmd).unwrap();
    std::thread::sleep(Duration::from_millis(50)); // the worker binds its sockets
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
        remote: Some(remote.local_addr().unwrap()),
        rtcp_mux: true,
        codec_pt: pt,
        clock: 8000,
        te_pt: te,
        send: true,
        codec: None,
    }
}

fn rtp(pt: u8, seq: u16, ts: u32, ssrc: u32) -> Vec<u8> {
    let mut p = vec![0u8; 12 + 160];
    header::write_header(&mut p, pt, false, seq, ts, ssrc);
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

fn event(rx: &mut mpsc::Receiver<MediaEvent>, f: impl Fn(&MediaEvent) -> bool) -> MediaEvent {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        match rx.try_recv() {
            Ok(ev) if f(&ev) => return ev,
            Ok(_) => {}
            Err(_) if std::time::Instant::now() > deadline => panic!("expected event not seen"),
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

#[test]
fn relay_both_ways_with_latching_ssrc_rewrite_and_continuity() {
    let (plane, mut events) = plane(30_000);
    let (a, b, stranger) = (endpoint(), endpoint(), endpoint());
    let (pa, pb) = (free_pair(), free_pair());
    plane
        .submit(MediaCommand::AddCall {
            call: 1,
            a: leg(pa, &a, 0, Some(101)),
            b: Some(leg(pb, &b, 0, Some(96))),
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(50)); // the worker binds its sockets
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
    // telephone-event 101 on A is 96 on B.
    a.send_to(&rtp(101, 120, 3200, 0xa), addr(pa)).unwrap();
    assert_eq!(header::payload_type(&recv(&b).unwrap()), 96);
    // B answers; A receives.
    b.send_to(&rtp(0, 7, 0, 0xb), addr(pb)).unwrap();
    assert_eq!(&recv(&a).expect("relayed to A")[12..], &rtp(0, 7, 0, 0)[12..]);
    // A stranger on A's port is dropped, not followed.
    stranger.send_to(&rtp(0, 500, 0, 0xc), addr(pa)).unwrap();
    assert!(recv(&b).is_none(), "stranger's packet must not reach B");
    plane.submit(MediaCommand::RemoveCall { call: 1 }).unwrap();
    let MediaEvent::Removed { stats, .. } = event(&mut events, |e| matches!(e, MediaEvent::Removed { .. })) else {
        unreachable!()
    };
    let a_stats = stats[0].unwrap();
    assert_eq!((a_stats.rx.packets, a_stats.strangers, a_stats.rx.lost()), (21, 1, 0));
    assert_eq!(stats[1].unwrap().tx_packets, 21);
}

#[test]
fn hold_stops_one_direction_and_resume_continues_numbering() {
    let (plane, _events) = plane(30_000);
    let (a, b) = (endpoint(), endpoint());
    let (pa, pb) = (free_pair(), free_pair());
    let lb = leg(pb, &b, 8, None);
    plane
        .submit(MediaCommand::AddCall {
            call: 2,
            a: leg(pa, &a, 0, None),
            b: Some(lb),
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    a.send_to(&rtp(0, 1, 0, 0xa), addr(pa)).unwrap();
    let first = recv(&b).unwrap();
    assert_eq!(header::payload_type(&first), 8, "PT renumbered 0 -> 8");
    plane
        .submit(MediaCommand::UpdateLeg {
            call: 2,
            side: Side::B,
            leg: LegConfig { send: false, ..lb },
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    a.send_to(&rtp(0, 2, 160, 0xa), addr(pa)).unwrap();
    assert!(recv(&b).is_none(), "B is held: nothing sent to it");
    b.send_to(&rtp(8, 1, 0, 0xb), addr(pb)).unwrap();
    assert!(recv(&a).is_some(), "B still sends to A");
    plane
        .submit(MediaCommand::UpdateLeg {
            call: 2,
            side: Side::B,
            leg: lb,
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    a.send_to(&rtp(0, 50, 8000, 0xa), addr(pa)).unwrap();
    let resumed = recv(&b).unwrap();
    assert_eq!(
        header::sequence(&resumed),
        header::sequence(&first).wrapping_add(1),
        "no gap after hold"
    );
    assert_eq!(header::ssrc(&resumed), header::ssrc(&first));
}

#[test]
fn rtcp_is_relayed_with_ssrcs_mapped() {
    let (_plane, _events, a, b, pa, _) = pcmu_call(3);
    a.send_to(&rtp(0, 1, 0, 0xa), addr(pa)).unwrap();
    let b_sees = header::ssrc(&recv(&b).unwrap());
    let mut sr = vec![0x80, 200, 0, 6];
    sr.extend_from_slice(&0xau32.to_be_bytes());
    sr.extend_from_slice(&[0; 20]);
    a.send_to(&sr, addr(pa)).unwrap();
    let got = recv(&b).expect("RTCP relayed (rtcp-mux)");
    assert_eq!(got[1], 200);
    assert_eq!(
        u32::from_be_bytes(got[4..8].try_into().unwrap()),
        b_sees,
        "sender SSRC is the one B sees in RTP"
    );
}

#[test]
fn echo_returns_packets_to_the_sender() {
    let (plane, _events) = plane(30_000);
    let a = endpoint();
    let pa = free_pair();
    plane
        .submit(MediaCommand::AddCall {
            call: 4,
            a: leg(pa, &a, 0, None),
            b: None,
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    for i in 0..5u16 {
        a.send_to(&rtp(0, i, 160 * i as u32, 0xa), addr(pa)).unwrap();
        let back = recv(&a).expect("echoed");
        assert_eq!(&back[12..], &rtp(0, i, 0, 0)[12..]);
    }
}

#[test]
fn silence_raises_a_media_timeout() {
    let (plane, mut events) = plane(300);
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

/// A call with leg A on PCMU and leg B on Opus (PT 111, 48 kHz clock).
fn pcmu_opus_call(call: u64) -> (MediaPlane, UdpSocket, UdpSocket, u16, u16) {
    use rvoip::media::codec::AudioCodec;
    let (plane, _events) = plane(30_000);
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
    plane
        .submit(MediaCommand::AddCall {
            call,
            a: la,
            b: Some(lb),
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    (plane, a, b, pa, pb)
}

#[test]
fn transcoded_call_carries_a_tone_pcmu_to_opus_and_back() {
    use rvoip::media::codec::g711;
    use rvoip::media::codec::opus::OpusDecoder;
    let (_plane, a, b, pa, pb) = pcmu_opus_call(6);
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
    header::write_header(&mut back, 111, false, 1, 960, 0xb);
    let n = rvoip::media::codec::opus::OpusEncoder::new(5)
        .unwrap()
        .encode(&tone[..160], &mut back[12..])
        .unwrap();
    b.send_to(&back[..12 + n], addr(pb)).unwrap();
    let pcmu = recv(&a).expect("transcoded back to A");
    assert_eq!((header::payload_type(&pcmu), pcmu.len()), (0, 12 + 160));
}

#[test]
fn a_packet_before_the_leg_exists_does_not_block_later_ones() {
    let (plane, _events) = plane(30_000);
    let a = endpoint();
    let pa = free_pair();
    a.send_to(&rtp(0, 0, 0, 0xa), addr(pa)).unwrap(); // port not bound yet: lost
    plane
        .submit(MediaCommand::AddCall {
            call: 7,
            a: leg(pa, &a, 0, None),
            b: None,
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    a.send_to(&rtp(0, 1, 160, 0xa), addr(pa)).unwrap();
    assert!(recv(&a).is_some(), "echoed after the leg was added");
}

#[test]
fn lost_opus_frames_are_concealed_towards_the_g711_leg() {
    use rvoip::media::codec::opus::OpusEncoder;
    let (_plane, a, b, _pa, pb) = pcmu_opus_call(8);
    let mut enc = OpusEncoder::new(5).unwrap();
    let tone: Vec<i16> = (0..160).map(|i| (8000.0 * (i as f64 * 0.785).sin()) as i16).collect();
    let mut seqs = Vec::new();
    for seq in [1u16, 2, 5, 6] {
        let mut p = vec![0u8; 12 + 400];
        header::write_header(&mut p, 111, false, seq, 960 * seq as u32, 0xb);
        let n = enc.encode(&tone, &mut p[12..]).unwrap();
        b.send_to(&p[..12 + n], addr(pb)).unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
    while let Some(got) = recv(&a) {
        assert_eq!((header::payload_type(&got), got.len()), (0, 12 + 160));
        seqs.push(header::sequence(&got));
    }
    assert_eq!(seqs.len(), 6, "frames 3 and 4 concealed: {seqs:?}");
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0].wrapping_add(1)),
        "no gap towards A: {seqs:?}"
    );
}

#[test]
fn a_port_is_reused_after_its_call_ends_and_old_packets_are_discarded() {
    let (plane, mut events) = plane(30_000);
    let (a, b) = (endpoint(), endpoint());
    let (pa, pb) = (free_pair(), free_pair());
    // Call ids 11 and 13 both belong to worker 1 of 2.
    let worker = || plane.counters().nth(1).unwrap();
    let opened = |w: &rvoip::media::worker::WorkerCounters| w.sockets_opened.load(std::sync::atomic::Ordering::Relaxed);
    let dropped = |w: &rvoip::media::worker::WorkerCounters| w.dropped.load(std::sync::atomic::Ordering::Relaxed);
    let before = opened(worker());
    plane
        .submit(MediaCommand::AddCall {
            call: 11,
            a: leg(pa, &a, 0, None),
            b: Some(leg(pb, &b, 0, None)),
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    a.send_to(&rtp(0, 1, 0, 0xa), addr(pa)).unwrap();
    assert_eq!(&recv(&b).expect("relayed")[12..], &rtp(0, 1, 0, 0)[12..]);
    assert_eq!(opened(worker()) - before, 2, "two muxed legs, two sockets");
    plane.submit(MediaCommand::RemoveCall { call: 11 }).unwrap();
    event(&mut events, |e| matches!(e, MediaEvent::Removed { call: 11, .. }));
    // The old peer keeps sending to the ended call's port.
    let drops = dropped(worker());
    for i in 0..3u16 {
        a.send_to(&rtp(0, 50 + i, 0, 0xa), addr(pa)).unwrap();
    }
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(dropped(worker()) - drops, 3, "datagrams to a parked socket are dropped");
    // A new call on the same ports, with new peers.
    let (c, d) = (endpoint(), endpoint());
    a.send_to(&rtp(0, 60, 0, 0xa), addr(pa)).unwrap();
    plane
        .submit(MediaCommand::AddCall {
            call: 13,
            a: leg(pa, &c, 0, None),
            b: Some(leg(pb, &d, 0, None)),
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(opened(worker()) - before, 2, "the parked sockets were reused");
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
#[test]
fn burst_is_relayed_whole_and_in_order() {
    let (plane, _events, a, b, pa, _) = pcmu_call(7);
    let out_before: u64 = plane
        .counters()
        .map(|c| c.packets_out.load(std::sync::atomic::Ordering::Relaxed))
        .sum();
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
    std::thread::sleep(Duration::from_millis(20));
    let out_after: u64 = plane
        .counters()
        .map(|c| c.packets_out.load(std::sync::atomic::Ordering::Relaxed))
        .sum();
    assert_eq!(out_after - out_before, u64::from(N), "counted once each");
}
