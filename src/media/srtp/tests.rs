//! SRTP against RFC 3711's key derivation vectors and against webrtc-srtp
//! as the oracle, both ways: what we protect it unprotects and the other
//! way round, RTP and RTCP, both suites, across a sequence wrap; a
//! replayed, corrupted or forged packet is refused and changes nothing.

use super::*;
use webrtc_srtp::context::Context;
use webrtc_srtp::protection_profile::ProtectionProfile;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn master() -> MasterKey {
    let mut b = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    b.extend(hex("0EC675AD498AFEEBB6960B3AABE6"));
    MasterKey::from_bytes(&b).unwrap()
}

#[test]
fn key_derivation_matches_rfc3711_b3() {
    let keys = keys::SessionKeys::derive(&master(), 0);
    assert_eq!(keys.salt.to_vec(), hex("30CBBC08863D8C85D49DB34A9AE1"));
    // The cipher key, seen through the keystream of an all-zero block at
    // IV = salt·2^16 (index 0, SSRC 0): AES(k_e, salt || 0000).
    let mut block = [0u8; 16];
    keys.apply_keystream(0, 0, &mut block);
    use aes::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
    let k_e = aes::Aes128::new(GenericArray::from_slice(&hex("C61E7A93744F39EE10734AFE3FF7A087")));
    let mut expect = GenericArray::clone_from_slice(&[hex("30CBBC08863D8C85D49DB34A9AE1"), vec![0, 0]].concat());
    k_e.encrypt_block(&mut expect);
    assert_eq!(block.to_vec(), expect.to_vec());
}

fn rtp(seq: u16, ts: u32, ssrc: u32, payload: u8) -> Vec<u8> {
    let mut p = vec![0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    p[2..4].copy_from_slice(&seq.to_be_bytes());
    p[4..8].copy_from_slice(&ts.to_be_bytes());
    p[8..12].copy_from_slice(&ssrc.to_be_bytes());
    p.extend(std::iter::repeat_n(payload, 160));
    p
}

fn oracle(suite: Suite) -> Context {
    let profile = match suite {
        Suite::AesCm128HmacSha1_80 => ProtectionProfile::Aes128CmHmacSha1_80,
        Suite::AesCm128HmacSha1_32 => ProtectionProfile::Aes128CmHmacSha1_32,
    };
    let m = master();
    Context::new(&m.key, &m.salt, profile, None, None).unwrap()
}

#[test]
fn rtp_agrees_with_webrtc_srtp_both_ways_across_a_sequence_wrap() {
    for suite in [Suite::AesCm128HmacSha1_80, Suite::AesCm128HmacSha1_32] {
        let (mut ours_tx, mut ours_rx) = (SrtpContext::new(&master(), suite), SrtpContext::new(&master(), suite));
        let (mut theirs_rx, mut theirs_tx) = (oracle(suite), oracle(suite));
        for (n, seq) in (65_530u16..=65_535).chain(0..8).enumerate() {
            let plain = rtp(seq, 160 * n as u32, 0x1234_5678, n as u8);
            let mut buf = [0u8; 512];
            buf[..plain.len()].copy_from_slice(&plain);
            let len = ours_tx.protect(&mut buf, plain.len()).unwrap();
            assert_eq!(len, plain.len() + suite.rtp_tag_len());
            assert_ne!(&buf[12..plain.len()], &plain[12..], "the payload is encrypted");
            assert_eq!(
                theirs_rx.decrypt_rtp(&buf[..len]).unwrap().to_vec(),
                plain,
                "{suite:?} seq {seq}"
            );
            let mut theirs = theirs_tx.encrypt_rtp(&plain).unwrap().to_vec();
            assert_eq!(&theirs[..], &buf[..len], "the same packet either way");
            let plain_len = ours_rx.unprotect(&mut theirs).unwrap();
            assert_eq!(&theirs[..plain_len], &plain[..]);
        }
    }
}

#[test]
fn rtcp_agrees_with_webrtc_srtp_both_ways() {
    let suite = Suite::AesCm128HmacSha1_80;
    let (mut ours_tx, mut ours_rx) = (SrtcpContext::new(&master()), SrtcpContext::new(&master()));
    let (mut theirs_rx, mut theirs_tx) = (oracle(suite), oracle(suite));
    for n in 0..5u8 {
        let mut plain = vec![0x81, 200, 0, 12, 0xca, 0xfe, 0xba, 0xbe];
        plain.extend(std::iter::repeat_n(n, 44));
        let mut buf = [0u8; 256];
        buf[..plain.len()].copy_from_slice(&plain);
        let len = ours_tx.protect(&mut buf, plain.len()).unwrap();
        assert_eq!(theirs_rx.decrypt_rtcp(&buf[..len]).unwrap().to_vec(), plain);
        let mut theirs = theirs_tx.encrypt_rtcp(&plain).unwrap().to_vec();
        let plain_len = ours_rx.unprotect(&mut theirs).unwrap();
        assert_eq!(&theirs[..plain_len], &plain[..]);
    }
}

#[test]
fn replayed_corrupted_and_forged_packets_are_refused() {
    let suite = Suite::AesCm128HmacSha1_80;
    let (mut tx, mut rx) = (SrtpContext::new(&master(), suite), SrtpContext::new(&master(), suite));
    let protect = |tx: &mut SrtpContext, seq| {
        let plain = rtp(seq, 0, 7, 1);
        let mut buf = vec![0u8; plain.len() + 10];
        buf[..plain.len()].copy_from_slice(&plain);
        tx.protect(&mut buf, plain.len()).unwrap();
        buf
    };
    let first = protect(&mut tx, 100);
    assert!(rx.unprotect(&mut first.clone()).is_ok());
    assert_eq!(rx.unprotect(&mut first.clone()), Err(SrtpError::Replay));
    let mut corrupted = protect(&mut tx, 101);
    corrupted[40] ^= 1;
    assert_eq!(rx.unprotect(&mut corrupted.clone()), Err(SrtpError::Auth));
    // The corrupted packet changed nothing: its honest twin still goes.
    corrupted[40] ^= 1;
    assert!(rx.unprotect(&mut corrupted).is_ok());
    let mut other = [0u8; 30];
    other[0] = 1;
    let mut forged = protect(
        &mut SrtpContext::new(&MasterKey::from_bytes(&other).unwrap(), suite),
        102,
    );
    assert_eq!(rx.unprotect(&mut forged), Err(SrtpError::Auth));
    assert_eq!(rx.unprotect(&mut [0x80, 0, 0]), Err(SrtpError::Malformed));
    // Old but inside the window and unseen: accepted once.
    let late = protect(&mut tx, 99);
    assert!(rx.unprotect(&mut late.clone()).is_ok());
    assert_eq!(rx.unprotect(&mut late.clone()), Err(SrtpError::Replay));
}

/// `p` protected by `tx` into a buffer with room for the tag.
fn sealed(tx: &mut SrtpContext, p: &[u8]) -> Result<Vec<u8>, SrtpError> {
    let mut buf = p.to_vec();
    buf.resize(p.len() + 10, 0);
    let n = tx.protect(&mut buf, p.len())?;
    buf.truncate(n);
    Ok(buf)
}

#[test]
fn the_sender_never_encrypts_an_index_twice_and_dates_late_packets_right() {
    let suite = Suite::AesCm128HmacSha1_80;
    let (mut tx, mut rx) = (SrtpContext::new(&master(), suite), SrtpContext::new(&master(), suite));
    let mut theirs = oracle(suite);
    for seq in [65534u16, 65535, 0, 1] {
        let p = sealed(&mut tx, &rtp(seq, 0, 7, seq as u8)).unwrap();
        assert_eq!(theirs.decrypt_rtp(&p).unwrap().to_vec(), rtp(seq, 0, 7, seq as u8));
    }
    // The same sequence number again (a source restarting, a transcoded
    // packet after its concealment) would reuse a keystream: refused.
    assert_eq!(sealed(&mut tx, &rtp(1, 0, 7, 9)), Err(SrtpError::Replay));
    assert_eq!(sealed(&mut tx, &rtp(65535, 0, 7, 9)), Err(SrtpError::Replay));
    // A late packet from before the wrap not sent yet is sent under the old
    // ROC, and the receiver (ours and the oracle) reads it so.
    let mut tx2 = SrtpContext::new(&master(), suite);
    let order = [65533u16, 0, 65534, 1];
    for seq in order {
        let p = sealed(&mut tx2, &rtp(seq, 0, 8, seq as u8)).unwrap();
        let mut q = p.clone();
        let n = rx.unprotect(&mut q).expect("our receiver agrees on the index");
        assert_eq!(&q[..n], &rtp(seq, 0, 8, seq as u8)[..]);
    }
}

#[test]
fn switching_ssrcs_never_clears_a_replay_window() {
    let suite = Suite::AesCm128HmacSha1_80;
    let (mut tx, mut rx) = (SrtpContext::new(&master(), suite), SrtpContext::new(&master(), suite));
    let a: Vec<_> = (0..3u16)
        .map(|s| sealed(&mut tx, &rtp(100 + s, 0, 1, 1)).unwrap())
        .collect();
    let b: Vec<_> = (0..3u16)
        .map(|s| sealed(&mut tx, &rtp(500 + s, 0, 2, 2)).unwrap())
        .collect();
    for p in a.iter().chain(&b) {
        assert!(rx.unprotect(&mut p.clone()).is_ok());
    }
    // Back and forth between the two: every old packet is still a replay.
    for p in a.iter().chain(&b).chain(&a) {
        assert_eq!(rx.unprotect(&mut p.clone()), Err(SrtpError::Replay));
    }
    let next = sealed(&mut tx, &rtp(103, 0, 1, 1)).unwrap();
    assert!(rx.unprotect(&mut next.clone()).is_ok(), "the genuine stream goes on");
}
