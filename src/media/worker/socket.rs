//! RTP/RTCP sockets: non-blocking, SO_REUSEPORT, receive buffers sized
//! for the latency bound, opened with socket2 and handed to mio.

use mio::net::UdpSocket;
use socket2::{Domain, Protocol, Socket, Type};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// Buffer size requested without a latency bound, and for sending
/// (bursts of many streams).
const THROUGHPUT: usize = 1 << 20;
/// Packets a leg receives per second at most: 10 ms packetisation, the
/// shortest voice codecs use (20 ms, the usual, is 50).
const PEAK_PPS: u64 = 100;
/// Packets of slack beyond the bound's worth: a burst the network bunched
/// (320 ms of a 20 ms stream after a stall, which the far end's jitter
/// buffer may still absorb: not ours to lose), an RTCP report. One
/// `recvmmsg` batch.
const SLACK: u64 = 16;
/// What the kernel charges the buffer per datagram (its `truesize`, not
/// its payload): about 840 bytes for a 172-byte G.711 packet on loopback
/// (measured), up to 2 KiB on NICs that receive into half pages.
const CHARGE: u64 = 2048;

/// The receive buffer requested for a media socket when packets older
/// than `max_delay` are dropped: room for what one leg receives in that
/// time at [`PEAK_PPS`] plus [`SLACK`] packets, at [`CHARGE`] bytes each,
/// halved because the kernel doubles what is asked (its own overhead).
/// For the default 40 ms: (4 + 16) × 2048 / 2 = 20 KiB asked, 40 KiB
/// granted: about 48 G.711 packets on loopback (20 on a NIC charging
/// 2 KiB), where 1 MiB held 1,200 (24 s of a 20 ms stream; at 2,000
/// calls on one worker the backlog reached 0.5 s). A worker that falls
/// behind then finds under a second of voice per socket, not seconds or
/// minutes: the kernel drops the rest (counted, `SO_RXQ_OVFL`), the
/// worker the stale part of what it reads, cheaply (no rewrite, no
/// send). Without a bound, 1 MiB as before.
pub fn recv_buffer(max_delay: Duration) -> usize {
    if max_delay.is_zero() {
        return THROUGHPUT;
    }
    let packets = (PEAK_PPS * max_delay.as_micros() as u64).div_ceil(1_000_000) + SLACK;
    (packets * CHARGE / 2) as usize
}

/// Opens a UDP socket on `ip:port` for one stream with `recv_buffer`
/// bytes of receive buffer asked; `cpu` is the core of the owning worker
/// (SO_INCOMING_CPU: the kernel prefers delivering to a socket whose CPU
/// matches the one that received the packet).
pub fn open(ip: IpAddr, port: u16, cpu: Option<usize>, recv_buffer: usize) -> std::io::Result<UdpSocket> {
    let addr = SocketAddr::new(ip, port);
    let s = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    s.set_reuse_port(true)?;
    s.set_nonblocking(true)?;
    // Buffer sizes are hints, capped by net.core.rmem_max / wmem_max.
    let _ = s.set_recv_buffer_size(recv_buffer);
    let _ = s.set_send_buffer_size(THROUGHPUT);
    if let Some(cpu) = cpu {
        // A hint for SO_REUSEPORT groups; harmless to lose.
        let _ = s.set_cpu_affinity(cpu);
    }
    crate::udp_batch::stamp_arrivals(&s);
    crate::udp_batch::count_drops(&s);
    s.bind(&addr.into())?;
    Ok(UdpSocket::from_std(s.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buffer_holds_the_bound_worth_of_packets_plus_slack() {
        assert_eq!(recv_buffer(Duration::from_millis(40)), 20 * 1024);
        assert_eq!(recv_buffer(Duration::from_millis(100)), (10 + 16) * 1024);
        assert_eq!(recv_buffer(Duration::from_micros(1)), 17 * 1024);
        assert_eq!(recv_buffer(Duration::ZERO), 1 << 20, "no bound: sized for throughput");
    }

    #[test]
    fn a_bounded_socket_is_granted_about_the_size_asked() {
        let s = open(
            "127.0.0.1".parse().unwrap(),
            0,
            None,
            recv_buffer(Duration::from_millis(40)),
        )
        .unwrap();
        let granted = socket2::SockRef::from(&s).recv_buffer_size().unwrap();
        assert!((20 * 1024..=80 * 1024).contains(&granted), "{granted}");
    }
}
