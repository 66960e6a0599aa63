//! RTP/RTCP packets without threads: our in-place parser agrees with the
//! `rtp` crate (the oracle) on valid packets and never panics on mutated
//! ones; header rewrite, RTCP SSRC rewriting, receive statistics. (What a
//! call does with them, latching and continuity, is in media_packets.rs.)

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rvoip::media::rtp::RxStats;
use rvoip::test_exports::media::rtp::{RtpHeader, header, rtcp};
use webrtc_util::marshal::Unmarshal;

fn random_packet(rng: &mut SmallRng) -> Vec<u8> {
    let csrc = rng.gen_range(0..4u8);
    let ext = rng.gen_bool(0.3);
    let pad = if rng.gen_bool(0.2) { rng.gen_range(1..8u8) } else { 0 };
    let mut p = vec![0x80 | csrc | if ext { 0x10 } else { 0 } | if pad > 0 { 0x20 } else { 0 }];
    p.push(rng.r#gen::<u8>());
    p.extend_from_slice(&rng.r#gen::<[u8; 10]>());
    for _ in 0..csrc {
        p.extend_from_slice(&rng.r#gen::<[u8; 4]>());
    }
    if ext {
        let words = rng.gen_range(0..3u16);
        p.extend_from_slice(&[0xbe, 0xde]);
        p.extend_from_slice(&words.to_be_bytes());
        for _ in 0..words {
            p.extend_from_slice(&[0x10, 0xaa, 0, 0]);
        }
    }
    let payload = rng.gen_range(1..200);
    p.extend((0..payload).map(|_| rng.r#gen::<u8>()));
    if pad > 0 {
        p.extend(std::iter::repeat_n(0u8, pad as usize - 1));
        p.push(pad);
    }
    p
}

#[test]
fn parser_agrees_with_the_rtp_crate_on_valid_packets() {
    let mut rng = SmallRng::seed_from_u64(42);
    for _ in 0..20_000 {
        let p = random_packet(&mut rng);
        let ours = RtpHeader::parse(&p).expect("valid packet parses");
        let theirs = rtp::packet::Packet::unmarshal(&mut &p[..]).expect("oracle parses");
        assert_eq!(header::payload_type(&p), theirs.header.payload_type);
        assert_eq!(header::sequence(&p), theirs.header.sequence_number);
        assert_eq!(header::timestamp(&p), theirs.header.timestamp);
        assert_eq!(header::ssrc(&p), theirs.header.ssrc);
        assert_eq!(header::marker(&p), theirs.header.marker);
        assert_eq!(ours.payload_len, theirs.payload.len(), "payload length");
    }
}

#[test]
fn mutated_packets_never_panic() {
    let mut rng = SmallRng::seed_from_u64(7);
    for _ in 0..200_000 {
        let mut p = random_packet(&mut rng);
        for _ in 0..rng.gen_range(1..4) {
            let i = rng.gen_range(0..p.len());
            p[i] = rng.r#gen();
        }
        p.truncate(rng.gen_range(0..=p.len()));
        if let Ok(h) = RtpHeader::parse(&p) {
            assert!(h.header_len + h.payload_len <= p.len());
        }
        let _ = rtcp::rewrite_ssrcs(&mut p, &mut |s| s ^ 1);
    }
}

#[test]
fn rewrite_keeps_marker_and_payload() {
    let mut p = vec![0x80, 0x80, 0, 1, 0, 0, 0, 160, 1, 2, 3, 4, 0xff, 0xfe];
    header::rewrite(&mut p, 8, 500, 80_000, 0xdead_beef);
    assert!(header::marker(&p));
    assert_eq!(
        (
            header::payload_type(&p),
            header::sequence(&p),
            header::timestamp(&p),
            header::ssrc(&p)
        ),
        (8, 500, 80_000, 0xdead_beef)
    );
    assert_eq!(&p[12..], &[0xff, 0xfe]);
}

#[test]
fn rtcp_sender_report_ssrcs_are_mapped() {
    // SR with one report block: sender SSRC 0x11, block about 0x22.
    let mut sr = vec![0x81, 200, 0, 12];
    sr.extend_from_slice(&0x11u32.to_be_bytes());
    sr.extend_from_slice(&[0; 20]);
    sr.extend_from_slice(&0x22u32.to_be_bytes());
    sr.extend_from_slice(&[0; 20]);
    let mut bye = vec![0x81, 203, 0, 1];
    bye.extend_from_slice(&0x11u32.to_be_bytes());
    sr.extend_from_slice(&bye);
    let n = rtcp::rewrite_ssrcs(&mut sr, &mut |s| match s {
        0x11 => 0xaa,
        0x22 => 0xbb,
        s => s,
    })
    .unwrap();
    assert_eq!(n, 2);
    assert_eq!(&sr[4..8], &0xaau32.to_be_bytes());
    assert_eq!(&sr[28..32], &0xbbu32.to_be_bytes());
    assert_eq!(&sr[56..60], &0xaau32.to_be_bytes());
}

#[test]
fn loss_and_jitter_per_rfc3550() {
    let mut s = RxStats::new(8000);
    for (i, seq) in [65534u16, 65535, 0, 2, 3].iter().enumerate() {
        s.record(*seq, i as u32 * 160, 160, i as u64 * 20_000);
    }
    assert_eq!(
        (s.expected(), s.packets, s.lost()),
        (6, 5, 1),
        "one lost across the wrap"
    );
    assert_eq!(s.jitter(), 0, "perfectly paced stream has no jitter");
    s.record(4, 5 * 160, 160, 5 * 20_000 + 5_000);
    assert!(s.jitter() > 0);
}
