//! DTMF interworking in the media plane (issue #18), where a relayed
//! call's legs differ: RFC 4733 from a leg whose other leg did not agree
//! telephone-event is read (each digit once, at its end, whatever the
//! redundancy: three end packets, duplicates, late updates, voice in
//! between, lost ends) and not relayed, the voice after it numbered on
//! without a gap; digits signalling asks for go to a leg that agreed
//! telephone-event as RFC 4733 events in the stream we send it (its
//! payload type, our SSRC, sequence numbers continuous with its relayed
//! voice, one timestamp per event from that stream's clock, the first
//! packet marked, the duration growing, three end packets), with voice
//! flowing, with none, held, and sealed for an SRTP leg. Pure functions
//! of the relay over bytes and a simulated clock, then once through a
//! worker over loopback sockets (its ticks, its events).

use rvoip::media::srtp::{MasterKey, SrtpContext, Suite};
use rvoip::media::{LegConfig, LegSrtp, MediaCommand, MediaConfig, MediaEvent, MediaPlane, Side, WorkerConfig};
use rvoip::test_exports::media::rtp::header;
use rvoip::test_exports::media::{Relay, Verdict};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

mod ports;
mod two_legs;

use two_legs::{A, B, SSRC_TO_B, addr, call, leg};

const TICK: u64 = 20_000;

fn voice(pt: u8, seq: u16, ts: u32) -> Vec<u8> {
    let mut p = vec![0u8; 12 + 160];
    header::write_header(&mut p, pt, false, seq, ts, 0xa);
    p[12..].fill(seq as u8);
    p
}

/// A telephone-event packet: `event`, end bit, duration, marker.
fn event(pt: u8, seq: u16, ts: u32, ev: u8, end: bool, duration: u16, marker: bool) -> Vec<u8> {
    let mut p = vec![0u8; 16];
    header::write_header(&mut p, pt, marker, seq, ts, 0xa);
    let d = duration.to_be_bytes();
    p[12..].copy_from_slice(&[ev, if end { 0x8a } else { 0x0a }, d[0], d[1]]);
    p
}

/// Hands `p` to leg `side` at `now` as the worker does: the verdict and
/// the bytes it leaves with.
fn send(r: &mut Relay, side: Side, src: &str, p: &[u8], now: u64) -> (Verdict, Vec<u8>) {
    let mut slot = [0u8; 2048];
    slot[..p.len()].copy_from_slice(p);
    let v = r.handle_packet(side, false, &mut slot, p.len(), addr(src), now);
    let len = match v {
        Verdict::Rtp { len, .. } => len,
        _ => p.len(),
    };
    (v, slot[..len].to_vec())
}

/// One tick: the packets the relay sends, with their leg.
fn tick(r: &mut Relay, now: u64) -> (bool, Vec<(Side, Vec<u8>, SocketAddr)>) {
    let mut buf = [0u8; 2048];
    let mut out = Vec::new();
    let busy = r.tick_dtmf(now, &mut buf, |side, p, dest| out.push((side, p.to_vec(), dest)));
    (busy, out)
}

#[test]
fn rfc4733_towards_a_leg_without_it_is_read_once_per_digit_and_not_relayed() {
    let mut r = call(leg(10_000, A, 0, Some(101)), leg(10_002, B, 0, None));
    let mut to_b = Vec::new();
    let mut digits = Vec::new();
    let mut seq = 100u16;
    let mut now = 0u64;
    let put = |r: &mut Relay, p: Vec<u8>, now: u64, to_b: &mut Vec<Vec<u8>>, digits: &mut Vec<_>| {
        let (v, out) = send(r, Side::A, A, &p, now);
        match v {
            Verdict::Rtp { out: Side::B, .. } => to_b.push(out),
            Verdict::Consumed => {}
            other => panic!("{other:?}"),
        }
        digits.extend(r.take_dtmf());
    };
    // Voice, then '1' held 100 ms, voice interleaved with its updates, its
    // end sent three times and the second end duplicated by the network.
    for k in 0..3 {
        put(&mut r, voice(0, seq, 160 * k), now, &mut to_b, &mut digits);
        (seq, now) = (seq + 1, now + TICK);
    }
    for k in 1..=5u16 {
        put(
            &mut r,
            event(101, seq, 480, 1, false, k * 160, k == 1),
            now,
            &mut to_b,
            &mut digits,
        );
        put(
            &mut r,
            voice(0, seq + 1, 480 + 160 * u32::from(k)),
            now,
            &mut to_b,
            &mut digits,
        );
        (seq, now) = (seq + 2, now + TICK);
    }
    for dup in [1, 2, 1] {
        for _ in 0..dup {
            put(
                &mut r,
                event(101, seq, 480, 1, true, 800, false),
                now,
                &mut to_b,
                &mut digits,
            );
        }
        (seq, now) = (seq + 1, now + TICK);
    }
    assert_eq!(digits, [(Side::A, '1', 100)], "once, at its end, held 100 ms");
    // An update of '1' retransmitted late: nothing.
    put(
        &mut r,
        event(101, seq, 480, 1, false, 480, false),
        now,
        &mut to_b,
        &mut digits,
    );
    seq += 1;
    // '#' whose end packets are all lost: ended by voice.
    for k in 1..=4u16 {
        put(
            &mut r,
            event(101, seq, 2000, 11, false, k * 160, k == 1),
            now,
            &mut to_b,
            &mut digits,
        );
        (seq, now) = (seq + 1, now + TICK);
    }
    for k in 0..4 {
        put(&mut r, voice(0, seq, 2640 + 160 * k), now, &mut to_b, &mut digits);
        (seq, now) = (seq + 1, now + TICK);
    }
    assert_eq!(digits, [(Side::A, '1', 100), (Side::A, '#', 80)]);
    // B got the voice only, its numbering without a gap where events were.
    assert_eq!(to_b.len(), 3 + 5 + 4);
    assert!(to_b.iter().all(|p| header::payload_type(p) == 0 && p.len() == 172));
    let seqs: Vec<u16> = to_b.iter().map(|p| header::sequence(p)).collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0].wrapping_add(1)), "{seqs:?}");
    assert_eq!(r.stats()[1].unwrap().dropped, 0);
}

/// One event as a stream carries it.
#[derive(Debug)]
struct Event {
    /// The event code.
    code: u8,
    ts: u32,
    /// Durations of its updates and of its end packets.
    updates: Vec<u16>,
    ends: Vec<u16>,
    /// Its first packet is marked.
    marked: bool,
}

/// The events in a stream (PT `te`), in order.
fn events_in(stream: &[Vec<u8>], te: u8) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for p in stream.iter().filter(|p| header::payload_type(p) == te) {
        let (ts, end) = (header::timestamp(p), p[13] & 0x80 != 0);
        let d = u16::from_be_bytes([p[14], p[15]]);
        if out.last().is_none_or(|e| e.ts != ts) {
            out.push(Event {
                code: p[12],
                ts,
                updates: Vec::new(),
                ends: Vec::new(),
                marked: header::marker(p),
            });
        } else {
            assert!(!header::marker(p), "only the first packet is marked");
        }
        let e = out.last_mut().unwrap();
        if end { &mut e.ends } else { &mut e.updates }.push(d);
    }
    out
}

#[test]
fn digits_go_to_a_leg_with_telephone_event_in_its_own_stream_between_the_voice() {
    // A (PCMU, no telephone-event) sends an INFO; B agreed PCMA and 96.
    let mut r = call(leg(10_000, A, 0, None), leg(10_002, B, 8, Some(96)));
    let mut to_b: Vec<Vec<u8>> = Vec::new();
    let mut queued = false;
    let mut busy_ticks = 0;
    for k in 0..60u16 {
        let now = TICK * u64::from(k);
        let (v, p) = send(&mut r, Side::A, A, &voice(0, 500 + k, 1000 + 160 * u32::from(k)), now);
        assert!(matches!(v, Verdict::Rtp { out: Side::B, .. }));
        to_b.push(p);
        if k == 5 {
            assert!(r.send_dtmf(Side::B, "1#", 160), "the call needs ticks");
            queued = true;
        }
        if queued {
            let (busy, sent) = tick(&mut r, now + 5_000);
            busy_ticks += usize::from(busy);
            assert!(sent.iter().all(|(side, _, dest)| *side == Side::B && *dest == addr(B)));
            to_b.extend(sent.into_iter().map(|s| s.1));
            queued = busy;
        }
    }
    assert!(!queued, "the ticks end once both digits are sent");
    assert_eq!(busy_ticks, 11 + 3 + 11 + 2, "two digits and the gaps after them");
    // One stream: our SSRC, every sequence number once, in order.
    assert!(to_b.iter().all(|p| header::ssrc(p) == SSRC_TO_B));
    let seqs: Vec<u16> = to_b.iter().map(|p| header::sequence(p)).collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0].wrapping_add(1)), "{seqs:?}");
    assert_eq!(to_b.len(), 60 + 2 * 11);
    let events = events_in(&to_b, 96);
    let updates: Vec<u16> = (1..=8).map(|k| k * 160).collect();
    assert_eq!(events.len(), 2, "two digits, once each");
    for (e, digit) in events.iter().zip([1u8, 11]) {
        assert_eq!(
            (e.code, &e.updates, &e.ends, e.marked),
            (digit, &updates, &vec![1280; 3], true)
        );
    }
    // Each event's timestamp lies on the voice's timeline where it began:
    // 5 ms after the voice packet of its tick.
    let voice_ts = |at: u32| {
        let p = to_b
            .iter()
            .find(|p| header::payload_type(p) == 8 && header::timestamp(p) >= at);
        header::timestamp(p.unwrap())
    };
    for e in &events {
        let before = voice_ts(e.ts.wrapping_sub(160));
        assert_eq!(e.ts, before + 40, "5 ms (40 ticks) after the voice before it");
    }
    assert_eq!(
        events[1].ts - events[0].ts,
        14 * 160,
        "# began 14 ticks (280 ms) after 1"
    );
    // The voice itself went through as PCMA's payload type.
    assert_eq!(to_b.iter().filter(|p| header::payload_type(p) == 8).count(), 60);
}

#[test]
fn digits_go_out_with_no_voice_to_carry_them_and_not_to_a_held_leg() {
    // A sends no RTP at all (an INFO-only peer): the events still go, B's
    // timestamps advancing with the clock between digits.
    let mut r = call(leg(10_000, A, 0, None), leg(10_002, B, 0, Some(101)));
    r.send_dtmf(Side::B, "5", 100);
    let mut to_b = Vec::new();
    let mut k = 0;
    loop {
        let (busy, sent) = tick(&mut r, TICK * k);
        to_b.extend(sent.into_iter().map(|s| s.1));
        k += 1;
        if !busy {
            break;
        }
    }
    assert_eq!(
        (k, to_b.len()),
        (8 + 3, 8),
        "a digit, then 60 ms before the next could go"
    );
    r.send_dtmf(Side::B, "6", 100);
    for k in 0..8 {
        to_b.extend(tick(&mut r, 1_000_000 + TICK * k).1.into_iter().map(|s| s.1));
    }
    let seqs: Vec<u16> = to_b.iter().map(|p| header::sequence(p)).collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0].wrapping_add(1)), "{seqs:?}");
    let events = events_in(&to_b, 101);
    assert_eq!(events.iter().map(|e| e.code).collect::<Vec<_>>(), [5, 6]);
    assert_eq!(events[1].ts - events[0].ts, 8000, "one second later at 8 kHz");
    assert_eq!(
        (&events[0].updates, &events[0].ends),
        (&vec![160, 320, 480, 640, 800], &vec![800; 3])
    );
    // Held: nothing goes to B (counted as not forwarded), the digit is
    // used up all the same.
    let mut r = call(leg(10_000, A, 0, None), leg(10_002, B, 0, Some(101)));
    r.update_leg(
        Side::B,
        LegConfig {
            send: false,
            ..leg(10_002, B, 0, Some(101))
        },
    );
    r.send_dtmf(Side::B, "7", 100);
    let sent: usize = (0..10).map(|k| tick(&mut r, TICK * k).1.len()).sum();
    assert_eq!((sent, r.stats()[1].unwrap().dropped), (0, 8));
    // To a leg without telephone-event: nothing; the first tick ends it.
    let mut r = call(leg(10_000, A, 0, None), leg(10_002, B, 0, None));
    r.send_dtmf(Side::B, "7", 100);
    assert_eq!(tick(&mut r, 0), (false, Vec::new()));
}

#[test]
fn events_to_an_srtp_leg_are_sealed_under_its_key() {
    let key = |b: u8| MasterKey::from_bytes(&[b; 30]).unwrap();
    let suite = Suite::AesCm128HmacSha1_80;
    let b = LegConfig {
        srtp: Some(LegSrtp {
            suite,
            rx: key(1),
            tx: key(2),
        }),
        ..leg(10_002, B, 0, Some(101))
    };
    let mut r = call(leg(10_000, A, 0, None), b);
    r.send_dtmf(Side::B, "9", 100);
    let mut peer = SrtpContext::new(&key(2), suite);
    for k in 0..8 {
        let (_, sent) = tick(&mut r, TICK * k);
        let mut p = sent[0].1.clone();
        assert_eq!(p.len(), 16 + 10, "the 80-bit tag appended");
        let n = peer.unprotect(&mut p).expect("authenticates under the leg's key");
        assert_eq!((n, p[12]), (16, 9));
    }
}

#[test]
fn a_worker_reads_and_sends_digits_across_legs_that_differ() {
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let worker = WorkerConfig {
        timeout: Duration::from_secs(30),
        ..WorkerConfig::default()
    };
    let cfg = MediaConfig {
        workers: 1,
        pin: false,
        realtime: 0,
        transcoders: 0,
        worker,
    };
    let plane = MediaPlane::start(cfg, tx).unwrap();
    let sock = || {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        s
    };
    let (a, b) = (sock(), sock());
    let (pa, pb) = (ports::free_pair(), ports::free_pair());
    let leg_of = |port, s: &UdpSocket, te| LegConfig {
        te_pt: te,
        ..LegConfig::pcmu(port, s.local_addr().unwrap())
    };
    let add = MediaCommand::AddCall {
        call: 7,
        a: leg_of(pa, &a, Some(101)),
        b: Some(leg_of(pb, &b, None)),
    };
    plane.submit(add).unwrap();
    // The worker binds the call's sockets, then A's '4' (start, updates,
    // three ends) is heard once and none of it reaches B.
    let deadline = Instant::now() + Duration::from_secs(5);
    let to = SocketAddr::from(([127, 0, 0, 1], pa));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let heard = rt.block_on(async {
        let mut seq = 1;
        loop {
            assert!(Instant::now() < deadline, "no digit reported");
            for (d, end) in [(160, false), (480, false), (800, true), (800, true), (800, true)] {
                a.send_to(&event(101, seq, 9000, 4, end, d, d == 160), to).unwrap();
                seq += 1;
            }
            match tokio::time::timeout(Duration::from_millis(200), rx.recv()).await {
                Ok(Some(MediaEvent::Dtmf {
                    call,
                    side,
                    digit,
                    duration_ms,
                })) => {
                    return (call, side, digit, duration_ms);
                }
                Ok(Some(_)) | Err(_) => continue,
                Ok(None) => panic!("the plane stopped"),
            }
        }
    });
    assert_eq!(heard, (7, Side::A, '4', 100));
    b.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    assert!(b.recv_from(&mut [0u8; 64]).is_err(), "nothing relayed to B");
    // A digit for A (which agreed telephone-event) goes out on the ticks.
    let cmd = MediaCommand::SendDtmf {
        call: 7,
        side: Side::A,
        digits: "#".into(),
        duration_ms: 100,
    };
    plane.submit(cmd).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 2048];
    while got.len() < 8 {
        let (n, from) = a.recv_from(&mut buf).expect("8 event packets");
        assert_eq!(from.port(), pa);
        got.push((Instant::now(), buf[..n].to_vec()));
    }
    let events = events_in(&got.iter().map(|g| g.1.clone()).collect::<Vec<_>>(), 101);
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].code, events[0].ends.len()), (11, 3));
    let spread = got[7].0 - got[0].0;
    assert!(spread >= Duration::from_millis(120), "paced on 20 ms ticks: {spread:?}");
}
