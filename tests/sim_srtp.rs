//! SRTP negotiation through the gateway (issue #16), in simulated time:
//! each leg agrees its own SDES keys (the caller's SRTP leg and the
//! callee's leg keyed apart, never the caller's key passed on), the media
//! plane is told each leg's keys per direction, a mixed call (SRTP caller,
//! plain callee) keeps its plain leg plain; a mandatory listener refuses a
//! plain offer, a bad `a=crypto` is refused naming why with nothing sent
//! on, and an answer that drops the SRTP our offer required ends the call.
//! End to end (session-API caller, gateway, callee), what each side sends
//! under is what the other receives under, and hold and resume from
//! either side keep the keys.

mod sim;

use rvoip::media::Side;
use rvoip::media::srtp::Crypto;
use rvoip::media::{LegSrtp, MediaCommand};
use rvoip::test_exports::gateway::{GatewayConfig, RouteAction};
use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::sdp::SrtpPolicy;
use rvoip::test_exports::session::{Command, ListenerSrtp, MediaMode, Outbound, SessionEvent};
use sim::raw::{self, header};
use sim::{CALLEE, CALLER, GW, Net, addr, forward_to, ua_config, wait_for};
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);
const KEY: &str = "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";

fn offer(proto: &str, crypto: &str) -> String {
    let line = if crypto.is_empty() {
        String::new()
    } else {
        format!("a=crypto:{crypto}\r\n")
    };
    format!(
        "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio 6000 {proto} 0\r\na=rtpmap:0 PCMU/8000\r\n{line}"
    )
}

/// The `a=crypto` lines of a message's SDP.
fn crypto(msg: &str) -> Vec<Crypto> {
    msg.lines()
        .filter_map(|l| l.strip_prefix("a=crypto:"))
        .map(|v| Crypto::parse(v.trim()).unwrap())
        .collect()
}

/// A gateway whose listeners take SRTP offered over UDP, routing to the
/// callee with SRTP `route` on that leg.
fn net(seed: u64, route: SrtpPolicy, listener: SrtpPolicy) -> Net {
    let mut gw: GatewayConfig = forward_to(addr(2), &[]);
    if let RouteAction::Forward {
        srtp, sdes_in_clear, ..
    } = &mut gw.routes[0].action
    {
        (*srtp, *sdes_in_clear) = (route, true);
    }
    let mut net = Net::bridge(seed, gw.clone());
    let mut cfg = ua_config(addr(1), seed + 1);
    cfg.srtp = ListenerSrtp {
        plain: listener,
        tls: listener,
        sdes_in_clear: true,
    };
    net.replace(GW, cfg, Some(gw));
    for (node, n) in [(CALLER, 0), (CALLEE, 2)] {
        let mut ua = ua_config(addr(n), seed + u64::from(n));
        ua.srtp.sdes_in_clear = true;
        net.replace(node, ua, None);
    }
    net
}

/// The gateway's media call: leg A's and leg B's SRTP.
fn media_keys(net: &Net) -> (Option<LegSrtp>, Option<LegSrtp>) {
    net.media_commands(GW)
        .find_map(|c| match c {
            MediaCommand::AddCall { a, b: Some(b), .. } => Some((a.srtp, b.srtp)),
            _ => None,
        })
        .expect("the bridge's media call")
}

#[test]
fn each_leg_of_an_srtp_bridge_has_its_own_keys() {
    let mut net = net(120, SrtpPolicy::Mandatory, SrtpPolicy::Optional);
    let (peer, gw) = (addr(5), addr(1));
    net.send(
        peer,
        gw,
        raw::invite(peer, gw, "bob", "s-1", "s1", &offer("RTP/SAVP", KEY)),
    );
    let b = net.wait_incoming(CALLEE, SECOND);
    let to_callee = net.wait_received(addr(2), "INVITE", 1, SECOND);
    assert!(
        to_callee.contains("m=audio") && to_callee.contains(" RTP/SAVP "),
        "{to_callee}"
    );
    let offered_b = crypto(&to_callee);
    let caller_key = Crypto::parse(KEY).unwrap().key;
    assert!(
        !offered_b.is_empty() && offered_b.iter().all(|c| c.key != caller_key),
        "fresh keys on leg B"
    );
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    let ok = net.wait_received(peer, "SIP/2.0 200", 1, SECOND);
    let [answered_a] = &crypto(&ok)[..] else {
        panic!("one a=crypto in the answer:\n{ok}")
    };
    assert!(ok.contains(" RTP/SAVP ") && answered_a.tag == 1, "{ok}");
    assert_ne!(answered_a.key, caller_key, "our own key, not the caller's echoed");
    let callee_ok = net.wait_received(addr(1), "SIP/2.0 200", 1, SECOND);
    let [answered_b] = &crypto(&callee_ok)[..] else {
        panic!("{callee_ok}")
    };
    let (a, b) = media_keys(&net);
    let (a, b) = (a.expect("leg A is SRTP"), b.expect("leg B is SRTP"));
    assert_eq!((a.rx, a.tx), (caller_key, answered_a.key));
    let ours_b = offered_b.iter().find(|c| c.tag == answered_b.tag).unwrap();
    assert_eq!((b.rx, b.tx), (answered_b.key, ours_b.key));
    assert_ne!(a.tx, b.tx, "the legs are keyed apart");
}

#[test]
fn an_srtp_caller_bridged_to_a_plain_leg_keeps_that_leg_plain() {
    let mut net = net(121, SrtpPolicy::Off, SrtpPolicy::Optional);
    let (peer, gw) = (addr(5), addr(1));
    net.send(
        peer,
        gw,
        raw::invite(peer, gw, "bob", "s-2", "s2", &offer("RTP/SAVP", KEY)),
    );
    let b = net.wait_incoming(CALLEE, SECOND);
    let to_callee = net.wait_received(addr(2), "INVITE", 1, SECOND);
    assert!(
        to_callee.contains(" RTP/AVP ") && crypto(&to_callee).is_empty(),
        "{to_callee}"
    );
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    let ok = net.wait_received(peer, "SIP/2.0 200", 1, SECOND);
    assert!(ok.contains(" RTP/SAVP ") && crypto(&ok).len() == 1, "{ok}");
    let (a, b) = media_keys(&net);
    assert!(a.is_some() && b.is_none(), "SRTP on A only: {a:?} {b:?}");
}

#[test]
fn a_mandatory_listener_refuses_a_plain_offer_and_a_bad_key_is_named() {
    let mut net = net(122, SrtpPolicy::Off, SrtpPolicy::Mandatory);
    let (peer, gw) = (addr(5), addr(1));
    let cases = [
        (offer("RTP/AVP", ""), "SRTP required"),
        (
            offer("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:AAAA"),
            "3 bytes, not 30",
        ),
        (offer("RTP/SAVP", "1 NULL_HMAC_SHA1_80 inline:AAAA"), "unknown suite"),
    ];
    for (i, (body, why)) in cases.iter().enumerate() {
        let call = format!("s-bad-{i}");
        net.send(peer, gw, raw::invite(peer, gw, "bob", &call, &call, body));
        let refused = net.wait_received(peer, "SIP/2.0 488", i + 1, SECOND);
        assert!(refused.lines().next().unwrap().contains(why), "{why}:\n{refused}");
        assert_eq!(header(&refused, "Call-ID"), call);
    }
    net.run_for(SECOND);
    assert!(net.received(addr(2), "INVITE").is_empty(), "nothing reached the callee");
}

#[test]
fn an_answer_dropping_the_srtp_we_required_ends_the_call() {
    // The route requires SRTP; a hand-written callee answers plain RTP/AVP.
    let mut gw: GatewayConfig = forward_to(addr(7), &[]);
    if let RouteAction::Forward {
        srtp, sdes_in_clear, ..
    } = &mut gw.routes[0].action
    {
        (*srtp, *sdes_in_clear) = (SrtpPolicy::Mandatory, true);
    }
    let mut net = Net::bridge(123, gw);
    let (peer, gw, callee) = (addr(5), addr(1), addr(7));
    net.send(
        peer,
        gw,
        raw::invite(peer, gw, "bob", "s-4", "s4", &offer("RTP/AVP", "")),
    );
    let invite = net.wait_received(callee, "INVITE", 1, SECOND);
    assert!(invite.contains(" RTP/SAVP "), "{invite}");
    net.send(
        callee,
        gw,
        raw::reply(
            &invite,
            "200 OK",
            "c4",
            "Contact: <sip:c@127.0.0.1:5067>\r\n",
            &raw::sdp(7000, 0, "PCMU/8000"),
        ),
    );
    let bye = net.wait_received(callee, "BYE", 1, SECOND);
    assert_eq!(header(&bye, "Call-ID"), header(&invite, "Call-ID"));
    let failed = net.wait_received(peer, "SIP/2.0 488", 1, SECOND);
    assert_eq!(header(&failed, "Call-ID"), "s-4");
    assert!(
        !net.media_commands(GW)
            .any(|c| matches!(c, MediaCommand::AddCall { .. })),
        "no media ever started"
    );
}

#[test]
fn keys_agree_end_to_end_and_survive_hold_and_resume() {
    let mut net = net(124, SrtpPolicy::Mandatory, SrtpPolicy::Optional);
    // A session-API caller that requires SRTP and echoes what it hears.
    let a = CallId(1 << 40 | 1);
    let mut out = Outbound::to(format!("sip:bob@{}", addr(1)), TransportKind::Udp);
    (out.srtp, out.sdes_in_clear, out.media) = (SrtpPolicy::Mandatory, true, MediaMode::Echo);
    net.command(CALLER, Command::Place(a, Box::new(out)));
    let b = net.wait_incoming(CALLEE, SECOND);
    net.command(CALLEE, Command::Accept(b, MediaMode::Echo));
    wait_for!(net, CALLER, SECOND, SessionEvent::Answered(i) if *i == a);
    let first = |node| {
        net.media_commands(node)
            .find_map(|c| match c {
                MediaCommand::AddCall { a, .. } => Some(a.srtp.expect("SRTP")),
                _ => None,
            })
            .unwrap()
    };
    let (caller, callee) = (first(CALLER), first(CALLEE));
    let (gw_a, gw_b) = media_keys(&net);
    let (gw_a, gw_b) = (gw_a.unwrap(), gw_b.unwrap());
    // What one side sends under, the other receives under.
    assert_eq!((caller.tx, caller.rx), (gw_a.rx, gw_a.tx));
    assert_eq!((callee.tx, callee.rx), (gw_b.rx, gw_b.tx));
    for (node, id) in [(CALLER, a), (CALLEE, b)] {
        net.command(node, Command::Hold(id));
        wait_for!(net, node, SECOND, SessionEvent::Held(i) if *i == id);
        net.command(node, Command::Resume(id));
        wait_for!(net, node, SECOND, SessionEvent::Resumed(i) if *i == id);
    }
    let updates: Vec<_> = net
        .media_commands(GW)
        .filter_map(|c| match c {
            MediaCommand::UpdateLeg { side, leg, .. } => Some((*side, leg.srtp)),
            _ => None,
        })
        .collect();
    assert!(updates.len() >= 4, "hold and resume on each leg: {updates:?}");
    for (side, srtp) in updates {
        let want = if side == Side::A { gw_a } else { gw_b };
        assert_eq!(srtp, Some(want), "re-INVITEs keep the keys ({side:?})");
    }
}

#[test]
fn a_late_offers_answer_without_our_keys_is_hung_up() {
    // A caller's INVITE without SDP: the gateway's leg (listener
    // mandatory) offers RTP/SAVP in its 200; the ACK answers plain RTP.
    let mut net = net(125, SrtpPolicy::Off, SrtpPolicy::Mandatory);
    let (peer, gw) = (addr(5), addr(1));
    net.send(peer, gw, raw::invite(peer, gw, "bob", "s-6", "s6", ""));
    let b = net.wait_incoming(CALLEE, SECOND);
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    let ok = net.wait_received(peer, "SIP/2.0 200", 1, SECOND);
    assert!(ok.contains(" RTP/SAVP ") && !crypto(&ok).is_empty(), "our offer: {ok}");
    let body = offer("RTP/AVP", "");
    let ack = String::from_utf8(raw::in_dialog("ACK", peer, gw, "s-6", header(&ok, "To"), 1, "s6a")).unwrap();
    let ack = ack.replace(
        "Content-Length: 0\r\n\r\n",
        &format!(
            "Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    net.send(peer, gw, ack.into_bytes());
    let bye = net.wait_received(peer, "BYE", 1, SECOND);
    assert_eq!(header(&bye, "Call-ID"), "s-6");
    net.wait_received(addr(2), "BYE", 1, SECOND);
    assert!(
        net.media_commands(GW)
            .all(|c| !matches!(c, MediaCommand::AddCall { a, .. } if a.srtp.is_none())),
        "the caller's leg never ran plain"
    );
}

#[test]
fn once_agreed_srtp_cannot_be_re_offered_away() {
    // An optional listener took the caller's SRTP; a re-INVITE offering
    // plain RTP is refused (488) and the leg keeps its keys.
    let mut net = net(126, SrtpPolicy::Off, SrtpPolicy::Optional);
    let (peer, gw) = (addr(5), addr(1));
    net.send(
        peer,
        gw,
        raw::invite(peer, gw, "bob", "s-7", "s7", &offer("RTP/SAVP", KEY)),
    );
    let b = net.wait_incoming(CALLEE, SECOND);
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    let ok = net.wait_received(peer, "SIP/2.0 200", 1, SECOND);
    net.send(
        peer,
        gw,
        raw::in_dialog("ACK", peer, gw, "s-7", header(&ok, "To"), 1, "s7a"),
    );
    let body = offer("RTP/AVP", "").replace("o=peer 1 1", "o=peer 1 2");
    let reinvite = String::from_utf8(raw::in_dialog("INVITE", peer, gw, "s-7", header(&ok, "To"), 2, "s7b")).unwrap();
    let reinvite = reinvite.replace(
        "Content-Length: 0\r\n\r\n",
        &format!(
            "Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    net.send(peer, gw, reinvite.into_bytes());
    let refused = net.wait_received(peer, "SIP/2.0 488", 1, SECOND);
    assert_eq!(header(&refused, "CSeq"), "2 INVITE");
    assert!(
        net.media_commands(GW).all(|c| match c {
            MediaCommand::AddCall { a, .. }
            | MediaCommand::UpdateLeg {
                leg: a, side: Side::A, ..
            } => a.srtp.is_some(),
            _ => true,
        }),
        "leg A never plain"
    );
}
