//! Transfer (RFC 3515 REFER, RFC 3891 Replaces, RFC 4488 Refer-Sub)
//! through the gateway in simulated time: caller (node 0) -> gateway
//! (node 1) -> callee (node 2), and a transfer target (node 3, user
//! `carol`, routed by its own route). Blind from either leg, a referrer
//! that leaves right after the 202, a target that refuses, attended with
//! Replaces, and refusals (route forbids, no route, malformed headers).

mod sim;

use rvoip::media::MediaCommand;
use rvoip::test_exports::gateway::{GatewayConfig, Route, RouteAction};
use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::session::{Command, EndReason, MediaMode, SessionEvent, UaConfig};
use rvoip::test_exports::status::StatusCode;
use sim::raw::{self, header};
use sim::{CALLEE, CALLER, GW, Net, addr, forward_to, ua_config, wait_for};
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);
const TARGET: usize = 3;

/// Routes: `carol` to node 3, `dave` refused, everyone else to node 2;
/// transfers allowed unless `transfer` is false.
fn routes(transfer: bool) -> GatewayConfig {
    let mut cfg = forward_to(addr(2), &[]);
    let carol = user_to(&cfg, "carol", 3);
    let dave = Route {
        user_prefix: "dave".into(),
        action: RouteAction::Reject(StatusCode::FORBIDDEN),
        ..cfg.routes[0].clone()
    };
    cfg.routes[0].transfer = transfer;
    cfg.routes.insert(0, dave);
    cfg.routes.insert(0, carol);
    cfg
}

/// A route like `cfg`'s first for users starting `prefix`, to node `n`.
fn user_to(cfg: &GatewayConfig, prefix: &str, n: u16) -> Route {
    let mut r = cfg.routes[0].clone();
    r.user_prefix = prefix.into();
    if let RouteAction::Forward { uri, .. } = &mut r.action {
        *uri = format!("sip:{}", addr(n));
    }
    r
}

/// Caller -> gateway -> callee, answered: (net, caller's id, callee's id).
fn answered(seed: u64, transfer: bool) -> (Net, CallId, CallId) {
    answered_with(seed, transfer, 1)
}

/// [`answered`], the gateway's media on `workers` workers.
fn answered_with(seed: u64, transfer: bool, workers: usize) -> (Net, CallId, CallId) {
    let mut net = Net::bridge(seed, routes(transfer));
    let cfg = UaConfig {
        media_workers: workers,
        ..ua_config(addr(1), seed + 1)
    };
    net.replace(GW, cfg, Some(routes(transfer)));
    net.add(ua_config(addr(3), seed + 3), None);
    let a = CallId(1 << 40 | 1);
    let b = net.call_through_gateway(a);
    (net, a, b)
}

/// The sipfrag status lines of the NOTIFYs the gateway sent to `to`.
fn notified(net: &Net, to: usize) -> Vec<String> {
    net.sent(addr(GW as u16), "NOTIFY")
        .into_iter()
        .filter(|s| s.to == addr(to as u16))
        .map(|s| {
            let state = header(&s.text, "Subscription-State")
                .split(';')
                .next()
                .unwrap_or("")
                .to_owned();
            let frag = s.text.split("\r\n\r\n").nth(1).unwrap_or("").trim().to_owned();
            format!("{frag} ({state})")
        })
        .collect()
}

/// The RTP port an SDP in `message` names.
fn audio_port(message: &str) -> u16 {
    let m = message.split("m=audio ").nth(1).expect("an SDP");
    m.split(' ').next().and_then(|p| p.parse().ok()).expect("a port")
}

/// The gateway idle once its timers have run out, its media commands
/// consistent and every media call removed.
fn all_gone(net: &mut Net) {
    net.run_for(Duration::from_secs(40));
    assert!(net.media_errors.is_empty(), "{:?}", net.media_errors);
    assert!(net.nodes[GW].media.is_empty(), "{:?}", net.nodes[GW].media);
    assert_eq!(net.load(GW), (0, 0));
}

/// The last media call the gateway started: (its id, leg A, leg B).
fn last_bridge(net: &Net) -> (u64, rvoip::media::LegConfig, rvoip::media::LegConfig) {
    net.media_commands(GW)
        .filter_map(|c| match c {
            MediaCommand::AddCall { call, a, b } => Some((*call, *a, b.expect("two legs"))),
            _ => None,
        })
        .fold(None, |_, x| Some(x))
        .expect("a bridge")
}

#[test]
fn the_callee_transfers_the_caller_blind() {
    // Two media workers: the new leg's port is on the caller's.
    let (mut net, a, b) = answered_with(91, true, 2);
    let (first, ..) = last_bridge(&net);
    net.command(CALLEE, Command::Refer(b, format!("sip:carol@{}", addr(1))));
    let c = net.wait_incoming(TARGET, SECOND);
    net.command(TARGET, Command::Ring(c));
    net.run_for(Duration::from_millis(50));
    net.command(TARGET, Command::Accept(c, MediaMode::None));
    wait_for!(net, CALLEE, SECOND, SessionEvent::Transfer(i, s) if *i == b && *s == StatusCode::OK);
    wait_for!(net, CALLEE, SECOND, SessionEvent::Ended(i, EndReason::Transferred) if *i == b);
    wait_for!(net, TARGET, SECOND, SessionEvent::Answered(i) if *i == c);
    let refer_ok = net.sent(addr(GW as u16), "SIP/2.0 202");
    assert_eq!(refer_ok.len(), 1, "the REFER taken on");
    assert_eq!(
        notified(&net, CALLEE),
        [
            "SIP/2.0 100 Trying (active)",
            "SIP/2.0 180 Ringing (active)",
            "SIP/2.0 200 OK (terminated)"
        ]
    );
    // The caller's media now go to the target, on the same media call.
    let (call, leg_a, leg_b) = last_bridge(&net);
    assert_eq!(call, first, "the media call keeps its id (and worker)");
    let target_sdp = net.sent(addr(3), "SIP/2.0 200")[0].text.clone();
    let port = audio_port(&target_sdp);
    assert_eq!(leg_b.remote.map(|r| r.port()), Some(port), "leg B is the target's");
    assert_ne!(leg_a.port, leg_b.port);
    let to_target = net
        .sent(addr(1), "INVITE")
        .into_iter()
        .filter(|s| s.to == addr(3))
        .count();
    assert_eq!(to_target, 1, "no re-INVITE: the target's leg is on the right worker");
    // The caller stays and hangs up later: the target hears it.
    net.run_for(Duration::from_secs(2));
    assert!(
        !net.events
            .iter()
            .any(|(i, e)| *i == CALLER && matches!(e, SessionEvent::Ended(..)))
    );
    net.command(CALLER, Command::End(a));
    wait_for!(net, TARGET, SECOND, SessionEvent::Ended(i, EndReason::RemoteBye) if *i == c);
    let record = wait_for!(net, GW, SECOND, SessionEvent::Record(_));
    let SessionEvent::Record(r) = record else {
        unreachable!()
    };
    assert_eq!(r.legs.len(), 3, "caller, callee and target in one record: {r:?}");
    all_gone(&mut net);
}

#[test]
fn the_caller_transfers_the_callee_and_leaves_early() {
    let (mut net, a, b) = answered(92, true);
    let (first, ..) = last_bridge(&net);
    net.command(CALLER, Command::Refer(a, format!("sip:carol@{}", addr(1))));
    let c = net.wait_incoming(TARGET, SECOND);
    // The referrer hangs up as soon as the transfer is taken on.
    wait_for!(net, CALLER, SECOND, SessionEvent::Transfer(i, s) if *i == a && s.code() == 100);
    net.command(CALLER, Command::End(a));
    wait_for!(net, CALLER, SECOND, SessionEvent::Ended(i, EndReason::LocalBye) if *i == a);
    net.run_for(Duration::from_millis(200));
    assert!(
        !net.events
            .iter()
            .any(|(i, e)| *i == CALLEE && matches!(e, SessionEvent::Ended(..))),
        "the callee waits for the target"
    );
    net.command(TARGET, Command::Accept(c, MediaMode::None));
    wait_for!(net, TARGET, SECOND, SessionEvent::Answered(i) if *i == c);
    let (call, leg_a, _) = last_bridge(&net);
    assert_eq!(call, first, "the media call keeps its first id");
    let target_sdp = net.sent(addr(3), "SIP/2.0 200")[0].text.clone();
    assert!(
        target_sdp.contains(&format!("m=audio {} ", leg_a.remote.unwrap().port())),
        "leg A is now the target's"
    );
    // The target hangs up: the callee hears it.
    net.command(TARGET, Command::End(c));
    wait_for!(net, CALLEE, SECOND, SessionEvent::Ended(i, EndReason::RemoteBye) if *i == b);
    all_gone(&mut net);
    assert_eq!(net.gateway_stats(GW).active, 0, "no call left counted");
}

#[test]
fn a_refused_target_leaves_the_call_as_it_was() {
    let (mut net, a, b) = answered(93, true);
    net.command(CALLEE, Command::Refer(b, format!("sip:carol@{}", addr(1))));
    let c = net.wait_incoming(TARGET, SECOND);
    net.command(TARGET, Command::Reject(c, StatusCode::BUSY_HERE));
    wait_for!(net, CALLEE, SECOND, SessionEvent::Transfer(i, s) if *i == b && *s == StatusCode::BUSY_HERE);
    assert_eq!(
        notified(&net, CALLEE).last().unwrap(),
        "SIP/2.0 486 Busy Here (terminated)"
    );
    net.run_for(Duration::from_secs(1));
    assert!(
        !net.events
            .iter()
            .any(|(i, e)| *i != TARGET && matches!(e, SessionEvent::Ended(..)))
    );
    // Still bridged: the caller's hangup reaches the callee.
    net.command(CALLER, Command::End(a));
    wait_for!(net, CALLEE, SECOND, SessionEvent::Ended(i, EndReason::RemoteBye) if *i == b);
}

#[test]
fn refusals_name_their_reason() {
    // The route forbids transfer.
    let (mut net, _, b) = answered(94, false);
    net.command(CALLEE, Command::Refer(b, format!("sip:carol@{}", addr(1))));
    wait_for!(net, CALLEE, SECOND, SessionEvent::Transfer(i, s) if *i == b && *s == StatusCode::FORBIDDEN);
    // A target no route allows.
    let (mut net, _, b) = answered(95, true);
    net.command(CALLEE, Command::Refer(b, format!("sip:dave@{}", addr(1))));
    wait_for!(net, CALLEE, SECOND, SessionEvent::Transfer(i, s) if *i == b && *s == StatusCode::FORBIDDEN);
    // Malformed headers from a hand-written caller: 400 naming each.
    let mut net = Net::bridge(96, routes(true));
    net.send(
        addr(5),
        addr(GW as u16),
        raw::invite(
            addr(5),
            addr(GW as u16),
            "bob",
            "x1",
            "x1",
            &raw::sdp(4000, 0, "PCMU/8000"),
        ),
    );
    let b = net.wait_incoming(CALLEE, SECOND);
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    net.run_for(Duration::from_millis(50));
    let to = header(&net.sent(addr(GW as u16), "SIP/2.0 200")[0].text, "To").to_owned();
    net.send(
        addr(5),
        addr(GW as u16),
        raw::in_dialog("ACK", addr(5), addr(GW as u16), "x1", &to, 1, "ack1"),
    );
    wait_for!(net, CALLEE, SECOND, SessionEvent::Answered(_));
    let refer = |cseq: u32, headers: &str| {
        let text = String::from_utf8(raw::in_dialog(
            "REFER",
            addr(5),
            addr(GW as u16),
            "x1",
            &to,
            cseq,
            &format!("r{cseq}"),
        ))
        .unwrap();
        text.replacen("Content-Length: 0\r\n", &format!("{headers}Content-Length: 0\r\n"), 1)
            .into_bytes()
    };
    let cases = [
        ("Refer-To: <http://carol>\r\n", "400 Bad Refer-To"),
        ("", "400 Bad Refer-To"),
        (
            "Refer-To: <sip:carol@h?Replaces=abc%3Bto-tag%3D1>\r\n",
            "400 Bad Replaces",
        ),
        ("Refer-To: <sip:carol@h>\r\nRefer-Sub: perhaps\r\n", "400 Bad Refer-Sub"),
        (
            "Refer-To: <sip:carol@h?Replaces=nosuch%3Bto-tag%3D1%3Bfrom-tag%3D2>\r\n",
            "403 Replaces names no dialog here",
        ),
    ];
    for (n, (headers, want)) in cases.iter().enumerate() {
        net.send(addr(5), addr(GW as u16), refer(2 + n as u32, headers));
        net.run_for(Duration::from_millis(50));
        let replies = net.sent(addr(GW as u16), "SIP/2.0");
        let got = replies
            .iter()
            .rev()
            .find(|s| header(&s.text, "CSeq").ends_with("REFER"))
            .unwrap();
        assert!(
            got.first_line().starts_with(&format!("SIP/2.0 {want}")),
            "{headers:?}: {}",
            got.first_line()
        );
    }
    // The call goes on: its BYE is answered and relayed.
    net.send(
        addr(5),
        addr(GW as u16),
        raw::in_dialog("BYE", addr(5), addr(GW as u16), "x1", &to, 20, "bye"),
    );
    wait_for!(net, CALLEE, SECOND, SessionEvent::Ended(i, EndReason::RemoteBye) if *i == b);
}

#[test]
fn attended_transfer_with_replaces_joins_the_two_others() {
    attended(97, 1, false);
}

/// Carol hangs up first: both calls' records still complete (her leg
/// moved into the caller's record, whose media call she ended).
#[test]
fn attended_transfer_ended_by_the_target_completes_both_records() {
    let net = attended(99, 2, true);
    let records = net
        .events
        .iter()
        .filter(|(i, e)| *i == GW && matches!(e, SessionEvent::Record(_)))
        .count();
    assert_eq!(records, 2, "one record per call");
}

/// The two calls' media on different workers (ids 1 and 2 of two): the
/// target's leg moves to the caller's worker, by re-INVITE.
#[test]
fn attended_transfer_across_media_workers_moves_the_targets_media() {
    let net = attended(98, 2, false);
    let reinvites: Vec<_> = net
        .sent(addr(1), "INVITE")
        .into_iter()
        .filter(|s| s.to == addr(3))
        .collect();
    assert_eq!(reinvites.len(), 2, "the INVITE and one re-INVITE to the target");
    let (first, moved) = (audio_port(&reinvites[0].text), audio_port(&reinvites[1].text));
    assert_ne!(first, moved);
    let (call, leg_a, leg_b) = last_bridge(&net);
    assert_eq!(call % 2, 1, "on the caller's worker");
    assert_eq!(leg_b.port, moved);
    // Both ports of the worker's shard (ports are dealt round-robin).
    assert_eq!((leg_a.port - 20000) / 2 % 2, (moved - 20000) / 2 % 2);
}

/// Attended transfer on a gateway with `workers` media workers; the
/// caller hangs up at the end, or carol (`carol_ends`).
fn attended(seed: u64, workers: usize, carol_ends: bool) -> Net {
    let (mut net, a, b) = answered_with(seed, true, workers);
    net.command(CALLEE, Command::Hold(b));
    wait_for!(net, CALLER, SECOND, SessionEvent::PeerHeld(i) if *i == a);
    // The callee consults carol through the gateway.
    let b2 = CallId(1 << 40 | 2);
    net.command(
        CALLEE,
        Command::Call(b2, format!("sip:carol@{}", addr(1)), TransportKind::Udp),
    );
    let c = net.wait_incoming(TARGET, SECOND);
    net.command(TARGET, Command::Accept(c, MediaMode::None));
    wait_for!(net, CALLEE, SECOND, SessionEvent::Answered(i) if *i == b2);
    // Its dialog with the gateway, as Replaces names it.
    // (the last INVITE the callee sent: the first was its hold re-INVITE)
    let invite = net
        .sent(addr(2), "INVITE")
        .into_iter()
        .filter(|s| s.to == addr(1))
        .fold(None, |_, s| Some(s))
        .unwrap()
        .text
        .clone();
    let ok = net
        .sent(addr(1), "SIP/2.0 200")
        .into_iter()
        .find(|s| {
            s.to == addr(2)
                && header(&s.text, "CSeq").ends_with("INVITE")
                && header(&s.text, "Call-ID") == header(&invite, "Call-ID")
        })
        .unwrap()
        .text
        .clone();
    let tag = |v: &str| v.split("tag=").nth(1).unwrap().split(';').next().unwrap().to_owned();
    let replaces = format!(
        "{}%3Bto-tag%3D{}%3Bfrom-tag%3D{}",
        header(&invite, "Call-ID"),
        tag(header(&ok, "To")),
        tag(header(&invite, "From"))
    );
    net.command(
        CALLEE,
        Command::Refer(b, format!("<sip:carol@{}?Replaces={replaces}>", addr(1))),
    );
    wait_for!(net, CALLEE, SECOND, SessionEvent::Transfer(i, s) if *i == b && *s == StatusCode::OK);
    wait_for!(net, CALLEE, SECOND, SessionEvent::Ended(i, _) if *i == b2);
    // The caller is resumed and now talks to carol's leg.
    wait_for!(net, CALLER, SECOND, SessionEvent::PeerResumed(i) if *i == a);
    let (_, leg_a, leg_b) = last_bridge(&net);
    let carol_port = audio_port(&net.sent(addr(3), "SIP/2.0 200")[0].text);
    let caller_port = audio_port(&net.sent(addr(0), "INVITE")[0].text);
    let remotes = [leg_a.remote.unwrap().port(), leg_b.remote.unwrap().port()];
    assert!(
        remotes.contains(&carol_port) && remotes.contains(&caller_port),
        "{remotes:?}"
    );
    if carol_ends {
        net.command(TARGET, Command::End(c));
        wait_for!(net, CALLER, SECOND, SessionEvent::Ended(i, EndReason::RemoteBye) if *i == a);
    } else {
        net.command(CALLER, Command::End(a));
        wait_for!(net, TARGET, SECOND, SessionEvent::Ended(i, EndReason::RemoteBye) if *i == c);
    }
    all_gone(&mut net);
    net
}

/// The caller transfers the callee to carol, then the callee transfers
/// carol to erin: the media call keeps its first id throughout, and a
/// media timeout on it still reaches the live call (both ends hung up).
#[test]
fn a_chained_transfer_keeps_the_media_call_reachable() {
    let mut net = Net::bridge(100, routes(true));
    let mut cfg = routes(true);
    let erin = user_to(&cfg, "erin", 4);
    cfg.routes.insert(0, erin);
    let gw = UaConfig {
        media_workers: 2,
        ..ua_config(addr(1), 101)
    };
    net.replace(GW, gw, Some(cfg));
    net.add(ua_config(addr(3), 103), None);
    net.add(ua_config(addr(4), 104), None);
    let a = CallId(1 << 40 | 1);
    net.command(
        CALLER,
        Command::Call(a, format!("sip:bob@{}", addr(1)), TransportKind::Udp),
    );
    let b = net.wait_incoming(CALLEE, SECOND);
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    wait_for!(net, CALLEE, SECOND, SessionEvent::Answered(i) if *i == b);
    let (first, ..) = last_bridge(&net);
    net.command(CALLER, Command::Refer(a, format!("sip:carol@{}", addr(1))));
    let c = net.wait_incoming(TARGET, SECOND);
    net.command(TARGET, Command::Accept(c, MediaMode::None));
    wait_for!(net, CALLER, SECOND, SessionEvent::Ended(i, EndReason::Transferred) if *i == a);
    net.command(CALLEE, Command::Refer(b, format!("sip:erin@{}", addr(1))));
    let e = net.wait_incoming(4, SECOND);
    net.command(4, Command::Accept(e, MediaMode::None));
    wait_for!(net, CALLEE, SECOND, SessionEvent::Ended(i, EndReason::Transferred) if *i == b);
    net.run_for(Duration::from_millis(200));
    assert_eq!(last_bridge(&net).0, first, "still the first media call");
    net.media_event(GW, rvoip::media::MediaEvent::Timeout { call: first });
    wait_for!(net, TARGET, SECOND, SessionEvent::Ended(i, _) if *i == c);
    wait_for!(net, 4, SECOND, SessionEvent::Ended(i, _) if *i == e);
    all_gone(&mut net);
}
