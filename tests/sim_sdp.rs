//! RFC 3264 through the gateway, in simulated time: a caller offering
//! audio and video gets an answer with both m-lines in its order, the
//! video rejected with port 0, while the callee is offered audio alone
//! (the video refused on both legs alike); a caller offering audio only
//! as RTP/SAVP over UDP (SDES keys in clear, which a listener refuses by
//! default) gets 488 naming why, and nothing reaches the callee: never a
//! silent downgrade. SRTP that is agreed: tests/sim_srtp.rs.

mod sim;

use rvoip::test_exports::session::{Command, MediaMode};
use sim::raw::{self, header};
use sim::{CALLEE, Net, addr, forward_to};
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);

fn offer(media: &str) -> String {
    format!("v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n{media}")
}

/// The m-lines of a message's body: (media, port is zero, protocol).
fn m_lines(msg: &str) -> Vec<(String, bool, String)> {
    msg.lines()
        .filter_map(|l| l.strip_prefix("m="))
        .map(|m| {
            let f: Vec<&str> = m.split(' ').collect();
            (f[0].to_owned(), f[1] == "0", f[2].to_owned())
        })
        .collect()
}

#[test]
fn a_video_m_line_is_rejected_on_both_legs_alike() {
    let mut net = Net::bridge(90, forward_to(addr(2), &[]));
    let (peer, gw) = (addr(5), addr(1));
    let body = offer("m=video 6000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\nm=audio 6002 RTP/AVP 0\r\n");
    net.send(peer, gw, raw::invite(peer, gw, "bob", "vid-1", "vid1", &body));
    let b = net.wait_incoming(CALLEE, SECOND);
    let to_callee = net.wait_received(addr(2), "INVITE", 1, SECOND);
    assert_eq!(
        m_lines(&to_callee),
        [("audio".to_owned(), false, "RTP/AVP".to_owned())],
        "the callee is offered audio alone:\n{to_callee}"
    );
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    let ok = net.wait_received(peer, "SIP/2.0 200", 1, SECOND);
    let expect = [
        ("video".to_owned(), true, "RTP/AVP".to_owned()),
        ("audio".to_owned(), false, "RTP/AVP".to_owned()),
    ];
    assert_eq!(m_lines(&ok), expect, "the caller's m-lines, in order:\n{ok}");
}

#[test]
fn rtp_savp_over_udp_gets_488_and_reaches_no_callee() {
    let mut net = Net::bridge(91, forward_to(addr(2), &[]));
    let (peer, gw) = (addr(5), addr(1));
    let body = offer("m=audio 6004 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n");
    net.send(peer, gw, raw::invite(peer, gw, "bob", "srtp-1", "srtp1", &body));
    let refused = net.wait_received(peer, "SIP/2.0 488", 1, SECOND);
    assert!(
        refused.lines().next().unwrap().contains("only sent over TLS"),
        "the reason names it:\n{refused}"
    );
    assert_eq!(header(&refused, "Call-ID"), "srtp-1");
    net.run_for(SECOND);
    assert!(net.received(addr(2), "INVITE").is_empty(), "nothing reached the callee");
    assert!(net.received(peer, "SIP/2.0 200").is_empty());
}
