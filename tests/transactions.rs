//! Every transaction kind in simulated time, at the transaction layer:
//! Timers E/F (non-INVITE client), G/H/I (INVITE server), J (non-INVITE
//! server), D (INVITE client), retransmission absorption, reliable timers.

use rvoip::test_exports::ids::{Peer, TransportKind};
use rvoip::test_exports::sip::{self, Incoming, Request};
use rvoip::test_exports::transaction::{TimerConfig, Transactions, TxEvent};
use std::time::{Duration, Instant};

fn peer(transport: TransportKind) -> Peer {
    Peer {
        transport,
        addr: "127.0.0.1:5070".parse().unwrap(),
    }
}

fn request(method: &str, branch: &str) -> String {
    format!(
        "{method} sip:b@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK{branch}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>\r\nCall-ID: c1\r\n\
         CSeq: 1 {method}\r\nContent-Length: 0\r\n\r\n"
    )
}

fn incoming(text: &str) -> Incoming {
    let msg = sip::receive(text.as_bytes()).expect("test message parses");
    let core = sip::validate(&msg).expect("test message is valid");
    Incoming::new(msg, core)
}

fn req_of(text: &str) -> Request {
    match sip::parse(text.as_bytes()).expect("test message parses") {
        sip::SipMessage::Request(r) => r,
        sip::SipMessage::Response(_) => panic!("not a request"),
    }
}

/// Steps the table to each deadline up to `until`, collecting send times.
fn run(txs: &mut Transactions, start: Instant, until: Duration) -> (Vec<u128>, Vec<TxEvent>) {
    let (mut sends, mut events) = (Vec::new(), Vec::new());
    let mut now = start;
    loop {
        while let Some(_t) = txs.poll_transmit() {
            sends.push((now - start).as_millis());
        }
        events.extend(std::iter::from_fn(|| txs.poll_event()));
        match txs.poll_timeout() {
            Some(t) if t <= start + until => {
                now = now.max(t);
                txs.handle_timeout(now);
            }
            _ => return (sends, events),
        }
    }
}

#[test]
fn non_invite_client_timer_e_caps_at_t2_and_timer_f_times_out() {
    let mut txs = Transactions::new(TimerConfig::default());
    let start = Instant::now();
    let tx = txs.send_request(start, peer(TransportKind::Udp), req_of(&request("OPTIONS", "e1")));
    let (sends, events) = run(&mut txs, start, Duration::from_secs(40));
    assert_eq!(
        sends,
        vec![0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]
    );
    assert!(matches!(events[..], [TxEvent::Timeout { tx: t }] if t == tx));
    assert!(txs.is_empty());
}

#[test]
fn non_invite_client_over_tcp_sends_once_and_times_out() {
    let mut txs = Transactions::new(TimerConfig::default());
    let start = Instant::now();
    txs.send_request(start, peer(TransportKind::Tcp), req_of(&request("BYE", "e2")));
    let (sends, events) = run(&mut txs, start, Duration::from_secs(40));
    assert_eq!(sends, vec![0]);
    assert_eq!(events.len(), 1);
}

#[test]
fn invite_server_timer_g_h_without_ack() {
    let mut txs = Transactions::new(TimerConfig::default());
    let start = Instant::now();
    txs.handle_incoming(start, incoming(&request("INVITE", "g1")), peer(TransportKind::Udp));
    let Some(TxEvent::Request { tx, req, .. }) = txs.poll_event() else {
        panic!("request event")
    };
    assert!(
        txs.poll_transmit().is_some_and(|t| t.bytes.starts_with(b"SIP/2.0 100")),
        "automatic 100 Trying"
    );
    txs.respond(start, tx, sip::response(&req.req, 486, None, Some("t")));
    let (sends, events) = run(&mut txs, start, Duration::from_secs(40));
    assert_eq!(
        sends,
        vec![0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]
    );
    assert!(
        matches!(events[..], [TxEvent::Timeout { .. }]),
        "Timer H reports the missing ACK"
    );
}

#[test]
fn invite_server_ack_stops_g_and_timer_i_absorbs() {
    let mut txs = Transactions::new(TimerConfig::default());
    let start = Instant::now();
    txs.handle_incoming(start, incoming(&request("INVITE", "g2")), peer(TransportKind::Udp));
    let Some(TxEvent::Request { tx, req, .. }) = txs.poll_event() else {
        panic!("request event")
    };
    txs.respond(start, tx, sip::response(&req.req, 486, None, Some("t")));
    while txs.poll_transmit().is_some() {}
    let ack = request("INVITE", "g2")
        .replace("CSeq: 1 INVITE", "CSeq: 1 ACK")
        .replacen("INVITE", "ACK", 1);
    let later = start + Duration::from_millis(100);
    txs.handle_incoming(later, incoming(&ack), peer(TransportKind::Udp));
    txs.handle_incoming(later, incoming(&ack), peer(TransportKind::Udp));
    let (sends, events) = run(&mut txs, later, Duration::from_secs(10));
    assert!(sends.is_empty(), "no retransmission after ACK");
    assert!(events.is_empty(), "ACK for a non-2xx is absorbed");
    assert!(txs.is_empty(), "Timer I ended the transaction");
}

#[test]
fn server_retransmissions_are_absorbed_and_answered_with_the_last_response() {
    let mut txs = Transactions::new(TimerConfig::default());
    let start = Instant::now();
    let bye = request("BYE", "j1");
    txs.handle_incoming(start, incoming(&bye), peer(TransportKind::Udp));
    let Some(TxEvent::Request { tx, req, .. }) = txs.poll_event() else {
        panic!("request event")
    };
    txs.handle_incoming(start, incoming(&bye), peer(TransportKind::Udp));
    assert!(
        txs.poll_transmit().is_none(),
        "Trying: retransmission absorbed silently"
    );
    txs.respond(start, tx, sip::response(&req.req, 200, None, Some("t")));
    assert!(txs.poll_transmit().is_some());
    txs.handle_incoming(start, incoming(&bye), peer(TransportKind::Udp));
    let again = txs.poll_transmit().expect("Completed: last response resent");
    assert!(again.bytes.starts_with(b"SIP/2.0 200"));
    assert!(txs.poll_event().is_none(), "TU never sees the retransmission");
    assert_eq!(txs.stats().absorbed, 2);
    run(&mut txs, start, Duration::from_secs(33));
    assert!(txs.is_empty(), "Timer J (64*T1) ended it");
}

#[test]
fn invite_client_acks_non_2xx_and_timer_d_absorbs_retransmissions() {
    let mut txs = Transactions::new(TimerConfig::default());
    let start = Instant::now();
    let inv = request("INVITE", "d1");
    let tx = txs.send_request(start, peer(TransportKind::Udp), req_of(&inv));
    while txs.poll_transmit().is_some() {}
    let busy = "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKd1\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\n\
         To: <sip:b@127.0.0.1>;tag=x\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n".to_string();
    txs.handle_incoming(start, incoming(&busy), peer(TransportKind::Udp));
    let ack = txs.poll_transmit().expect("ACK for the 486");
    let ack = String::from_utf8_lossy(&ack.bytes).into_owned();
    assert!(ack.starts_with("ACK sip:b@127.0.0.1:5060") && ack.contains("tag=x") && ack.contains("branch=z9hG4bKd1"));
    assert!(matches!(txs.poll_event(), Some(TxEvent::Response { tx: t, .. }) if t == tx));
    txs.handle_incoming(start, incoming(&busy), peer(TransportKind::Udp));
    assert!(txs.poll_transmit().is_some(), "retransmitted 486 is ACKed again");
    assert!(txs.poll_event().is_none(), "but not passed up");
    let (_, events) = run(&mut txs, start, Duration::from_secs(33));
    assert!(events.is_empty());
    assert!(txs.is_empty(), "Timer D (32 s) ended it");
}
