//! Call scenarios in simulated time over the sans-IO UA core: retransmission
//! under loss, Timer B, CANCEL crossing 200, hold/resume, 2xx
//! retransmission until ACK. Glare is in sim_glare.rs.

mod sim;

use rvoip::api::StatusCode;
use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::session::{Command, EndReason, MediaMode, SessionEvent};
use sim::{Net, addr};
use std::time::Duration;

fn call(net: &mut Net, id: u64) -> CallId {
    let id = CallId(1 << 40 | id);
    let uri = format!("sip:bob@{}", addr(1));
    net.command(0, Command::Call(id, uri, TransportKind::Udp));
    id
}

fn has(events: &[SessionEvent], f: impl Fn(&SessionEvent) -> bool) -> bool {
    events.iter().any(f)
}

#[test]
fn basic_call_in_virtual_time() {
    let mut net = Net::new(2, 1);
    let a = call(&mut net, 1);
    net.run_for(Duration::from_millis(50));
    let b = net.incoming(1);
    net.command(1, Command::Ring(b));
    net.command(1, Command::Accept(b, MediaMode::None));
    net.run_for(Duration::from_millis(100));
    let ea = net.take_events(0);
    assert!(has(&ea, |e| matches!(e, SessionEvent::Ringing(i) if *i == a)));
    assert!(has(&ea, |e| matches!(e, SessionEvent::Answered(i) if *i == a)));
    assert!(has(
        &net.take_events(1),
        |e| matches!(e, SessionEvent::Answered(i) if *i == b)
    ));
    net.command(0, Command::End(a));
    net.run_for(Duration::from_millis(100));
    assert!(has(&net.take_events(1), |e| matches!(
        e,
        SessionEvent::Ended(_, EndReason::RemoteBye)
    )));
    // No retransmission happened on a clean network.
    assert_eq!(net.sent(addr(0), "INVITE").len(), 1);
    assert_eq!(
        net.sent(addr(1), "SIP/2.0 200").len(),
        2,
        "one 200 for INVITE, one for BYE"
    );
}

#[test]
fn timer_b_fires_at_64_t1_with_a_doubling_retransmissions() {
    let mut net = Net::new(1, 2);
    let id = CallId(7);
    net.command(
        0,
        Command::Call(id, format!("sip:nobody@{}", addr(9)), TransportKind::Udp),
    );
    net.run_until(Duration::from_secs(40));
    let failed = net.take_events(0);
    assert!(
        has(
            &failed,
            |e| matches!(e, SessionEvent::Failed(i, StatusCode::REQUEST_TIMEOUT) if *i == id)
        ),
        "{failed:?}"
    );
    let times: Vec<u128> = net
        .sent(addr(0), "INVITE")
        .iter()
        .map(|s| (s.at - net.start).as_millis())
        .collect();
    // Timer A: 0.5, 1, 2, 4, 8, 16 s intervals (no T2 cap for INVITE).
    assert_eq!(times, vec![0, 500, 1500, 3500, 7500, 15500, 31500]);
}

#[test]
fn calls_complete_under_30_percent_loss() {
    let mut net = Net::new(2, 3);
    net.link.loss = 0.3;
    let mut answered = 0;
    for n in 0..40 {
        let a = call(&mut net, n);
        net.run_for(Duration::from_secs(5));
        let Some(pos) = net
            .events
            .iter()
            .position(|(j, e)| *j == 1 && matches!(e, SessionEvent::Incoming(..)))
        else {
            // INVITE and every retransmission within 5 s lost: allowed, keep going.
            net.run_for(Duration::from_secs(60));
            continue;
        };
        let b = match net.events.remove(pos).1 {
            SessionEvent::Incoming(id, _) => id,
            _ => unreachable!(),
        };
        net.command(1, Command::Accept(b, MediaMode::None));
        net.run_for(Duration::from_secs(10));
        if has(
            &net.take_events(0),
            |e| matches!(e, SessionEvent::Answered(i) if *i == a),
        ) {
            answered += 1;
        }
        net.command(0, Command::End(a));
        net.run_for(Duration::from_secs(40));
        net.take_events(1);
    }
    let retrans = net.sent(addr(0), "INVITE").len() - 40;
    assert!(retrans > 0, "loss must have caused INVITE retransmissions");
    assert!(
        answered >= 38,
        "only {answered} of 40 calls were answered under 30% loss"
    );
    assert!(net.nodes.iter().all(|n| n.ep.stats().1 == 0), "calls leaked");
}

#[test]
fn cancel_crossing_200_ends_with_ack_and_bye() {
    let mut net = Net::new(2, 4);
    let a = call(&mut net, 1);
    net.run_for(Duration::from_millis(50));
    let b = net.incoming(1);
    net.command(1, Command::Ring(b));
    net.run_for(Duration::from_millis(50));
    // Both act at the same instant: the CANCEL and the 200 cross on the wire.
    net.command(0, Command::End(a));
    net.command(1, Command::Accept(b, MediaMode::None));
    net.run_for(Duration::from_secs(1));
    let ea = net.take_events(0);
    assert!(
        has(
            &ea,
            |e| matches!(e, SessionEvent::Ended(i, EndReason::Cancelled) if *i == a)
        ),
        "{ea:?}"
    );
    let eb = net.take_events(1);
    assert!(
        has(&eb, |e| matches!(e, SessionEvent::Ended(_, EndReason::RemoteBye))),
        "{eb:?}"
    );
    assert_eq!(net.sent(addr(0), "CANCEL").len(), 1);
    assert_eq!(net.sent(addr(0), "ACK").len(), 1, "the 200 is ACKed");
    assert_eq!(net.sent(addr(0), "BYE").len(), 1, "then hung up");
    assert!(net.sent(addr(1), "SIP/2.0 487").is_empty(), "no 487 once answered");
    net.run_for(Duration::from_secs(40));
    assert!(
        net.nodes.iter().all(|n| n.ep.stats().1 == 0 && n.ep.stats().2 == 0),
        "calls or transactions leaked"
    );
}

#[test]
fn reinvite_hold_and_resume() {
    let (mut net, a, b) = connected(5);
    net.command(0, Command::Hold(a));
    net.run_for(Duration::from_millis(100));
    held_by_caller(&mut net, a, b);
    let answer = &net.sent(addr(1), "SIP/2.0 200").last().unwrap().text;
    assert!(answer.contains("a=recvonly"), "held answer must be recvonly:\n{answer}");
    net.command(0, Command::Resume(a));
    net.run_for(Duration::from_millis(100));
    assert!(has(&net.take_events(0), |e| matches!(e, SessionEvent::Resumed(_))));
    assert!(has(&net.take_events(1), |e| matches!(e, SessionEvent::PeerResumed(_))));
    let answer = &net.sent(addr(1), "SIP/2.0 200").last().unwrap().text;
    assert!(answer.contains("a=sendrecv"));
    let reinvites = net.sent(addr(0), "INVITE");
    assert!(reinvites[1].text.contains("CSeq: 2 INVITE") && reinvites[2].text.contains("CSeq: 3 INVITE"));
}

#[test]
fn uas_retransmits_2xx_until_ack_then_gives_up_with_bye() {
    let mut net = Net::new(2, 6);
    net.drop_if = Some(Box::new(|s| s.first_line().starts_with("ACK")));
    let _a = call(&mut net, 1);
    net.run_for(Duration::from_millis(50));
    let b = net.incoming(1);
    net.command(1, Command::Accept(b, MediaMode::None));
    net.run_until(Duration::from_secs(40));
    let oks: Vec<u128> = net
        .sent(addr(1), "SIP/2.0 200")
        .iter()
        .filter(|s| s.text.contains("CSeq: 1 INVITE"))
        .map(|s| (s.at - net.start).as_millis() - 50)
        .collect();
    // T1 doubling, capped at T2 = 4 s, until 64*T1.
    assert_eq!(&oks[..6], &[0, 500, 1500, 3500, 7500, 11500]);
    assert!(has(
        &net.take_events(1),
        |e| matches!(e, SessionEvent::Ended(i, EndReason::AckTimeout) if *i == b)
    ));
    assert_eq!(net.sent(addr(1), "BYE").len(), 1);
}

/// UA 0 reports call `a` held and UA 1 its call `b` held by the peer.
fn held_by_caller(net: &mut Net, a: CallId, b: CallId) {
    let (ea, eb) = (net.take_events(0), net.take_events(1));
    assert!(has(&ea, |e| matches!(e, SessionEvent::Held(i) if *i == a)), "{ea:?}");
    assert!(
        has(&eb, |e| matches!(e, SessionEvent::PeerHeld(i) if *i == b)),
        "{eb:?}"
    );
}

/// A connected call between UA 0 (caller) and UA 1, events cleared.
fn connected(seed: u64) -> (Net, CallId, CallId) {
    let mut net = Net::new(2, seed);
    let a = call(&mut net, 1);
    net.run_for(Duration::from_millis(50));
    let b = net.incoming(1);
    net.command(1, Command::Accept(b, MediaMode::None));
    net.run_for(Duration::from_millis(100));
    net.take_events(0);
    net.take_events(1);
    (net, a, b)
}

#[test]
fn a_resume_asked_for_during_a_hold_follows_it() {
    let (mut net, a, b) = connected(9);
    net.command(0, Command::Hold(a));
    net.command(0, Command::Resume(a));
    net.run_for(Duration::from_millis(200));
    let ea = net.take_events(0);
    let held = ea.iter().position(|e| matches!(e, SessionEvent::Held(i) if *i == a));
    let resumed = ea.iter().position(|e| matches!(e, SessionEvent::Resumed(i) if *i == a));
    assert!(held.is_some() && held < resumed, "hold, then resume: {ea:?}");
    let eb = net.take_events(1);
    assert!(has(&eb, |e| matches!(e, SessionEvent::PeerResumed(i) if *i == b)));
    let invites = net.sent(addr(0), "INVITE");
    assert_eq!(invites.len(), 3, "one re-INVITE at a time, none lost");
}
