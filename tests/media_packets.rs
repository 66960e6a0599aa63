//! A call's relay decides each packet without threads, sockets or sleeps:
//! bytes, source address and a simulated worker clock (µs) in, a verdict
//! out, the packet rewritten in place. Latching and strangers (RTPBleed),
//! re-latching only after 2 s of silence, SSRC rewrite with sequence and
//! timestamp continuity across a source change and across hold/resume,
//! payload-type renumbering with telephone-event, RTCP SSRC mapping, echo,
//! the media timeout, and Opus loss concealment towards a G.711 leg. SRTP
//! legs: each peer is played by independent `SrtpContext`s under its keys;
//! RTP <-> SRTP both ways, SRTP <-> SRTP with other keys and suites, echo,
//! forged and replayed packets (neither latched nor relayed), a sequence
//! wrap (rollover counter), SRTCP, a re-key, and a transcoded SRTP leg.

use rvoip::media::OpusSettings;
use rvoip::media::{AudioCodec, LegConfig, Side};
use rvoip::test_exports::media::rtp::header;
use rvoip::test_exports::media::{DropReason, Relay, Verdict};
use std::net::SocketAddr;
use two_legs::{A, B, RELATCH_US, SSRC_TO_A, SSRC_TO_B, addr, call, leg};

mod two_legs;

/// One 20 ms packet time.
const TICK: u64 = 20_000;

fn pcmu_call() -> Relay {
    call(leg(10_000, A, 0, None), leg(10_002, B, 0, None))
}

fn rtp(pt: u8, seq: u16, ts: u32, ssrc: u32) -> Vec<u8> {
    let mut p = vec![0u8; 12 + 160];
    header::write_header(&mut p, pt, false, seq, ts, ssrc);
    p[12..].fill(seq as u8);
    p
}

/// Hands `p`, received from `src` on leg `side`'s RTP port (`rtcp_port`
/// false) or RTCP port at `now`, to the relay as the worker does: in a
/// 2 KiB receive slot. The verdict; `p` becomes the bytes it leaves with
/// (the length the verdict gives), or as the relay left them.
fn handle(r: &mut Relay, side: Side, rtcp_port: bool, p: &mut Vec<u8>, src: SocketAddr, now: u64) -> Verdict {
    let mut slot = [0u8; 2048];
    slot[..p.len()].copy_from_slice(p);
    let v = r.handle_packet(side, rtcp_port, &mut slot, p.len(), src, now);
    let len = match v {
        Verdict::Rtp { len, .. } | Verdict::Rtcp { len, .. } => len,
        Verdict::Transcode { rtp, .. } => rtp.len,
        Verdict::Consumed | Verdict::Drop(_) => p.len(),
    };
    *p = slot[..len].to_vec();
    v
}

/// Sends an RTP packet from `src` into leg `side` at `now`: the verdict and
/// the packet as rewritten.
fn send(r: &mut Relay, side: Side, src: &str, p: Vec<u8>, now: u64) -> (Verdict, Vec<u8>) {
    let mut p = p;
    let v = handle(r, side, false, &mut p, addr(src), now);
    (v, p)
}

/// (sequence, timestamp, SSRC) of a packet.
fn numbers(p: &[u8]) -> (u16, u32, u32) {
    (header::sequence(p), header::timestamp(p), header::ssrc(p))
}

#[test]
fn relays_both_ways_with_our_ssrc_and_continuous_numbering() {
    let mut r = pcmu_call();
    let mut out = Vec::new();
    for i in 0..20u16 {
        let (v, p) = send(
            &mut r,
            Side::A,
            A,
            rtp(0, 100 + i, 160 * u32::from(i), 0xa),
            TICK * u64::from(i),
        );
        assert_eq!(
            v,
            Verdict::Rtp {
                out: Side::B,
                dest: addr(B),
                len: 172
            }
        );
        assert_eq!(&p[12..], &rtp(0, 100 + i, 0, 0)[12..], "payload intact");
        out.push(numbers(&p));
    }
    assert!(out.iter().all(|&(_, _, ssrc)| ssrc == SSRC_TO_B), "B sees our SSRC");
    assert!(
        out.windows(2)
            .all(|w| w[1].0 == w[0].0.wrapping_add(1) && w[1].1 == w[0].1.wrapping_add(160))
    );
    assert_eq!(r.take_latched(), Some((Side::A, addr(A))), "the first packet latched A");
    assert_eq!(r.take_latched(), None, "reported once");
    let (v, p) = send(&mut r, Side::B, B, rtp(0, 7, 0, 0xb), 500_000);
    assert_eq!(
        v,
        Verdict::Rtp {
            out: Side::A,
            dest: addr(A),
            len: 172
        }
    );
    assert_eq!(header::ssrc(&p), SSRC_TO_A);
    let [a, b] = r.stats();
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.rx.packets, a.rx.lost(), a.tx_packets), (20, 0, 1));
    assert_eq!((b.rx.packets, b.tx_packets, b.dropped, b.strangers), (1, 20, 0, 0));
}

#[test]
fn the_first_source_latches_and_strangers_are_dropped_not_followed() {
    let mut r = pcmu_call();
    // Before B sends, its media goes to the SDP address.
    let (v, _) = send(&mut r, Side::A, A, rtp(0, 1, 0, 0xa), 0);
    assert_eq!(
        v,
        Verdict::Rtp {
            out: Side::B,
            dest: addr(B),
            len: 172
        }
    );
    assert_eq!(r.take_latched(), Some((Side::A, addr(A))));
    // B is behind a NAT: its packets come from elsewhere, and win.
    let nat = "203.0.113.7:61000";
    send(&mut r, Side::B, nat, rtp(0, 1, 0, 0xb), 1_000);
    assert_eq!(r.take_latched(), Some((Side::B, addr(nat))));
    let (v, _) = send(&mut r, Side::A, A, rtp(0, 2, 160, 0xa), TICK);
    assert_eq!(
        v,
        Verdict::Rtp {
            out: Side::B,
            dest: addr(nat),
            len: 172
        },
        "media follows the latch"
    );
    // A stranger on A's port (RTPBleed) is dropped, the packet untouched.
    let bleed = rtp(0, 500, 0, 0xc);
    let (v, p) = send(&mut r, Side::A, "192.0.2.66:4000", bleed.clone(), 2 * TICK);
    assert_eq!((v, p), (Verdict::Drop(DropReason::Stranger), bleed));
    assert_eq!(r.take_latched(), None);
    let (v, _) = send(&mut r, Side::A, A, rtp(0, 3, 320, 0xa), 3 * TICK);
    assert_eq!(
        v,
        Verdict::Rtp {
            out: Side::B,
            dest: addr(nat),
            len: 172
        }
    );
    let a = r.stats()[0].unwrap();
    assert_eq!(
        (a.rx.packets, a.strangers, a.dropped),
        (3, 1, 0),
        "strangers are not also 'dropped'"
    );
}

#[test]
fn a_new_source_takes_over_only_after_two_seconds_of_silence() {
    let mut r = pcmu_call();
    let rebound = "192.0.2.10:4444"; // A's NAT rebinding
    send(&mut r, Side::A, A, rtp(0, 1, 0, 0xa), 0);
    send(&mut r, Side::A, A, rtp(0, 2, 160, 0xa), TICK);
    r.take_latched();
    let last = TICK;
    let (v, _) = send(&mut r, Side::A, rebound, rtp(0, 3, 320, 0xa), last + RELATCH_US - 1);
    assert_eq!(
        v,
        Verdict::Drop(DropReason::Stranger),
        "1,999,999 µs of silence is not enough"
    );
    let (v, _) = send(&mut r, Side::A, rebound, rtp(0, 4, 480, 0xa), last + RELATCH_US);
    assert_eq!(
        v,
        Verdict::Rtp {
            out: Side::B,
            dest: addr(B),
            len: 172
        }
    );
    assert_eq!(r.take_latched(), Some((Side::A, addr(rebound))));
    // B's media now goes to the new address; the old one is the stranger.
    let (v, _) = send(&mut r, Side::B, B, rtp(0, 1, 0, 0xb), last + RELATCH_US + 1);
    assert_eq!(
        v,
        Verdict::Rtp {
            out: Side::A,
            dest: addr(rebound),
            len: 172
        }
    );
    let (v, _) = send(&mut r, Side::A, A, rtp(0, 5, 640, 0xa), last + RELATCH_US + TICK);
    assert_eq!(v, Verdict::Drop(DropReason::Stranger));
}

#[test]
fn a_re_invite_with_a_new_address_latches_again_at_once() {
    let mut r = pcmu_call();
    send(&mut r, Side::A, A, rtp(0, 1, 0, 0xa), 0);
    let moved = "192.0.2.99:7000";
    r.update_leg(Side::A, leg(10_000, moved, 0, None));
    let (v, _) = send(&mut r, Side::B, B, rtp(0, 1, 0, 0xb), TICK);
    assert_eq!(
        v,
        Verdict::Rtp {
            out: Side::A,
            dest: addr(moved),
            len: 172
        },
        "the new SDP address"
    );
    let (v, _) = send(&mut r, Side::A, moved, rtp(0, 2, 160, 0xa), 2 * TICK);
    assert_eq!(
        v,
        Verdict::Rtp {
            out: Side::B,
            dest: addr(B),
            len: 172
        },
        "no 2 s wait after a re-INVITE"
    );
}

#[test]
fn a_source_restart_keeps_ssrc_sequence_and_timestamp_continuous() {
    let mut r = pcmu_call();
    let (_, p0) = send(&mut r, Side::A, A, rtp(0, 10, 900, 0x7), 0);
    let (_, p1) = send(&mut r, Side::A, A, rtp(0, 11, 1060, 0x7), TICK);
    // The far side restarts: new SSRC, new random sequence and timestamp.
    let (_, p2) = send(&mut r, Side::A, A, rtp(0, 40_000, 7, 0x9), 2 * TICK);
    let (_, p3) = send(&mut r, Side::A, A, rtp(0, 40_001, 167, 0x9), 3 * TICK);
    let (s0, t0, _) = numbers(&p0);
    assert_eq!(
        [numbers(&p1), numbers(&p2), numbers(&p3)],
        [
            (s0.wrapping_add(1), t0.wrapping_add(160), SSRC_TO_B),
            (s0.wrapping_add(2), t0.wrapping_add(320), SSRC_TO_B),
            (s0.wrapping_add(3), t0.wrapping_add(480), SSRC_TO_B),
        ]
    );
}

#[test]
fn hold_stops_media_to_the_held_leg_and_resume_continues_its_numbering() {
    let a = leg(10_000, A, 0, None);
    let b = leg(10_002, B, 8, None);
    let mut r = call(a, b);
    let (_, first) = send(&mut r, Side::A, A, rtp(0, 1, 0, 0xa), 0);
    assert_eq!(header::payload_type(&first), 8, "PT renumbered 0 -> 8");
    r.update_leg(Side::B, LegConfig { send: false, ..b });
    let (v, _) = send(&mut r, Side::A, A, rtp(0, 2, 160, 0xa), TICK);
    assert_eq!(v, Verdict::Drop(DropReason::Hold), "B is held: nothing sent to it");
    let (v, _) = send(&mut r, Side::B, B, rtp(8, 1, 0, 0xb), TICK);
    assert_eq!(
        v,
        Verdict::Rtp {
            out: Side::A,
            dest: addr(A),
            len: 172
        },
        "B still sends to A"
    );
    // Resumed 1 s after the last packet B got; A's numbers jumped meanwhile.
    r.update_leg(Side::B, b);
    let (v, resumed) = send(&mut r, Side::A, A, rtp(0, 50, 8000, 0xa), 1_000_000);
    assert_eq!(
        v,
        Verdict::Rtp {
            out: Side::B,
            dest: addr(B),
            len: 172
        }
    );
    let (s, t, ssrc) = numbers(&first);
    assert_eq!(
        numbers(&resumed),
        (s.wrapping_add(1), t.wrapping_add(8000), ssrc),
        "no sequence gap; the timestamp advanced by the time held (8,000 at 8 kHz)"
    );
    assert_eq!(r.stats()[1].unwrap().dropped, 1, "the held packet, counted on B");
}

#[test]
fn payload_types_are_renumbered_per_leg_with_telephone_event() {
    let mut r = call(leg(10_000, A, 0, Some(101)), leg(10_002, B, 8, Some(96)));
    let pt_out = |r: &mut Relay, side, src, pt, seq| header::payload_type(&send(r, side, src, rtp(pt, seq, 0, 1), 0).1);
    assert_eq!(pt_out(&mut r, Side::A, A, 0, 1), 8, "voice");
    assert_eq!(pt_out(&mut r, Side::A, A, 101, 2), 96, "telephone-event");
    assert_eq!(pt_out(&mut r, Side::B, B, 8, 1), 0);
    assert_eq!(pt_out(&mut r, Side::B, B, 96, 2), 101);
    // The marker bit survives the renumbering.
    let mut p = rtp(101, 9, 0, 1);
    header::write_header(&mut p, 101, true, 9, 0, 1);
    handle(&mut r, Side::A, false, &mut p, addr(A), 0);
    assert!(header::marker(&p));
}

#[test]
fn only_what_each_leg_negotiated_is_relayed() {
    let mut r = call(leg(10_000, A, 0, Some(101)), leg(10_002, B, 8, Some(96)));
    let unnegotiated = Verdict::Drop(DropReason::Unnegotiated);
    // Opus on 96 from A (which agreed PCMU and 101), comfort noise nobody
    // agreed, B's PCMU on 0 (it agreed PCMA on 8): none goes anywhere.
    for (side, src, pt) in [(Side::A, A, 96), (Side::A, A, 13), (Side::B, B, 0), (Side::B, B, 101)] {
        assert_eq!(
            send(&mut r, side, src, rtp(pt, 1, 0, 1), 0).0,
            unnegotiated,
            "PT {pt} from {side:?}"
        );
    }
    assert_eq!(
        (r.stats()[0].unwrap().dropped, r.stats()[1].unwrap().dropped),
        (2, 2),
        "counted on the leg it came from"
    );
    // telephone-event to a leg that did not agree it is not relayed
    // either: it is read for its digits (DTMF interworking, media_dtmf.rs).
    let mut r = call(leg(10_000, A, 0, Some(101)), leg(10_002, B, 0, None));
    assert_eq!(send(&mut r, Side::A, A, rtp(101, 1, 0, 1), 0).0, Verdict::Consumed);
    assert_eq!(r.stats()[1].unwrap().tx_packets, 0);
    assert!(
        matches!(send(&mut r, Side::A, A, rtp(0, 2, 160, 1), 0).0, Verdict::Rtp { .. }),
        "voice still goes"
    );
}

/// A sender report from `ssrc` with one report block about `about`.
fn sender_report(ssrc: u32, about: u32) -> Vec<u8> {
    let mut sr = vec![0x81, 200, 0, 12];
    sr.extend_from_slice(&ssrc.to_be_bytes());
    sr.extend_from_slice(&[0; 20]);
    sr.extend_from_slice(&about.to_be_bytes());
    sr.extend_from_slice(&[0; 20]);
    sr
}

fn word(p: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(p[at..at + 4].try_into().unwrap())
}

#[test]
fn rtcp_ssrcs_are_mapped_to_the_ones_each_side_sees() {
    let mut r = pcmu_call();
    send(&mut r, Side::A, A, rtp(0, 1, 0, 0xa), 0);
    send(&mut r, Side::B, B, rtp(0, 1, 0, 0xb), 0);
    // A reports as 0xa about the SSRC it receives from us; rtcp-mux, so on
    // the RTP port.
    let mut sr = sender_report(0xa, SSRC_TO_A);
    let v = handle(&mut r, Side::A, false, &mut sr, addr(A), TICK);
    assert_eq!(
        v,
        Verdict::Rtcp {
            out: Side::B,
            dest: addr(B),
            len: 52
        }
    );
    assert_eq!((word(&sr, 4), word(&sr, 28)), (SSRC_TO_B, 0xb), "as B knows them");
    // And back.
    let mut sr = sender_report(0xb, SSRC_TO_B);
    let v = handle(&mut r, Side::B, false, &mut sr, addr(B), TICK);
    assert_eq!(
        v,
        Verdict::Rtcp {
            out: Side::A,
            dest: addr(A),
            len: 52
        }
    );
    assert_eq!((word(&sr, 4), word(&sr, 28)), (SSRC_TO_A, 0xa));
    // A stranger's RTCP, or a broken compound packet, goes nowhere.
    let mut sr = sender_report(0xc, 0);
    let v = handle(&mut r, Side::A, false, &mut sr, addr("192.0.2.66:4000"), TICK);
    assert_eq!(v, Verdict::Drop(DropReason::Stranger));
    let mut short = sender_report(0xa, 0)[..20].to_vec();
    let v = handle(&mut r, Side::A, false, &mut short, addr(A), TICK);
    assert_eq!(v, Verdict::Drop(DropReason::Malformed));
}

#[test]
fn rtcp_on_its_own_port_goes_to_the_peer_rtcp_port() {
    let no_mux = |port, remote| LegConfig {
        rtcp_mux: false,
        ..leg(port, remote, 0, None)
    };
    let mut r = call(no_mux(10_000, A), no_mux(10_002, B));
    let mut sr = sender_report(0xa, 0);
    let v = handle(&mut r, Side::A, true, &mut sr, addr("192.0.2.10:4001"), 0);
    assert_eq!(
        v,
        Verdict::Rtcp {
            out: Side::B,
            dest: addr("198.51.100.20:5001"),
            len: 52
        }
    );
    // Without rtcp-mux, what arrives on the RTP port is RTP (here PT 72 with
    // the marker bit): the demultiplexing is by port, and PT 72 was never
    // negotiated, so it goes nowhere.
    let mut sr = sender_report(0xa, 0);
    let v = handle(&mut r, Side::A, false, &mut sr, addr(A), 0);
    assert_eq!(v, Verdict::Drop(DropReason::Unnegotiated));
}

#[test]
fn an_echo_returns_rtp_to_its_source_and_does_not_reflect_rtcp() {
    let mut r = Relay::new(
        leg(10_000, A, 0, None),
        None,
        [SSRC_TO_A, 0],
        RELATCH_US,
        OpusSettings::default(),
        0,
    );
    let nat = "203.0.113.7:61000";
    for i in 0..5u16 {
        let (v, p) = send(
            &mut r,
            Side::A,
            nat,
            rtp(0, i, 160 * u32::from(i), 0xa),
            TICK * u64::from(i),
        );
        assert_eq!(
            v,
            Verdict::Rtp {
                out: Side::A,
                dest: addr(nat),
                len: 172
            }
        );
        assert_eq!((&p[12..], header::ssrc(&p)), (&rtp(0, i, 0, 0)[12..], SSRC_TO_A));
    }
    let mut sr = sender_report(0xa, 0);
    assert_eq!(
        handle(&mut r, Side::A, false, &mut sr, addr(nat), 0),
        Verdict::Drop(DropReason::NotReflected)
    );
    assert_eq!(
        handle(&mut r, Side::B, false, &mut rtp(0, 9, 0, 0xa), addr(nat), 0),
        Verdict::Drop(DropReason::NoSuchLeg)
    );
}

#[test]
fn malformed_rtp_is_dropped_and_counted_on_its_leg() {
    let mut r = pcmu_call();
    let mut v1 = rtp(0, 1, 0, 0xa);
    v1[0] = 0x40; // version 1
    assert_eq!(
        handle(&mut r, Side::A, false, &mut v1, addr(A), 0),
        Verdict::Drop(DropReason::Malformed)
    );
    assert_eq!(
        handle(&mut r, Side::A, false, &mut vec![0x80, 0, 0], addr(A), 0),
        Verdict::Drop(DropReason::Malformed)
    );
    assert_eq!(r.take_latched(), None, "a malformed packet latches nothing");
    assert_eq!(r.stats()[0].unwrap().dropped, 2);
}

#[test]
fn the_media_timeout_fires_once_after_silence_on_every_leg() {
    let timeout = 30_000_000;
    let mut r = pcmu_call();
    assert!(
        !r.check_timeout(timeout - 1, timeout),
        "silent since it was added, not long enough"
    );
    send(&mut r, Side::B, B, rtp(0, 1, 0, 0xb), 10_000_000);
    assert!(!r.check_timeout(timeout + 1, timeout), "B spoke at 10 s");
    assert!(r.check_timeout(10_000_000 + timeout, timeout));
    assert!(!r.check_timeout(10_000_000 + 2 * timeout, timeout), "reported once");
}

#[test]
fn lost_opus_frames_are_concealed_towards_the_g711_leg() {
    use rvoip::test_exports::media::codec::opus::OpusEncoder;
    let a = LegConfig {
        codec: Some(AudioCodec::Pcmu),
        ..leg(10_000, A, 0, None)
    };
    let b = LegConfig {
        codec: Some(AudioCodec::Opus),
        clock: 48_000,
        ..leg(10_002, B, 111, None)
    };
    let mut r = call(a, b);
    let mut enc = OpusEncoder::new(OpusSettings::default()).unwrap();
    let tone: Vec<i16> = (0..160).map(|i| (8000.0 * (i as f64 * 0.785).sin()) as i16).collect();
    let mut buf = [0u8; 2048];
    let mut sent = Vec::new();
    for seq in [1u16, 2, 5, 6] {
        let mut p = vec![0u8; 12 + 400];
        header::write_header(&mut p, 111, false, seq, 960 * u32::from(seq), 0xb);
        let n = enc.encode(&tone, &mut p[12..]).unwrap();
        p.truncate(12 + n);
        let now = TICK * u64::from(seq);
        let Verdict::Transcode { out: Side::A, rtp } = handle(&mut r, Side::B, false, &mut p, addr(B), now) else {
            panic!("Opus voice is re-coded for A");
        };
        let coded = r.transcode(Side::B, rtp, &p, now, &mut buf, |p, dest| sent.push((p.to_vec(), dest)));
        assert_eq!(coded, Ok(()));
    }
    assert_eq!(sent.len(), 6, "frames 3 and 4 concealed");
    assert!(
        sent.iter()
            .all(|(p, dest)| (header::payload_type(p), p.len(), *dest) == (0, 12 + 160, addr(A)))
    );
    let seqs: Vec<u16> = sent.iter().map(|(p, _)| header::sequence(p)).collect();
    let stamps: Vec<u32> = sent.iter().map(|(p, _)| header::timestamp(p)).collect();
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0].wrapping_add(1)),
        "no gap towards A: {seqs:?}"
    );
    assert!(
        stamps.windows(2).all(|w| w[1].wrapping_sub(w[0]) == 160),
        "8 kHz clock: {stamps:?}"
    );
}

use rvoip::media::LegSrtp;
use rvoip::media::srtp::{MasterKey, SrtcpContext, SrtpContext, Suite};

const SUITE: Suite = Suite::AesCm128HmacSha1_80;

/// Master key number `n` (distinct bytes for each `n`).
fn key(n: u8) -> MasterKey {
    let bytes: Vec<u8> = (0..30u8)
        .map(|i| n.wrapping_mul(67).wrapping_add(i.wrapping_mul(13)))
        .collect();
    MasterKey::from_bytes(&bytes).unwrap()
}

/// An SRTP leg: its peer sends under key `rx`, we send under key `tx`.
fn srtp_leg(port: u16, remote: &str, suite: Suite, rx: u8, tx: u8) -> LegConfig {
    LegConfig {
        srtp: Some(LegSrtp {
            suite,
            rx: key(rx),
            tx: key(tx),
        }),
        ..leg(port, remote, 0, None)
    }
}

/// The far end of an SRTP leg: seals what it sends under its key (the
/// leg's `rx`), opens what it gets under ours (the leg's `tx`).
struct Peer {
    tx: SrtpContext,
    rx: SrtpContext,
    rtcp_tx: SrtcpContext,
    rtcp_rx: SrtcpContext,
}

impl Peer {
    fn new(suite: Suite, sends: u8, receives: u8) -> Peer {
        Peer {
            tx: SrtpContext::new(&key(sends), suite),
            rx: SrtpContext::new(&key(receives), suite),
            rtcp_tx: SrtcpContext::new(&key(sends)),
            rtcp_rx: SrtcpContext::new(&key(receives)),
        }
    }

    /// `p` sealed as this peer sends it.
    fn seal(&mut self, p: Vec<u8>) -> Vec<u8> {
        let mut buf = [0u8; 2048];
        buf[..p.len()].copy_from_slice(&p);
        let n = self.tx.protect(&mut buf, p.len()).unwrap();
        buf[..n].to_vec()
    }

    /// `p`, sent to this peer, opened: the RTP packet (panics if it does
    /// not authenticate under the peer's view of our key).
    fn open(&mut self, mut p: Vec<u8>) -> Vec<u8> {
        let n = self.rx.unprotect(&mut p).expect("authenticates under our key");
        p.truncate(n);
        p
    }

    fn seal_rtcp(&mut self, p: Vec<u8>) -> Vec<u8> {
        let mut buf = [0u8; 2048];
        buf[..p.len()].copy_from_slice(&p);
        let n = self.rtcp_tx.protect(&mut buf, p.len()).unwrap();
        buf[..n].to_vec()
    }

    fn open_rtcp(&mut self, mut p: Vec<u8>) -> Vec<u8> {
        let n = self.rtcp_rx.unprotect(&mut p).expect("SRTCP authenticates");
        p.truncate(n);
        p
    }
}

/// The payload `rtp(_, seq, ..)` carries.
fn payload_of(seq: u16) -> Vec<u8> {
    vec![seq as u8; 160]
}

/// 172 bytes of RTP (PCMU) plus the 80-bit tag.
const SRTP_LEN: usize = 172 + 10;

#[test]
fn srtp_from_one_leg_reaches_a_plain_leg_as_rtp_and_back_as_srtp() {
    let mut r = call(srtp_leg(10_000, A, SUITE, 1, 2), leg(10_002, B, 0, None));
    let mut peer_a = Peer::new(SUITE, 1, 2);
    for i in 0..10u16 {
        let now = TICK * u64::from(i);
        let sealed = peer_a.seal(rtp(0, 300 + i, 160 * u32::from(i), 0xa));
        assert_ne!(
            &sealed[12..172],
            &payload_of(300 + i)[..],
            "the payload travels encrypted"
        );
        let (v, p) = send(&mut r, Side::A, A, sealed, now);
        assert_eq!(
            v,
            Verdict::Rtp {
                out: Side::B,
                dest: addr(B),
                len: 172
            },
            "tag gone"
        );
        assert_eq!((&p[12..], header::ssrc(&p)), (&payload_of(300 + i)[..], SSRC_TO_B));
        assert_eq!(r.take_latched(), (i == 0).then(|| (Side::A, addr(A))));
        // And B's plain RTP goes to A sealed under our key.
        let (v, p) = send(&mut r, Side::B, B, rtp(0, 50 + i, 160 * u32::from(i), 0xb), now);
        assert_eq!(
            v,
            Verdict::Rtp {
                out: Side::A,
                dest: addr(A),
                len: SRTP_LEN
            }
        );
        assert_ne!(&p[12..172], &payload_of(50 + i)[..], "sent encrypted");
        let opened = peer_a.open(p);
        assert_eq!(
            (&opened[12..], header::ssrc(&opened)),
            (&payload_of(50 + i)[..], SSRC_TO_A)
        );
        assert_eq!(r.take_latched(), (i == 0).then(|| (Side::B, addr(B))));
    }
    let [a, b] = r.stats().map(Option::unwrap);
    assert_eq!((a.rx.packets, a.tx_packets, a.dropped), (10, 10, 0));
    assert_eq!((b.rx.packets, b.tx_packets, b.dropped), (10, 10, 0));
}

#[test]
fn srtp_legs_with_their_own_keys_and_suites_are_re_sealed_across_the_call() {
    // A: 80-bit tags, keys 1 (its) and 2 (ours); B: 32-bit tags, 3 and 4.
    let short = Suite::AesCm128HmacSha1_32;
    let mut r = call(srtp_leg(10_000, A, SUITE, 1, 2), srtp_leg(10_002, B, short, 3, 4));
    let (mut peer_a, mut peer_b) = (Peer::new(SUITE, 1, 2), Peer::new(short, 3, 4));
    for i in 0..5u16 {
        let now = TICK * u64::from(i);
        let (v, p) = send(&mut r, Side::A, A, peer_a.seal(rtp(0, i, 0, 0xa)), now);
        assert_eq!(
            v,
            Verdict::Rtp {
                out: Side::B,
                dest: addr(B),
                len: 172 + 4
            }
        );
        assert_eq!(&peer_b.open(p)[12..], &payload_of(i)[..], "B opens it under key 4");
        let (v, p) = send(&mut r, Side::B, B, peer_b.seal(rtp(0, 900 + i, 0, 0xb)), now);
        assert_eq!(
            v,
            Verdict::Rtp {
                out: Side::A,
                dest: addr(A),
                len: SRTP_LEN
            }
        );
        assert_eq!(
            &peer_a.open(p)[12..],
            &payload_of(900 + i)[..],
            "A opens it under key 2"
        );
    }
    // What A seals under its key is not B's to open: relayed, it is
    // re-sealed, so B's peer could not have read what A's peer sent.
    let mut wrong = Peer::new(short, 3, 2);
    let (_, p) = send(&mut r, Side::A, A, peer_a.seal(rtp(0, 5, 0, 0xa)), 5 * TICK);
    assert_eq!(
        wrong.rx.unprotect(&mut p.clone()),
        Err(rvoip::media::srtp::SrtpError::Auth)
    );
    assert_eq!(&peer_b.open(p)[12..], &payload_of(5)[..]);
}

#[test]
fn an_srtp_echo_opens_with_the_peer_key_and_seals_with_ours() {
    let mut r = Relay::new(
        srtp_leg(10_000, A, SUITE, 5, 6),
        None,
        [SSRC_TO_A, 0],
        RELATCH_US,
        OpusSettings::default(),
        0,
    );
    let mut peer = Peer::new(SUITE, 5, 6);
    for i in 0..5u16 {
        let (v, p) = send(
            &mut r,
            Side::A,
            A,
            peer.seal(rtp(0, 70 + i, 0, 0xa)),
            TICK * u64::from(i),
        );
        assert_eq!(
            v,
            Verdict::Rtp {
                out: Side::A,
                dest: addr(A),
                len: SRTP_LEN
            }
        );
        let back = peer.open(p);
        assert_eq!((&back[12..], header::ssrc(&back)), (&payload_of(70 + i)[..], SSRC_TO_A));
    }
}

#[test]
fn a_corrupted_srtp_packet_is_dropped_and_latches_nothing() {
    let mut r = call(srtp_leg(10_000, A, SUITE, 1, 2), leg(10_002, B, 0, None));
    let mut peer_a = Peer::new(SUITE, 1, 2);
    let forger = "192.0.2.66:4000";
    let mut forged = peer_a.seal(rtp(0, 1, 0, 0xa));
    forged[40] ^= 1;
    // Before A has sent anything the first packet would latch: not this one.
    let (v, p) = send(&mut r, Side::A, forger, forged.clone(), 0);
    assert_eq!((v, &p), (Verdict::Drop(DropReason::SrtpAuth), &forged), "untouched");
    assert_eq!(r.take_latched(), None);
    // A sends; the forger tries again once the latch could move (after the
    // re-latch window's silence), and fails again.
    let (v, _) = send(&mut r, Side::A, A, peer_a.seal(rtp(0, 2, 160, 0xa)), TICK);
    assert_eq!(
        v,
        Verdict::Rtp {
            out: Side::B,
            dest: addr(B),
            len: 172
        }
    );
    assert_eq!(r.take_latched(), Some((Side::A, addr(A))));
    let mut forged = peer_a.seal(rtp(0, 3, 320, 0xa));
    forged[12] ^= 0x80;
    let late = TICK + RELATCH_US + 1;
    assert_eq!(
        send(&mut r, Side::A, forger, forged, late).0,
        Verdict::Drop(DropReason::SrtpAuth)
    );
    assert_eq!(r.take_latched(), None);
    let (v, _) = send(&mut r, Side::B, B, rtp(0, 1, 0, 0xb), late);
    assert_eq!(
        v,
        Verdict::Rtp {
            out: Side::A,
            dest: addr(A),
            len: SRTP_LEN
        },
        "A keeps its media"
    );
    // Shorter than a tag and a header: malformed.
    let (v, _) = send(&mut r, Side::A, A, vec![0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xa], late);
    assert_eq!(v, Verdict::Drop(DropReason::Malformed));
    let a = r.stats()[0].unwrap();
    assert_eq!(
        (a.rx.packets, a.dropped, a.strangers),
        (1, 3, 0),
        "counted on A, not as strangers"
    );
}

#[test]
fn a_replayed_srtp_packet_is_dropped() {
    let mut r = call(srtp_leg(10_000, A, SUITE, 1, 2), leg(10_002, B, 0, None));
    let mut peer_a = Peer::new(SUITE, 1, 2);
    let first = peer_a.seal(rtp(0, 10, 0, 0xa));
    let (v, p) = send(&mut r, Side::A, A, first.clone(), 0);
    assert_eq!(
        (v, &p[12..]),
        (
            Verdict::Rtp {
                out: Side::B,
                dest: addr(B),
                len: 172
            },
            &payload_of(10)[..]
        )
    );
    let (v, _) = send(&mut r, Side::A, A, first.clone(), TICK);
    assert_eq!(v, Verdict::Drop(DropReason::SrtpReplay));
    let (v, p) = send(&mut r, Side::A, A, peer_a.seal(rtp(0, 11, 160, 0xa)), 2 * TICK);
    assert_eq!(
        (v, &p[12..]),
        (
            Verdict::Rtp {
                out: Side::B,
                dest: addr(B),
                len: 172
            },
            &payload_of(11)[..]
        )
    );
    // Older than the newest but not seen: a late packet still goes; once.
    let mut late = Peer::new(SUITE, 1, 2);
    let nine = late.seal(rtp(0, 9, 0, 0xa));
    assert!(matches!(
        send(&mut r, Side::A, A, nine.clone(), 3 * TICK).0,
        Verdict::Rtp { .. }
    ));
    assert_eq!(
        send(&mut r, Side::A, A, nine, 4 * TICK).0,
        Verdict::Drop(DropReason::SrtpReplay)
    );
    let a = r.stats()[0].unwrap();
    assert_eq!((a.rx.packets, a.dropped), (3, 2));
}

#[test]
fn srtp_keeps_working_across_a_sequence_number_wrap() {
    // Our sequence towards A starts at SSRC >> 16 = 0xfffa: it wraps too.
    let ssrcs = [0xfffa_0001, 0xfffb_0002];
    let mut r = Relay::new(
        srtp_leg(10_000, A, SUITE, 1, 2),
        Some(leg(10_002, B, 0, None)),
        ssrcs,
        RELATCH_US,
        OpusSettings::default(),
        0,
    );
    let mut peer_a = Peer::new(SUITE, 1, 2);
    let mut seqs = Vec::new();
    for i in 0..40u16 {
        let (seq, now) = (65_520u16.wrapping_add(i), TICK * u64::from(i));
        let (v, p) = send(
            &mut r,
            Side::A,
            A,
            peer_a.seal(rtp(0, seq, 160 * u32::from(i), 0xa)),
            now,
        );
        assert_eq!(
            (v, &p[12..]),
            (
                Verdict::Rtp {
                    out: Side::B,
                    dest: addr(B),
                    len: 172
                },
                &payload_of(seq)[..]
            ),
            "in #{i}"
        );
        let (v, p) = send(&mut r, Side::B, B, rtp(0, 7 + i, 160 * u32::from(i), 0xb), now);
        assert_eq!(
            v,
            Verdict::Rtp {
                out: Side::A,
                dest: addr(A),
                len: SRTP_LEN
            },
            "out #{i}"
        );
        let back = peer_a.open(p);
        assert_eq!(&back[12..], &payload_of(7 + i)[..], "out #{i}");
        seqs.push(header::sequence(&back));
    }
    assert!(
        seqs.contains(&65_535) && seqs.contains(&0),
        "our stream to A wrapped: {seqs:?}"
    );
}

#[test]
fn srtcp_is_opened_mapped_and_sealed_per_leg() {
    let mut r = call(srtp_leg(10_000, A, SUITE, 1, 2), leg(10_002, B, 0, None));
    let mut peer_a = Peer::new(SUITE, 1, 2);
    send(&mut r, Side::A, A, peer_a.seal(rtp(0, 1, 0, 0xa)), 0);
    send(&mut r, Side::B, B, rtp(0, 1, 0, 0xb), 0);
    // A's SRTCP (muxed): plain RTCP to B, its SSRCs as B knows them.
    let sealed = peer_a.seal_rtcp(sender_report(0xa, SSRC_TO_A));
    let mut p = sealed.clone();
    let v = handle(&mut r, Side::A, false, &mut p, addr(A), TICK);
    assert_eq!(
        v,
        Verdict::Rtcp {
            out: Side::B,
            dest: addr(B),
            len: 52
        }
    );
    assert_eq!((word(&p, 4), word(&p, 28)), (SSRC_TO_B, 0xb));
    assert_eq!(&p[32..], &[0; 20], "the rest decrypted");
    // Replayed, or corrupted: dropped.
    let mut again = sealed.clone();
    let v = handle(&mut r, Side::A, false, &mut again, addr(A), TICK);
    assert_eq!(v, Verdict::Drop(DropReason::SrtpReplay));
    let mut bad = peer_a.seal_rtcp(sender_report(0xa, SSRC_TO_A));
    bad[20] ^= 4;
    let v = handle(&mut r, Side::A, false, &mut bad, addr(A), TICK);
    assert_eq!(v, Verdict::Drop(DropReason::SrtpAuth));
    // B's plain RTCP: sealed for A (index and tag appended).
    let mut p = sender_report(0xb, SSRC_TO_B);
    let v = handle(&mut r, Side::B, false, &mut p, addr(B), TICK);
    assert_eq!(
        v,
        Verdict::Rtcp {
            out: Side::A,
            dest: addr(A),
            len: 52 + 4 + 10
        }
    );
    assert_ne!(&p[32..52], &[0; 20], "sent encrypted");
    let opened = peer_a.open_rtcp(p);
    assert_eq!(
        (opened.len(), word(&opened, 4), word(&opened, 28)),
        (52, SSRC_TO_A, 0xa)
    );
    assert_eq!(&opened[32..], &[0; 20]);
}

#[test]
fn a_re_invite_with_new_keys_re_keys_and_the_same_keys_keep_the_stream() {
    let a = srtp_leg(10_000, A, SUITE, 1, 2);
    let mut r = call(a, leg(10_002, B, 0, None));
    let mut peer_a = Peer::new(SUITE, 1, 2);
    let first = peer_a.seal(rtp(0, 1, 0, 0xa));
    send(&mut r, Side::A, A, first.clone(), 0);
    // The same keys again (a re-INVITE for hold, say): the replay list
    // survives, and our stream goes on under the context A's peer has.
    r.update_leg(Side::A, a);
    assert_eq!(
        send(&mut r, Side::A, A, first, TICK).0,
        Verdict::Drop(DropReason::SrtpReplay)
    );
    let (_, p) = send(&mut r, Side::B, B, rtp(0, 1, 0, 0xb), TICK);
    assert_eq!(&peer_a.open(p)[12..], &payload_of(1)[..]);
    // New keys both ways: the old ones no longer open or seal.
    r.update_leg(Side::A, srtp_leg(10_000, A, SUITE, 7, 8));
    let (v, _) = send(&mut r, Side::A, A, peer_a.seal(rtp(0, 2, 160, 0xa)), 2 * TICK);
    assert_eq!(v, Verdict::Drop(DropReason::SrtpAuth), "old key");
    let mut rekeyed = Peer::new(SUITE, 7, 8);
    let (v, p) = send(&mut r, Side::A, A, rekeyed.seal(rtp(0, 3, 320, 0xa)), 3 * TICK);
    assert_eq!(
        (v, &p[12..]),
        (
            Verdict::Rtp {
                out: Side::B,
                dest: addr(B),
                len: 172
            },
            &payload_of(3)[..]
        )
    );
    let (_, p) = send(&mut r, Side::B, B, rtp(0, 2, 160, 0xb), 3 * TICK);
    assert_eq!(&rekeyed.open(p)[12..], &payload_of(2)[..]);
    // And back to plain RTP.
    r.update_leg(Side::A, leg(10_000, A, 0, None));
    let (v, p) = send(&mut r, Side::B, B, rtp(0, 3, 320, 0xb), 4 * TICK);
    assert_eq!(
        (v, &p[12..]),
        (
            Verdict::Rtp {
                out: Side::A,
                dest: addr(A),
                len: 172
            },
            &payload_of(3)[..]
        )
    );
}

#[test]
fn a_transcoded_call_seals_and_opens_the_srtp_leg() {
    use rvoip::test_exports::media::codec::{Transcoder, g711};
    // A: PCMU over SRTP; B: Opus in the clear.
    let a = LegConfig {
        codec: Some(AudioCodec::Pcmu),
        ..srtp_leg(10_000, A, SUITE, 1, 2)
    };
    let b = LegConfig {
        codec: Some(AudioCodec::Opus),
        clock: 48_000,
        ..leg(10_002, B, 111, None)
    };
    let mut r = call(a, b);
    let mut peer_a = Peer::new(SUITE, 1, 2);
    // What the relay's transcoders should produce, made independently.
    let (mut to_opus, mut to_pcmu) = (
        Transcoder::new(AudioCodec::Pcmu, AudioCodec::Opus, OpusSettings::default()).unwrap(),
        Transcoder::new(AudioCodec::Opus, AudioCodec::Pcmu, OpusSettings::default()).unwrap(),
    );
    let tone: Vec<i16> = (0..160).map(|i| (8000.0 * (i as f64 * 0.785).sin()) as i16).collect();
    let mut ulaw = [0u8; 160];
    g711::encode_ulaw(&tone, &mut ulaw);
    let mut buf = [0u8; 2048];
    for seq in 1..=5u16 {
        let now = TICK * u64::from(seq);
        // A -> B: opened, then re-coded to Opus in the clear.
        let mut p = vec![0u8; 172];
        header::write_header(&mut p, 0, false, seq, 160 * u32::from(seq), 0xa);
        p[12..].copy_from_slice(&ulaw);
        let mut p = peer_a.seal(p);
        let Verdict::Transcode { out: Side::B, rtp } = handle(&mut r, Side::A, false, &mut p, addr(A), now) else {
            panic!("PCMU voice is re-coded for B");
        };
        assert_eq!(&p[12..], &ulaw[..], "opened before re-coding");
        let mut sent = Vec::new();
        let coded = r.transcode(Side::A, rtp, &p, now, &mut buf, |p, dest| sent.push((p.to_vec(), dest)));
        assert_eq!(coded, Ok(()));
        let mut want = [0u8; 400];
        let n = to_opus.transcode(&ulaw, &mut want).unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(
            (&sent[0].0[12..], sent[0].1),
            (&want[..n], addr(B)),
            "Opus in the clear to B"
        );
        // B -> A: that Opus re-coded to PCMU and sealed for A.
        let mut p = sent[0].0.clone();
        header::write_header(&mut p, 111, false, seq, 960 * u32::from(seq), 0xb);
        let Verdict::Transcode { out: Side::A, rtp } = handle(&mut r, Side::B, false, &mut p, addr(B), now) else {
            panic!("Opus voice is re-coded for A");
        };
        let mut sent = Vec::new();
        let coded = r.transcode(Side::B, rtp, &p, now, &mut buf, |p, dest| sent.push((p.to_vec(), dest)));
        assert_eq!(coded, Ok(()));
        let mut want = [0u8; 960];
        let n = to_pcmu.transcode(&p[12..], &mut want).unwrap();
        assert_eq!((sent.len(), sent[0].0.len(), sent[0].1), (1, SRTP_LEN, addr(A)));
        let opened = peer_a.open(sent[0].0.clone());
        assert_eq!(
            (header::ssrc(&opened), &opened[12..]),
            (SSRC_TO_A, &want[..n]),
            "PCMU sealed for A"
        );
    }
}
