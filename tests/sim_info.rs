//! INFO (RFC 6086) in simulated time: a hand-written caller's INFO with a
//! DTMF digit (`application/dtmf-relay`) through a gateway is answered 200
//! and reaches a callee that did not agree telephone-event as an INFO with
//! the same body, which reports the digit and the INFO; an unreadable
//! digit gets 400 naming it and is not relayed; a UA's own INFO goes out
//! in its dialog. (To a callee that agreed telephone-event the digit goes
//! as RFC 4733: sim_dtmf.rs.)

mod sim;

use rvoip::test_exports::session::{Command, DtmfSource, MediaMode, SessionEvent};
use sim::raw::{self, header};
use sim::{CALLEE, GW, Net, addr, forward_to, wait_for};
use std::time::Duration;

const MS: Duration = Duration::from_millis(1);

/// An INFO from the peer at addr(5) in its dialog with `to` (To `to_header`).
fn info(to: usize, call: &str, to_header: &str, cseq: u32, body: &str) -> Vec<u8> {
    let text = String::from_utf8(raw::in_dialog(
        "INFO",
        addr(5),
        addr(to as u16),
        call,
        to_header,
        cseq,
        &format!("i{cseq}"),
    ))
    .unwrap();
    text.replacen(
        "Content-Length: 0\r\n\r\n",
        &format!(
            "Content-Type: application/dtmf-relay\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
        1,
    )
    .into_bytes()
}

#[test]
fn a_dtmf_info_crosses_the_gateway_and_a_bad_one_is_refused() {
    let mut net = Net::bridge(71, forward_to(addr(CALLEE as u16), &[]));
    let mut callee = sim::ua_config(addr(CALLEE as u16), 73);
    callee.codecs.retain(|c| !c.is_telephone_event());
    net.replace(CALLEE, callee, None);
    let sdp = raw::sdp(4000, 0, "PCMU/8000");
    net.send(
        addr(5),
        addr(GW as u16),
        raw::invite(addr(5), addr(GW as u16), "bob", "inf1", "inf1", &sdp),
    );
    let b = net.wait_incoming(CALLEE, Duration::from_secs(1));
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    net.run_for(50 * MS);
    let ok = net.sent(addr(GW as u16), "SIP/2.0 200")[0].text.clone();
    let to = header(&ok, "To").to_owned();
    net.send(
        addr(5),
        addr(GW as u16),
        raw::in_dialog("ACK", addr(5), addr(GW as u16), "inf1", &to, 1, "ack1"),
    );
    wait_for!(net, CALLEE, Duration::from_secs(1), SessionEvent::Answered(_));
    net.send(
        addr(5),
        addr(GW as u16),
        info(GW, "inf1", &to, 2, "Signal=7\r\nDuration=250\r\n"),
    );
    let digit = wait_for!(net, CALLEE, Duration::from_secs(1), SessionEvent::Dtmf(..));
    assert!(
        matches!(digit, SessionEvent::Dtmf(i, '7', d, DtmfSource::Info) if i == b && d == Duration::from_millis(250)),
        "{digit:?}"
    );
    let got = wait_for!(net, CALLEE, Duration::from_secs(1), SessionEvent::Info(..));
    assert!(
        matches!(&got, SessionEvent::Info(_, ct, body) if ct == "application/dtmf-relay" && body.contains("Signal=7")),
        "{got:?}"
    );
    let relayed = net.sent(addr(GW as u16), "INFO");
    assert_eq!(relayed.len(), 1, "one INFO to the callee");
    assert!(relayed[0].text.contains("Signal=7") && relayed[0].to == addr(CALLEE as u16));
    net.send(addr(5), addr(GW as u16), info(GW, "inf1", &to, 3, "Signal=Q\r\n"));
    net.run_for(50 * MS);
    let replies: Vec<String> = net
        .sent(addr(GW as u16), "SIP/2.0")
        .into_iter()
        .filter(|s| header(&s.text, "CSeq").ends_with("INFO"))
        .map(|s| s.text.clone())
        .collect();
    assert!(replies[0].starts_with("SIP/2.0 200") && header(&replies[0], "CSeq") == "2 INFO");
    assert!(
        replies[1].starts_with("SIP/2.0 400 Bad dtmf-relay Signal"),
        "{}",
        replies[1]
    );
    assert_eq!(net.sent(addr(GW as u16), "INFO").len(), 1, "the bad one not relayed");
    // The callee's own INFO goes out in its dialog (to the gateway).
    net.command(CALLEE, Command::SendInfo(b, "application/dtmf".into(), "5".into()));
    net.run_for(50 * MS);
    let mine = net.sent(addr(CALLEE as u16), "INFO");
    assert_eq!(mine.len(), 1);
    assert_eq!(header(&mine[0].text, "Content-Type"), "application/dtmf");
    let back = net.sent(addr(GW as u16), "INFO");
    assert_eq!(back.len(), 2, "and the gateway relays it to the caller");
    assert_eq!(back[1].to, addr(5));
}
