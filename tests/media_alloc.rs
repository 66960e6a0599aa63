//! The relay path allocates nothing per packet once warmed up: a counting
//! global allocator watches 2,000 packets relayed through a worker, and
//! 2,000 packets protected and unprotected with SRTP and SRTCP.

use rvoip::media::rtp::write_header;
use rvoip::media::{LegConfig, MediaCommand, MediaConfig, MediaPlane, WorkerConfig};
use std::alloc::{GlobalAlloc, Layout, System};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

mod ports;

struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// SRTP and SRTCP in both directions, in the buffers packets arrive in.
fn srtp_allocations(n: u16) -> u64 {
    use rvoip::media::srtp::{MasterKey, SrtcpContext, SrtpContext, Suite};
    let master = MasterKey::from_bytes(&[3u8; 30]).unwrap();
    let (mut tx, mut rx) = (
        SrtpContext::new(&master, Suite::AesCm128HmacSha1_80),
        SrtpContext::new(&master, Suite::AesCm128HmacSha1_80),
    );
    let (mut ctx, mut crx) = (SrtcpContext::new(&master), SrtcpContext::new(&master));
    let mut buf = [0u8; 1500];
    let before = ALLOCS.load(Relaxed);
    for seq in 0..n {
        write_header(&mut buf, 0, false, seq, u32::from(seq) * 160, 0x5150);
        let len = tx.protect(&mut buf, 172).unwrap();
        assert_eq!(rx.unprotect(&mut buf[..len]).unwrap(), 172);
        buf[..8].copy_from_slice(&[0x80, 200, 0, 6, 0, 0, 0x51, 0x50]);
        let len = ctx.protect(&mut buf, 28).unwrap();
        assert_eq!(crx.unprotect(&mut buf[..len]).unwrap(), 28);
    }
    ALLOCS.load(Relaxed) - before
}

#[test]
fn relay_path_does_not_allocate_per_packet() {
    assert_eq!(srtp_allocations(2000), 0, "SRTP protect/unprotect allocated");
    let (tx, _rx) = tokio::sync::mpsc::channel(1024);
    let worker = WorkerConfig {
        relatch: Duration::from_secs(5),
        timeout: Duration::from_secs(60),
        ..WorkerConfig::default()
    };
    let plane = MediaPlane::start(
        MediaConfig {
            workers: 1,
            pin: false,
            realtime: 0,
            worker,
        },
        tx,
    )
    .unwrap();
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    b.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let port = |s: &UdpSocket| s.local_addr().unwrap();
    let (pa, pb) = (
        41_000 + (std::process::id() % 500) as u16 * 4,
        43_000 + (std::process::id() % 500) as u16 * 4,
    );
    let leg = LegConfig::pcmu;
    plane
        .submit(MediaCommand::AddCall {
            call: 1,
            a: leg(pa, port(&a)),
            b: Some(leg(pb, port(&b))),
        })
        .unwrap();
    // The worker counts the call once its sockets are bound.
    let deadline = Instant::now() + Duration::from_secs(5);
    while plane.counters().map(|c| c.calls.load(Relaxed)).sum::<u64>() == 0 {
        assert!(Instant::now() < deadline, "the call's sockets were not bound");
        std::thread::yield_now();
    }
    let mut pkt = vec![0u8; 172];
    let mut buf = vec![0u8; 2048];
    let to = SocketAddr::from(([127, 0, 0, 1], pa));
    let mut relay = |n: u16| {
        for i in 0..n {
            write_header(&mut pkt, 0, false, i, i as u32 * 160, 0xabc);
            a.send_to(&pkt, to).unwrap();
            b.recv_from(&mut buf).expect("relayed");
        }
    };
    relay(200); // warm-up: latching, the latch event, lazy statics
    let before = ALLOCS.load(Relaxed);
    relay(2000);
    let during = ALLOCS.load(Relaxed) - before;
    assert_eq!(during, 0, "{during} allocations while relaying 2,000 packets");
}
