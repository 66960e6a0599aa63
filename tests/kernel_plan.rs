//! Which directions of a call the kernel fast path may take, decided by
//! the call's relay without sockets or a kernel (`Relay::kernel_plan`):
//! only plain relay — both legs latched, the other leg's stream anchored
//! to the source now sending, no transcoder, no DTMF to read, the other
//! leg not held, no SRTP — with the worker's own rewrite (SSRC, offsets, payload
//! types); and when RTP from a new source would take a leg over
//! (`Relay::would_relatch`), which makes the worker take the call back.
#![cfg(feature = "kernel-fastpath")]

use rvoip::media::kernel::RtpRewrite;
use rvoip::media::srtp::{MasterKey, Suite};
use rvoip::media::{AudioCodec, LegConfig, LegSrtp, Side};
use rvoip::test_exports::media::rtp::header;
use rvoip::test_exports::media::{Relay, Verdict};
use two_legs::{A, B, RELATCH_US, SSRC_TO_A, SSRC_TO_B, addr, call, leg};

mod two_legs;

/// RTP `seq` of `ssrc` from `src` into leg `side` at `now`: the sequence
/// number it leaves with, if relayed.
fn send(r: &mut Relay, side: Side, src: &str, pt: u8, seq: u16, ssrc: u32, now: u64) -> Option<u16> {
    let mut slot = [0u8; 2048];
    header::write_header(&mut slot, pt, false, seq, 160 * u32::from(seq), ssrc);
    match r.handle_packet(side, false, &mut slot, 12 + 160, addr(src), now) {
        Verdict::Rtp { .. } => Some(u16::from_be_bytes([slot[2], slot[3]])),
        _ => None,
    }
}

/// Both peers spoke once, A with PT `pts[0]` (seq 100 of SSRC 0xa), B
/// with `pts[1]` (seq 500 of 0xb): the sequence number A's packet left
/// with.
fn spoken(r: &mut Relay, pts: [u8; 2]) -> u16 {
    let out = send(r, Side::A, A, pts[0], 100, 0xa, 0).expect("A→B relayed");
    send(r, Side::B, B, pts[1], 500, 0xb, 20_000).expect("B→A relayed");
    out
}

#[test]
fn nothing_is_offloaded_before_both_legs_are_latched_and_a_source_anchored() {
    let mut r = call(leg(10_000, A, 0, None), leg(10_002, B, 0, None));
    assert_eq!(r.kernel_plan(Side::A), None, "nothing latched");
    send(&mut r, Side::A, A, 0, 100, 0xa, 0);
    assert_eq!(r.kernel_plan(Side::A), None, "B not latched yet");
    send(&mut r, Side::B, B, 0, 500, 0xb, 20_000);
    assert!(r.kernel_plan(Side::A).is_some() && r.kernel_plan(Side::B).is_some());
}

#[test]
fn the_plan_is_the_workers_own_rewrite() {
    let mut r = call(leg(10_000, A, 0, Some(101)), leg(10_002, B, 8, Some(100)));
    let out = spoken(&mut r, [0, 8]);
    let plan = r.kernel_plan(Side::A).expect("plain relay");
    assert_eq!((plan.peer, plan.dest), (addr(A), addr(B)));
    let want = RtpRewrite {
        in_ssrc: 0xa,
        out_ssrc: SSRC_TO_B,
        seq_delta: out.wrapping_sub(100),
        ts_delta: plan.rewrite.ts_delta,
        pts: [Some((0, 8)), Some((101, 100))],
    };
    assert_eq!(plan.rewrite, want);
    // The worker's next packet is where the kernel would put it.
    let next = send(&mut r, Side::A, A, 0, 101, 0xa, 40_000).unwrap();
    assert_eq!(next, 101u16.wrapping_add(plan.rewrite.seq_delta));
    let back = r.kernel_plan(Side::B).expect("B→A too");
    assert_eq!((back.rewrite.in_ssrc, back.rewrite.out_ssrc), (0xb, SSRC_TO_A));
    assert_eq!(back.rewrite.pts, [Some((8, 0)), Some((100, 101))]);
}

#[test]
fn a_new_source_is_anchored_first() {
    let mut r = call(leg(10_000, A, 0, None), leg(10_002, B, 0, None));
    spoken(&mut r, [0, 0]);
    // A restarts with another SSRC: the plan follows once the worker has
    // anchored it.
    send(&mut r, Side::A, A, 0, 7, 0xaa, 40_000).unwrap();
    assert_eq!(r.kernel_plan(Side::A).unwrap().rewrite.in_ssrc, 0xaa);
}

#[test]
fn hold_transcoding_srtp_and_dtmf_to_read_stay_in_user_space() {
    let mut r = call(leg(10_000, A, 0, None), leg(10_002, B, 0, None));
    spoken(&mut r, [0, 0]);
    r.update_leg(
        Side::B,
        LegConfig {
            send: false,
            ..leg(10_002, B, 0, None)
        },
    );
    assert_eq!(r.kernel_plan(Side::A), None, "B held: nothing goes to B");
    assert!(r.kernel_plan(Side::B).is_some(), "B→A still plain");

    let pcma = LegConfig {
        codec: Some(AudioCodec::Pcma),
        codec_pt: 8,
        ..leg(10_002, B, 8, None)
    };
    let mut r = call(
        LegConfig {
            codec: Some(AudioCodec::Pcmu),
            ..leg(10_000, A, 0, None)
        },
        pcma,
    );
    send(&mut r, Side::A, A, 0, 100, 0xa, 0);
    send(&mut r, Side::B, B, 8, 500, 0xb, 20_000);
    assert_eq!(
        (r.kernel_plan(Side::A), r.kernel_plan(Side::B)),
        (None, None),
        "transcoded"
    );

    // B re-keyed to SRTP: its packets are opened and ours sealed in user space.
    let mut r = call(leg(10_000, A, 0, None), leg(10_002, B, 0, None));
    spoken(&mut r, [0, 0]);
    let key = MasterKey::from_bytes(&[7u8; 30]).unwrap();
    let srtp = LegSrtp {
        suite: Suite::AesCm128HmacSha1_80,
        rx: key,
        tx: key,
    };
    r.update_leg(
        Side::B,
        LegConfig {
            srtp: Some(srtp),
            ..leg(10_002, B, 0, None)
        },
    );
    assert_eq!((r.kernel_plan(Side::A), r.kernel_plan(Side::B)), (None, None), "SRTP");

    // A agreed telephone-event, B did not: A's digits are read in user space.
    let mut r = call(leg(10_000, A, 0, Some(101)), leg(10_002, B, 0, None));
    spoken(&mut r, [0, 0]);
    assert_eq!(r.kernel_plan(Side::A), None);
    assert!(r.kernel_plan(Side::B).is_some());
}

#[test]
fn only_a_source_that_would_take_the_leg_over_makes_the_worker_take_it_back() {
    let mut r = call(leg(10_000, A, 0, None), leg(10_002, B, 0, None));
    spoken(&mut r, [0, 0]);
    let stranger = addr("203.0.113.9:6000");
    assert!(!r.would_relatch(Side::A, addr(A), 30_000), "the latched peer");
    assert!(
        !r.would_relatch(Side::A, stranger, 30_000),
        "a stranger while A is live"
    );
    assert!(r.would_relatch(Side::A, stranger, RELATCH_US), "after A's silence");
    r.heard_in_kernel(Side::A, RELATCH_US);
    assert!(
        !r.would_relatch(Side::A, stranger, RELATCH_US + 1),
        "the kernel heard A"
    );
}
