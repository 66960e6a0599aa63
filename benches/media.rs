//! Media plane costs per packet and per 20 ms frame: RTP parse + rewrite,
//! the relay decision (a call's `Relay::handle_packet`: parse, latch,
//! receive stats, rewrite for the other leg) for plain RTP and with SRTP on
//! one leg (opened from it, or sealed for it: `-- relay` runs the three
//! side by side), G.711, Opus (at each complexity, at libopus's bitrate and
//! at 24 kbit/s), and PCMU -> Opus transcoding (to compare
//! with the bare codec cost); and the workers' latency bound checked over
//! a receive batch of 16 stamped datagrams (`-- late_check`; issue #21).

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use rvoip::media::srtp::{MasterKey, SrtpContext, Suite};
use rvoip::media::{AudioCodec, LegConfig, LegSrtp, OpusSettings, Side};
use rvoip::test_exports::media::codec::opus::{OpusDecoder, OpusEncoder};
use rvoip::test_exports::media::codec::{Transcoder, g711};
use rvoip::test_exports::media::rtp::{RtpHeader, header};
use rvoip::test_exports::media::{Relay, Verdict};
use std::net::SocketAddr;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn packet() -> Vec<u8> {
    let mut p = vec![0u8; 172];
    header::write_header(&mut p, 0, false, 1, 160, 0xabcd);
    p
}

/// A 160-byte PCMU packet in a receive slot with room for a tag.
fn slot() -> [u8; 2048] {
    let mut s = [0u8; 2048];
    s[..172].copy_from_slice(&packet());
    s
}

fn tone() -> Vec<i16> {
    (0..160)
        .map(|i| (8000.0 * (2.0 * std::f64::consts::PI * i as f64 / 8.0).sin()) as i16)
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut p = packet();
    c.bench_function("media/rtp_parse_rewrite", |b| {
        b.iter(|| {
            let h = RtpHeader::parse(black_box(&p)).unwrap();
            let (s, ts) = (
                header::sequence(&p).wrapping_add(1),
                header::timestamp(&p).wrapping_add(160),
            );
            header::rewrite(&mut p, 8, s, ts, 0x1234);
            black_box(h)
        })
    });
    let src: SocketAddr = "127.0.0.1:4000".parse().unwrap();
    let cfg = LegConfig {
        port: 0,
        local: None,
        remote: Some(src),
        rtcp_mux: true,
        codec_pt: 0,
        clock: 8000,
        opus_max_bitrate: 0,
        te_pt: Some(101),
        send: true,
        srtp: None,
        codec: None,
    };
    let mut relay = Relay::new(cfg, Some(cfg), [1, 2], 2_000_000, OpusSettings::default(), 0);
    let (mut now, mut buf) = (0u64, slot());
    c.bench_function("media/relay_decision", |b| {
        b.iter(|| {
            now += 20_000;
            let seq = header::sequence(&buf).wrapping_add(1);
            header::rewrite(&mut buf, 0, seq, (now / 125) as u32, 0xabcd);
            // Consumed as the worker does: matched, the destination used.
            match relay.handle_packet(Side::A, false, &mut buf, 172, src, now) {
                Verdict::Rtp { dest, len, .. } => black_box((dest, len)),
                v => panic!("not relayed: {v:?}"),
            }
        })
    });
    relay_srtp(c, cfg, src);
    let pcm = tone();
    let (mut bytes, mut back) = ([0u8; 160], [0i16; 160]);
    c.bench_function("media/g711_encode_frame", |b| {
        b.iter(|| g711::encode_ulaw(black_box(&pcm), &mut bytes))
    });
    c.bench_function("media/g711_decode_frame", |b| {
        b.iter(|| g711::decode_ulaw(black_box(&bytes), &mut back))
    });
    let mut enc = OpusEncoder::new(OpusSettings::default()).unwrap();
    let mut dec = OpusDecoder::new().unwrap();
    let mut opus = [0u8; 400];
    let n = enc.encode(&pcm, &mut opus).unwrap();
    c.bench_function("media/opus_encode_frame_8k", |b| {
        b.iter(|| enc.encode(black_box(&pcm), &mut opus).unwrap())
    });
    // What `media.opus_complexity` and `media.opus_bitrate` cost: the
    // encoder at each complexity, at libopus's own bitrate (0) and 24 kbit/s.
    for complexity in [0, 1, 3, 5, 10] {
        for bitrate in [0, 24_000] {
            let mut e = OpusEncoder::new(OpusSettings { complexity, bitrate }).unwrap();
            let mut out = [0u8; 400];
            c.bench_function(&format!("media/opus_encode_frame_8k_c{complexity}_b{bitrate}"), |b| {
                b.iter(|| e.encode(black_box(&pcm), &mut out).unwrap())
            });
        }
    }
    c.bench_function("media/opus_decode_frame_8k", |b| {
        b.iter(|| dec.decode(black_box(&opus[..n]), &mut back).unwrap())
    });
    let mut t = Transcoder::new(AudioCodec::Pcmu, AudioCodec::Opus, OpusSettings::default()).unwrap();
    g711::encode_ulaw(&pcm, &mut bytes);
    c.bench_function("media/transcode_pcmu_to_opus_frame", |b| {
        b.iter(|| t.transcode(black_box(&bytes), &mut opus).unwrap())
    });
    let mut r = Transcoder::new(AudioCodec::Opus, AudioCodec::Pcmu, OpusSettings::default()).unwrap();
    let mut ulaw = [0u8; 960];
    c.bench_function("media/transcode_opus_to_pcmu_frame", |b| {
        b.iter(|| r.transcode(black_box(&opus[..n]), &mut ulaw).unwrap())
    });
}

/// The relay decision above with SRTP on one leg: SRTP from A opened and
/// relayed to plain B, and plain RTP from B rewritten and sealed for A.
fn relay_srtp(c: &mut Criterion, plain: LegConfig, src: SocketAddr) {
    let master = |b: u8| MasterKey::from_bytes(&[b; 30]).unwrap();
    let suite = Suite::AesCm128HmacSha1_80;
    let keys = LegSrtp {
        suite,
        rx: master(1),
        tx: master(2),
    };
    let srtp = LegConfig {
        srtp: Some(keys),
        ..plain
    };
    // A stream sealed as A's peer sends it, taken in order: a fresh call
    // (fresh replay list) each time round.
    let mut peer = SrtpContext::new(&keys.rx, suite);
    let stream: Vec<([u8; 2048], usize)> = (0..4096u16)
        .map(|n| {
            let mut s = slot();
            header::rewrite(&mut s, 0, n, u32::from(n) * 160, 0xabcd);
            let len = peer.protect(&mut s, 172).unwrap();
            (s, len)
        })
        .collect();
    let new_call = || Relay::new(srtp, Some(plain), [1, 2], 2_000_000, OpusSettings::default(), 0);
    let (mut relay, mut i, mut now, mut buf) = (new_call(), 0, 0u64, slot());
    c.bench_function("media/relay_decision_srtp_to_rtp", |b| {
        b.iter(|| {
            if i == stream.len() {
                (relay, i) = (new_call(), 0);
            }
            now += 20_000;
            let (s, len) = &stream[i];
            buf[..*len].copy_from_slice(&s[..*len]);
            i += 1;
            match relay.handle_packet(Side::A, false, &mut buf, *len, src, now) {
                Verdict::Rtp { dest, len, .. } => black_box((dest, len)),
                v => panic!("not relayed: {v:?}"),
            }
        })
    });
    let (mut relay, mut seq) = (new_call(), 0u16);
    let mut buf = slot();
    c.bench_function("media/relay_decision_rtp_to_srtp", |b| {
        b.iter(|| {
            // The peer's own numbering (not the rewritten one read back:
            // that jumps, and an SRTP sender refuses an index it went past).
            now += 20_000;
            seq = seq.wrapping_add(1);
            header::rewrite(&mut buf, 0, seq, (now / 125) as u32, 0xabcd);
            match relay.handle_packet(Side::B, false, &mut buf, 172, src, now) {
                Verdict::Rtp { dest, len, .. } => black_box((dest, len)),
                v => panic!("not relayed: {v:?}"),
            }
        })
    });
}

/// SRTP per 160-byte PCMU packet: protect (what a worker does towards an
/// SRTP leg) and unprotect (from one), beside the relay decision above.
fn srtp(c: &mut Criterion) {
    let master = MasterKey::from_bytes(&[7u8; 30]).unwrap();
    let plain = packet();
    let mut tx = SrtpContext::new(&master, Suite::AesCm128HmacSha1_80);
    let mut buf = [0u8; 1500];
    let mut seq = 0u16;
    c.bench_function("media/srtp_protect_pcmu", |b| {
        b.iter(|| {
            buf[..plain.len()].copy_from_slice(&plain);
            seq = seq.wrapping_add(1);
            buf[2..4].copy_from_slice(&seq.to_be_bytes());
            black_box(tx.protect(&mut buf, plain.len()).unwrap())
        })
    });
    // A stream of protected packets to take apart, in order.
    let mut sender = SrtpContext::new(&master, Suite::AesCm128HmacSha1_80);
    let stream: Vec<Vec<u8>> = (0..4096u16)
        .map(|n| {
            let mut p = [0u8; 1500];
            p[..plain.len()].copy_from_slice(&plain);
            p[2..4].copy_from_slice(&n.to_be_bytes());
            let len = sender.protect(&mut p, plain.len()).unwrap();
            p[..len].to_vec()
        })
        .collect();
    c.bench_function("media/srtp_unprotect_pcmu", |b| {
        let (mut rx, mut i, mut work) = (SrtpContext::new(&master, Suite::AesCm128HmacSha1_80), 0, [0u8; 1500]);
        b.iter(|| {
            if i == stream.len() {
                (rx, i) = (SrtpContext::new(&master, Suite::AesCm128HmacSha1_80), 0);
            }
            let p = &stream[i];
            work[..p.len()].copy_from_slice(p);
            i += 1;
            black_box(rx.unprotect(&mut work[..p.len()]).unwrap())
        })
    });
}

/// The worker's per-read late check (`LateBound::stale`: one clock read,
/// then each datagram's arrival stamp against it) over 16 datagrams read
/// from a loopback socket with arrival stamps, as a worker reads them:
/// with none late (a bound of an hour) and all late (1 ms, the stamps
/// soon older; each then also checked for muxed RTCP), and with the bound
/// off (what a worker did before the check).
fn late_check(c: &mut Criterion) {
    use rvoip::media::RecvBatch;
    use rvoip::test_exports::media::LateBound;
    use std::os::fd::AsRawFd;
    use std::time::Duration;
    let rx = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None).unwrap();
    rvoip::test_exports::udp_batch::stamp_arrivals(&rx);
    rx.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into()).unwrap();
    let to = rx.local_addr().unwrap().as_socket().unwrap();
    let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for _ in 0..RecvBatch::BATCH {
        tx.send_to(&packet(), to).unwrap();
    }
    let mut batch = RecvBatch::new();
    let n = batch.recv(rx.as_raw_fd()).unwrap();
    assert_eq!(n, RecvBatch::BATCH);
    assert!(batch.arrival_ns(0).is_some(), "stamped");
    for (name, bound) in [
        ("media/late_check_batch16_none_late", Duration::from_secs(3600)),
        ("media/late_check_batch16_all_late", Duration::from_millis(1)),
        ("media/late_check_batch16_off", Duration::ZERO),
    ] {
        let late = LateBound::new(bound);
        c.bench_function(name, |b| b.iter(|| black_box(late.stale(&batch, n, false))));
    }
}

criterion_group!(benches, bench, srtp, late_check);
criterion_main!(benches);
