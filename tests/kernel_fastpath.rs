//! The kernel fast path (bpf/rtp_fwd.c loaded by `media::kernel`) over
//! real interfaces: three network namespaces, peer A - gateway - peer B,
//! joined by veths, the program at ingress of the gateway's two. An
//! installed entry forwards A's RTP to B in the kernel, rewritten as the
//! worker would (addresses, ports, SSRC, numbering, payload type) with
//! checksums B's stack verifies (A sends without checksum offload); what
//! the program must not forward (a stranger, a truncated or non-RTP
//! packet, RTCP, another SSRC or payload type, anything once the entry is
//! removed) reaches the gateway's own socket and never B, and is counted.
//! Needs root; skips, saying why, where namespaces cannot be made.
#![cfg(feature = "kernel-fastpath")]

mod netns;

use netns::Netns;
use netns::udp::{addr, bind, recv, recv_ttl, rtp};
use rvoip::media::kernel::{ForwardEntry, KernelCounts, KernelPath, RtpRewrite};
use std::net::{SocketAddrV4, UdpSocket};

/// Peer A, the gateway (one socket per leg) and peer B, each in its
/// namespace.
struct Bench {
    a: UdpSocket,
    stranger: UdpSocket,
    gw_a: UdpSocket,
    gw_b: UdpSocket,
    b: UdpSocket,
    kernel: KernelPath,
    /// A's, the gateway's and B's namespaces.
    ns: [Netns; 3],
}

impl Bench {
    fn new() -> std::io::Result<Bench> {
        let [na, gw, nb] = netns::line()?;
        let (a, stranger) = na.enter(|| (bind("10.201.1.1"), bind("10.201.1.1")))?;
        let b = nb.enter(|| bind("10.201.2.1"))?;
        let (gw_a, gw_b, kernel) = gw.enter(|| {
            let mut k = KernelPath::load().expect("the kernel loads bpf/rtp_fwd.o");
            k.attach("a1").expect("attached at a1 ingress");
            k.attach("b1").expect("attached at b1 ingress");
            (bind("10.201.1.2"), bind("10.201.2.2"), k)
        })?;
        a.connect(gw_a.local_addr()?)?;
        stranger.connect(gw_a.local_addr()?)?;
        b.connect(gw_b.local_addr()?)?;
        Ok(Bench {
            a,
            stranger,
            gw_a,
            gw_b,
            b,
            kernel,
            ns: [na, gw, nb],
        })
    }

    /// The installed entry for `local` from `peer`, with its counters.
    fn entry(&mut self, local: SocketAddrV4, peer: SocketAddrV4) -> ForwardEntry {
        let e = self.kernel.forward().get(local, peer).unwrap();
        e.expect("the entry is installed")
    }

    fn counts(&self) -> KernelCounts {
        self.kernel.counts().read().unwrap()
    }
}

const SSRC_A: u32 = 0x1111_2222;
const OURS_TO_B: u32 = 0xaaaa_bbbb;

/// The bench with A→B and B→A installed; `None` (the test skips,
/// saying why) where namespaces cannot be made.
fn installed() -> Option<Bench> {
    let mut bench = bench()?;
    install(&mut bench);
    Some(bench)
}

/// The bench, nothing installed; `None` (the test skips, saying why)
/// where namespaces cannot be made.
fn bench() -> Option<Bench> {
    if let Some(why) = netns::unavailable() {
        eprintln!("skipped: {why}");
        return None;
    }
    Some(Bench::new().expect("namespaces and veths"))
}

/// Installs A→B (full RTP rewrite: PT 0→8, 101→96) and B→A (addresses
/// only).
fn install(bench: &mut Bench) {
    let (a, gw_a, gw_b, b) = (addr(&bench.a), addr(&bench.gw_a), addr(&bench.gw_b), addr(&bench.b));
    let rewrite = RtpRewrite {
        in_ssrc: SSRC_A,
        out_ssrc: OURS_TO_B,
        seq_delta: 1000,
        ts_delta: 0x8000_0000,
        pts: [Some((0, 8)), Some((101, 96))],
    };
    let map = bench.kernel.forward();
    map.install(gw_a, a, ForwardEntry::new(gw_b, b, Some(rewrite))).unwrap();
    map.install(gw_b, b, ForwardEntry::new(gw_a, a, None)).unwrap();
}

#[test]
fn rtp_is_forwarded_rewritten_and_counted_both_ways() {
    let Some(mut bench) = installed() else {
        return;
    };
    let (gw_a, gw_b) = (addr(&bench.gw_a), addr(&bench.gw_b));
    let mut bytes = 0;
    for i in 0..20u16 {
        let (pt, want_pt) = if i == 7 { (101, 96) } else { (0, 8) };
        let marker = if i == 0 { 0x80 } else { 0 };
        let sent = rtp(
            pt | marker,
            65530u16.wrapping_add(i),
            0x7fff_ff00 + 160 * u32::from(i),
            SSRC_A,
            &[i as u8; 160],
        );
        bench.a.send(&sent).unwrap();
        bytes += sent.len() as u64;
        let (got, from) = recv(&bench.b);
        assert_eq!(from, gw_b, "B sees the gateway's B-leg socket as the source");
        assert_eq!(got[0], 0x80);
        assert_eq!(got[1], want_pt | marker, "payload type renumbered, marker kept");
        assert_eq!(
            u16::from_be_bytes([got[2], got[3]]),
            65530u16.wrapping_add(i).wrapping_add(1000)
        );
        let ts = u32::from_be_bytes(got[4..8].try_into().unwrap());
        assert_eq!(ts, (0x7fff_ff00 + 160 * u32::from(i)).wrapping_add(0x8000_0000));
        assert_eq!(u32::from_be_bytes(got[8..12].try_into().unwrap()), OURS_TO_B);
        assert_eq!(&got[12..], &sent[12..], "payload untouched");
    }
    let sent = rtp(0, 9, 9, 0x5eed, &[7; 40]);
    bench.b.send(&sent).unwrap();
    let (got, from) = recv(&bench.a);
    assert_eq!((from, got), (gw_a, sent), "B→A: addresses only, RTP as sent");

    let ab = bench.entry(gw_a, addr(&bench.a));
    assert_eq!((ab.packets(), ab.bytes()), (20, bytes));
    assert_eq!(
        ab.last_sent(),
        Some((
            65530u16.wrapping_add(19 + 1000),
            (0x7fff_ff00u32 + 160 * 19).wrapping_add(0x8000_0000)
        ))
    );
    assert_eq!(ab.lost(), 0);
    // Three sequence numbers skipped: counted lost, the packet forwarded.
    bench
        .a
        .send(&rtp(0, 65530u16.wrapping_add(23), 0, SSRC_A, &[0; 160]))
        .unwrap();
    let (got, _) = recv(&bench.b);
    assert_eq!(u16::from_be_bytes([got[2], got[3]]), 65530u16.wrapping_add(23 + 1000));
    assert_eq!(bench.entry(gw_a, addr(&bench.a)).lost(), 3);
    // A late packet is forwarded but neither counted lost nor the latest.
    bench
        .a
        .send(&rtp(0, 65530u16.wrapping_add(21), 0, SSRC_A, &[0; 160]))
        .unwrap();
    recv(&bench.b);
    let ab = bench.entry(gw_a, addr(&bench.a));
    assert_eq!(
        (ab.lost(), ab.last_sent().unwrap().0),
        (3, 65530u16.wrapping_add(23 + 1000))
    );
    let ba = bench.entry(gw_b, addr(&bench.b));
    assert_eq!(ba.packets(), 1);
    assert_eq!(bench.counts().forwarded, 23);
}

/// Sends `bad` from `from` to the gateway's A-leg socket, then a good
/// packet from A: the gateway's own socket gets `bad` as sent, and B's
/// next packet is the good one (the flow keeps its order), so `bad` was
/// never forwarded.
fn passed_up(bench: &Bench, from: &UdpSocket, bad: &[u8], seq: u16) {
    from.send(bad).unwrap();
    let (got, src) = recv(&bench.gw_a);
    assert_eq!((got.as_slice(), src), (bad, addr(from)), "passed up as sent");
    bench.a.send(&rtp(0, seq, 0, SSRC_A, &[1; 20])).unwrap();
    let (got, _) = recv(&bench.b);
    assert_eq!(
        u16::from_be_bytes([got[2], got[3]]),
        seq.wrapping_add(1000),
        "B's next packet is the good one"
    );
}

#[test]
fn what_the_program_does_not_know_goes_up_to_the_gateway_and_is_counted() {
    let Some(mut bench) = installed() else {
        return;
    };
    let before = bench.counts();
    let good = rtp(0, 1, 0, SSRC_A, &[1; 20]);
    passed_up(&bench, &bench.stranger, &good, 2);
    passed_up(&bench, &bench.a, &good[..8], 3);
    let mut v1 = good.clone();
    v1[0] = 0x40;
    passed_up(&bench, &bench.a, &v1, 4);
    let mut cc = good.clone();
    cc[0] = 0x8f; // fifteen CSRCs announced, five words there
    passed_up(&bench, &bench.a, &cc, 5);
    let mut rtcp = vec![0x80, 200, 0, 6];
    rtcp.extend_from_slice(&SSRC_A.to_be_bytes());
    rtcp.extend_from_slice(&[0; 20]);
    passed_up(&bench, &bench.a, &rtcp, 6);
    passed_up(&bench, &bench.a, &rtp(0, 7, 0, 0xbad, &[1; 20]), 8);
    passed_up(&bench, &bench.a, &rtp(18, 9, 0, SSRC_A, &[1; 20]), 10);
    let after = bench.counts();
    assert_eq!(after.stranger - before.stranger, 1);
    assert_eq!(
        after.not_rtp - before.not_rtp,
        4,
        "truncated, version 1, CSRCs missing, RTCP"
    );
    assert_eq!(
        after.other_ssrc - before.other_ssrc,
        2,
        "another SSRC, an unmapped payload type"
    );
    assert_eq!(after.forwarded - before.forwarded, 7, "the good packets in between");

    // Removed: A's packets reach the gateway's socket again.
    let (gw_a, a) = (addr(&bench.gw_a), addr(&bench.a));
    let last = bench.kernel.forward().remove(gw_a, a).unwrap().expect("it was there");
    assert_eq!(last.packets(), 7);
    assert_eq!(bench.kernel.forward().get(gw_a, a).unwrap(), None);
    bench.a.send(&good).unwrap();
    assert_eq!(recv(&bench.gw_a), (good, a));
    assert_eq!(bench.counts().not_ours - after.not_ours, 1);
}

/// Another program attached after ours on the same interfaces (another
/// gateway's, say) still sees what ours passes on: ours returns
/// TC_ACT_UNSPEC (TCX_NEXT), not TC_ACT_OK, which would end the chain.
#[test]
fn what_ours_passes_on_still_reaches_a_program_attached_after_it() {
    let Some(bench) = bench() else {
        return;
    };
    let mut second = bench.ns[1]
        .enter(|| {
            let mut k = KernelPath::load().expect("a second copy loads");
            k.attach("a1").expect("attached after ours at a1");
            k.attach("b1").expect("attached after ours at b1");
            k
        })
        .unwrap();
    let (a, gw_a, gw_b, b) = (addr(&bench.a), addr(&bench.gw_a), addr(&bench.gw_b), addr(&bench.b));
    second
        .forward()
        .install(gw_a, a, ForwardEntry::new(gw_b, b, None))
        .unwrap();
    let sent = rtp(0, 1, 2, 3, &[4; 160]);
    bench.a.send(&sent).unwrap();
    assert_eq!(recv(&bench.b), (sent, gw_b), "forwarded by the second program");
    assert_eq!(bench.counts().not_ours, 1, "ours passed it on");
    assert_eq!(second.counts().read().unwrap().forwarded, 1);
}

/// A forwarded packet leaves as one the gateway's socket sends, with a
/// fresh TTL (64), not what is left of the peer's.
#[test]
fn forwarded_packets_leave_with_a_fresh_ttl() {
    let Some(bench) = installed() else {
        return;
    };
    bench.a.set_ttl(3).unwrap();
    let sent = rtp(0, 1, 0, SSRC_A, &[5; 160]);
    bench.a.send(&sent).unwrap();
    let (got, ttl) = recv_ttl(&bench.b);
    assert_eq!((ttl, &got[12..]), (64, &sent[12..]));
}
