//! DTMF interworking in simulated time (issue #18): caller UA -> gateway
//! -> callee UA, each leg with or without telephone-event in its SDP. An
//! INFO digit from a leg goes to the other as RFC 4733 when that leg
//! agreed telephone-event (the gateway's worker told to send it to that
//! leg, no INFO relayed), as the INFO it came in otherwise; RFC 4733 that
//! a worker heard from a leg whose other leg did not agree telephone-event
//! reaches that leg as one `application/dtmf-relay` INFO per digit, sent
//! one at a time in order; a malformed body gets 400 naming it and the
//! call goes on. A UA's own digits (`Command::SendDtmf`, the API's
//! `send_dtmf`) go as RFC 4733 where the peer agreed it and the call's
//! media runs, else as INFOs; an INFO's answer is not taken for a
//! re-INVITE's. The packets themselves are tested in media_dtmf.rs.

mod sim;

use rvoip::media::{LegConfig, MediaCommand, MediaEvent, Side};
use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::session::{Command, DtmfSource, MediaMode, SessionEvent};
use sim::raw::header;
use sim::{CALLEE, CALLER, GW, Net, addr, forward_to, ua_config, wait_for};
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);

/// Node `i`'s UA, offering telephone-event or not.
fn ua(net: &mut Net, i: usize, seed: u64, te: bool) {
    let mut cfg = ua_config(addr(i as u16), seed);
    cfg.codecs.retain(|c| te || !c.is_telephone_event());
    net.replace(i, cfg, None);
}

/// A bridged call whose caller and callee agree telephone-event or not:
/// (net, caller's id, callee's id, the gateway's media call and its legs).
fn bridge(seed: u64, caller_te: bool, callee_te: bool) -> (Net, CallId, CallId, u64, LegConfig, LegConfig) {
    let mut net = Net::bridge(seed, forward_to(addr(CALLEE as u16), &[]));
    ua(&mut net, CALLER, seed, caller_te);
    ua(&mut net, CALLEE, seed + 2, callee_te);
    let a = CallId(1 << 40 | 1);
    let uri = format!("sip:bob@{}", addr(GW as u16));
    net.command(CALLER, Command::Call(a, uri, TransportKind::Udp));
    let b = net.wait_incoming(CALLEE, SECOND);
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    wait_for!(net, CALLER, SECOND, SessionEvent::Answered(i) if *i == a);
    wait_for!(net, CALLEE, SECOND, SessionEvent::Answered(i) if *i == b);
    let add = net.media_commands(GW).find_map(|c| match c {
        MediaCommand::AddCall { call, a, b: Some(b) } => Some((*call, *a, *b)),
        _ => None,
    });
    let (call, la, lb) = add.expect("the bridge's media");
    assert_eq!((la.te_pt.is_some(), lb.te_pt.is_some()), (caller_te, callee_te));
    (net, a, b, call, la, lb)
}

/// The digits the gateway told its worker to send: (leg, digits, ms).
fn sent_as_rfc4733(net: &Net, node: usize) -> Vec<(Side, String, u32)> {
    net.media_commands(node)
        .filter_map(|c| match c {
            MediaCommand::SendDtmf {
                side,
                digits,
                duration_ms,
                ..
            } => Some((*side, digits.clone(), *duration_ms)),
            _ => None,
        })
        .collect()
}

/// The digits node `i` reported, with how they came.
fn heard(net: &mut Net, i: usize) -> Vec<(char, u128, DtmfSource)> {
    net.take_events(i)
        .into_iter()
        .filter_map(|e| match e {
            SessionEvent::Dtmf(_, d, held, how) => Some((d, held.as_millis(), how)),
            _ => None,
        })
        .collect()
}

/// The body of a SIP message.
fn body(text: &str) -> &str {
    text.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

#[test]
fn an_info_digit_reaches_a_leg_with_telephone_event_as_rfc4733() {
    let (mut net, a, b, call, ..) = bridge(81, false, true);
    // The caller's digits go as INFOs (it did not agree telephone-event).
    net.command(CALLER, Command::SendDtmf(a, "7#".into()));
    net.command(CALLER, Command::SendInfo(a, "application/dtmf".into(), "5".into()));
    net.run_for(SECOND);
    let infos = net.sent(addr(CALLER as u16), "INFO");
    assert_eq!(infos.len(), 3);
    assert_eq!(header(&infos[0].text, "Content-Type"), "application/dtmf-relay");
    assert_eq!(body(&infos[0].text), "Signal=7\r\nDuration=100\r\n");
    // The gateway answers each 200 and has its worker send each to the
    // callee (leg B) as RFC 4733, in order; no INFO reaches the callee.
    let oks = net.sent(addr(GW as u16), "SIP/2.0 200");
    assert_eq!(
        oks.iter().filter(|s| header(&s.text, "CSeq").ends_with("INFO")).count(),
        3
    );
    let want = [
        (Side::B, "7".into(), 100),
        (Side::B, "#".into(), 100),
        (Side::B, "5".into(), 100),
    ];
    assert_eq!(sent_as_rfc4733(&net, GW), want);
    assert!(net.media_commands(GW).all(|c| c.call() == call));
    assert!(net.sent(addr(GW as u16), "INFO").is_empty(), "no INFO to the callee");
    let gw = heard(&mut net, GW);
    assert_eq!(
        gw.iter().map(|d| d.0).collect::<String>(),
        "7#5",
        "reported for observers"
    );
    assert!(gw.iter().all(|d| d.2 == DtmfSource::Info));
    // A malformed digit gets 400 naming it, goes nowhere, and the call
    // goes on: the next digit goes through.
    let bad = "Signal=Q\r\nDuration=100\r\n";
    net.command(
        CALLER,
        Command::SendInfo(a, "application/dtmf-relay".into(), bad.into()),
    );
    net.command(CALLER, Command::SendDtmf(a, "0".into()));
    net.run_for(SECOND);
    let refusals = net.sent(addr(GW as u16), "SIP/2.0 400 Bad dtmf-relay Signal");
    assert_eq!(refusals.len(), 1);
    assert_eq!(sent_as_rfc4733(&net, GW).len(), 4);
    assert_eq!(sent_as_rfc4733(&net, GW)[3].1, "0");
    // Any other INFO is relayed as it came.
    net.command(CALLER, Command::SendInfo(a, "application/x-note".into(), "hi".into()));
    let got = wait_for!(net, CALLEE, SECOND, SessionEvent::Info(..));
    assert!(matches!(&got, SessionEvent::Info(i, ct, body) if *i == b && ct == "application/x-note" && body == "hi"));
    // The callee's digit, heard by the worker as RFC 4733 on leg B, goes
    // to the caller (no telephone-event) as an INFO.
    let ev = MediaEvent::Dtmf {
        call,
        side: Side::B,
        digit: '9',
        duration_ms: 120,
    };
    net.media_event(GW, ev);
    let got = wait_for!(net, CALLER, SECOND, SessionEvent::Dtmf(..));
    assert!(matches!(got, SessionEvent::Dtmf(i, '9', d, DtmfSource::Info) if i == a && d.as_millis() == 120));
    let to_caller = net.sent(addr(GW as u16), "INFO");
    assert_eq!(to_caller.len(), 2);
    assert_eq!(
        (to_caller[1].to, body(&to_caller[1].text)),
        (addr(CALLER as u16), "Signal=9\r\nDuration=120\r\n")
    );
    assert!(net.media_errors.is_empty(), "{:?}", net.media_errors);
}

#[test]
fn rfc4733_digits_reach_a_leg_without_it_as_infos_one_at_a_time_in_order() {
    let (mut net, _, _, call, ..) = bridge(82, true, false);
    // The worker heard three digits from the caller (its redundancy
    // already folded: one event each), the last two at once.
    for (digit, duration_ms) in [('1', 160), ('2', 100), ('#', 250)] {
        let ev = MediaEvent::Dtmf {
            call,
            side: Side::A,
            digit,
            duration_ms,
        };
        net.media_event(GW, ev);
    }
    net.run_for(SECOND);
    let infos = net.sent(addr(GW as u16), "INFO");
    let bodies: Vec<&str> = infos.iter().map(|s| body(&s.text)).collect();
    assert_eq!(
        bodies,
        [
            "Signal=1\r\nDuration=160\r\n",
            "Signal=2\r\nDuration=100\r\n",
            "Signal=#\r\nDuration=250\r\n"
        ]
    );
    assert!(infos.iter().all(|s| s.to == addr(CALLEE as u16)));
    assert!(
        infos
            .iter()
            .all(|s| header(&s.text, "Content-Type") == "application/dtmf-relay")
    );
    // Each after the callee's 200 to the one before reached the gateway.
    let oks: Vec<_> = net
        .sent(addr(CALLEE as u16), "SIP/2.0 200")
        .into_iter()
        .filter(|s| header(&s.text, "CSeq").ends_with("INFO"))
        .map(|s| s.arrival.unwrap())
        .collect();
    assert_eq!(oks.len(), 3);
    assert!(infos[1].at >= oks[0] && infos[2].at >= oks[1], "one at a time");
    let callee: Vec<_> = heard(&mut net, CALLEE);
    let want = [
        ('1', 160, DtmfSource::Info),
        ('2', 100, DtmfSource::Info),
        ('#', 250, DtmfSource::Info),
    ];
    assert_eq!(callee, want, "each once, in order");
    assert!(sent_as_rfc4733(&net, GW).is_empty());
    assert!(net.sent(addr(GW as u16), "SIP/2.0 4").is_empty());
}

#[test]
fn send_dtmf_goes_as_rfc4733_where_agreed_and_the_media_runs_else_as_info() {
    let mut net = Net::new(2, 83);
    let a = CallId(1 << 40 | 1);
    net.command(0, Command::Call(a, format!("sip:svc@{}", addr(1)), TransportKind::Udp));
    let b = net.wait_incoming(1, SECOND);
    net.command(1, Command::Accept(b, MediaMode::Echo));
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == a);
    net.run_for(SECOND);
    // The callee's media runs (echo) and both agreed telephone-event:
    // its worker sends them.
    net.command(1, Command::SendDtmf(b, "12".into()));
    assert_eq!(sent_as_rfc4733(&net, 1), [(Side::A, "12".into(), 100)]);
    assert!(net.sent(addr(1), "INFO").is_empty());
    // The caller's call is signalling only: no media to carry them, so
    // INFOs; sent while a hold re-INVITE is in flight, each answer is
    // taken for what it answers.
    net.command(0, Command::SendDtmf(a, "45".into()));
    net.command(0, Command::Hold(a));
    wait_for!(net, 0, SECOND, SessionEvent::Held(i) if *i == a);
    net.run_for(SECOND);
    let infos = net.sent(addr(0), "INFO");
    assert_eq!(infos.len(), 2);
    let digits: String = heard(&mut net, 1).iter().map(|d| d.0).collect();
    assert_eq!(digits, "45");
    assert!(sent_as_rfc4733(&net, 0).is_empty());
    // And the call goes on: it resumes.
    net.command(0, Command::Resume(a));
    wait_for!(net, 0, SECOND, SessionEvent::Resumed(i) if *i == a);
}
