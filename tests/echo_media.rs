//! The echo service as a softphone meets it: a raw SIP peer calls a server
//! that accepts with echo, sends RTP to the port in the 200's SDP and hears
//! it back; when the RTP stops, the media timeout hangs up with a BYE.

use rvoip::api::*;
use std::net::{SocketAddr, UdpSocket as StdUdp};
use std::time::Duration;

mod ports;
use ports::free_pair;
use tokio::net::UdpSocket;

async fn recv_text(s: &UdpSocket) -> String {
    let mut buf = vec![0u8; 4096];
    let (n, _) = tokio::time::timeout(Duration::from_secs(5), s.recv_from(&mut buf))
        .await
        .expect("message in time")
        .unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn header<'a>(msg: &'a str, name: &str) -> &'a str {
    msg.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
        .unwrap_or("")
}

/// A server on the media ports `port..port + 2` that accepts every call
/// with echo; its address, and how each call ended.
async fn echo_server(port: u16, media_timeout: Duration) -> (SocketAddr, tokio::sync::mpsc::Receiver<EndReason>) {
    let cfg = ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: (port, port + 2),
        media_timeout,
        media_workers: 1,
        ..Default::default()
    };
    let mut server = create_sip_server(cfg).await.unwrap();
    let gw = server.local_addr();
    let (ended_tx, ended_rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        while let Some(ev) = server.next_event().await {
            match ev {
                CallEvent::Incoming(call) => {
                    call.accept_echo().unwrap();
                }
                CallEvent::Ended(_, reason) => ended_tx.send(reason).await.unwrap(),
                _ => {}
            }
        }
    });
    (gw, ended_rx)
}

#[tokio::test]
async fn caller_hears_itself_and_silence_hangs_up() {
    let port = free_pair();
    let (gw, mut ended_rx) = echo_server(port, Duration::from_secs(1)).await;
    let sip = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let rtp = StdUdp::bind("127.0.0.1:0").unwrap();
    rtp.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let me = sip.local_addr().unwrap();
    let sdp = format!(
        "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
        rtp.local_addr().unwrap().port()
    );
    let invite = format!(
        "INVITE sip:echo@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKecho1\r\nMax-Forwards: 70\r\n\
         From: <sip:t@{me}>;tag=t1\r\nTo: <sip:echo@{gw}>\r\nCall-ID: echo-1\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:t@{me}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    );
    sip.send_to(invite.as_bytes(), gw).await.unwrap();
    let ok = loop {
        let m = recv_text(&sip).await;
        if m.starts_with("SIP/2.0 200") {
            break m;
        }
    };
    let media_port: u16 = ok
        .lines()
        .find_map(|l| l.strip_prefix("m=audio "))
        .and_then(|r| r.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(media_port, port, "the answer's port is the one the media worker binds");
    let ack = format!(
        "ACK sip:echo@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKecho2\r\nMax-Forwards: 70\r\n\
         From: <sip:t@{me}>;tag=t1\r\nTo: {}\r\nCall-ID: echo-1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n",
        header(&ok, "To")
    );
    sip.send_to(ack.as_bytes(), gw).await.unwrap();
    let media: SocketAddr = ([127, 0, 0, 1], media_port).into();
    let mut buf = [0u8; 512];
    rtp.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let mut heard = 0;
    for i in 0..100u16 {
        let mut pkt = vec![0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
        pkt[2..4].copy_from_slice(&i.to_be_bytes());
        pkt.extend(std::iter::repeat_n(i as u8, 160));
        rtp.send_to(&pkt, media).unwrap();
        if let Ok((n, from)) = rtp.recv_from(&mut buf) {
            assert_eq!(from, media, "echo comes from the port we sent to (symmetric RTP)");
            assert_eq!(&buf[12..n], &pkt[12..]);
            heard += 1;
        }
        if heard == 10 {
            break;
        }
    }
    assert_eq!(heard, 10, "packets echoed back");
    // Stop sending: the media timeout (1 s) ends the call with a BYE to us.
    let bye = loop {
        let m = recv_text(&sip).await;
        if m.starts_with("BYE ") {
            break m;
        }
    };
    assert!(bye.contains("Call-ID: echo-1"));
    let reason = tokio::time::timeout(Duration::from_secs(5), ended_rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reason, EndReason::MediaTimeout);
}

/// A call whose media port cannot be bound (here another socket holds it;
/// in production, the descriptor limit reached) is hung up rather than
/// left silent: the caller gets a BYE after the 200, the call ends with
/// `NoMedia`.
#[tokio::test]
async fn a_call_whose_media_port_cannot_be_bound_is_hung_up_not_left_silent() {
    let port = free_pair();
    let _taken = StdUdp::bind(("0.0.0.0", port)).expect("the media port held by another socket");
    let (gw, mut ended_rx) = echo_server(port, Duration::from_secs(30)).await;
    let sip = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let me = sip.local_addr().unwrap();
    let sdp = "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";
    let invite = format!(
        "INVITE sip:echo@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKnomedia1\r\nMax-Forwards: 70\r\n\
         From: <sip:t@{me}>;tag=t1\r\nTo: <sip:echo@{gw}>\r\nCall-ID: no-media-1\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:t@{me}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    );
    sip.send_to(invite.as_bytes(), gw).await.unwrap();
    let mut acked = false;
    let bye = loop {
        let m = recv_text(&sip).await;
        if m.starts_with("SIP/2.0 200") && !acked {
            let ack = format!(
                "ACK sip:echo@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKnomedia2\r\nMax-Forwards: 70\r\n\
                 From: <sip:t@{me}>;tag=t1\r\nTo: {}\r\nCall-ID: no-media-1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n",
                header(&m, "To")
            );
            sip.send_to(ack.as_bytes(), gw).await.unwrap();
            acked = true;
        }
        if m.starts_with("BYE ") {
            break m;
        }
    };
    assert!(acked, "the call was answered before its media was started");
    assert!(bye.contains("Call-ID: no-media-1"));
    let reason = tokio::time::timeout(Duration::from_secs(5), ended_rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reason, EndReason::NoMedia);
}
