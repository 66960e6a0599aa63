//! Our calls towards peers that challenge them (trunks), in simulated
//! time: the INVITE is answered once and the call goes on; a wrong
//! password, or a peer that challenges again, fails the call after one
//! answer; the dialog's later requests (re-INVITE, BYE) carry credentials
//! the trunk accepts; a BYE challenged after a long call (stale nonce) is
//! sent again with an answer; a gateway route with credentials bridges through an
//! authenticating trunk, and a trunk refusing them reaches the caller as
//! 403 or, when the route says so, 503.

mod sim;

use rvoip::test_exports::auth::{Algorithm, AuthConfig, Authenticator, ClientCredentials, Credentials, Verdict};
use rvoip::test_exports::gateway::{GatewayConfig, RouteAction};
use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::session::{Command, MediaMode, Outbound, SessionEvent, UaConfig};
use rvoip::test_exports::status::StatusCode;
use sim::raw::{self, header};
use sim::{Net, addr, forward_to, ua_config, wait_for};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SECOND: Duration = Duration::from_secs(1);

fn auth(proxy: bool) -> AuthConfig {
    AuthConfig {
        realm: "trunk".into(),
        proxy,
        nonce_lifetime: Duration::from_secs(300),
        algorithms: vec![Algorithm::Sha256, Algorithm::Md5],
        credentials: Arc::new(Credentials::default().with_password("alice", "trunk", "secret")),
        secret: [5; 32],
    }
}

/// A call from node 0 to `to` with `password`.
fn place(net: &mut Net, id: u64, to: std::net::SocketAddr, password: &str) -> CallId {
    let id = CallId(id);
    let mut out = Outbound::to(format!("sip:bob@{to}"), TransportKind::Udp);
    out.credentials = Some(Arc::new(ClientCredentials::password("alice", password, None)));
    out.media = MediaMode::None;
    net.command(0, Command::Place(id, Box::new(out)));
    id
}

#[test]
fn a_challenged_call_is_answered_once_and_goes_on() {
    for proxy in [false, true] {
        let mut net = Net::new(1, 70);
        net.add(
            UaConfig {
                auth: Some(auth(proxy)),
                ..ua_config(addr(1), 71)
            },
            None,
        );
        let id = place(&mut net, 7, addr(1), "secret");
        let b = net.wait_incoming(1, SECOND);
        net.command(1, Command::Accept(b, MediaMode::None));
        wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == id);
        let invites = net.sent(addr(0), "INVITE");
        assert_eq!(invites.len(), 2, "the INVITE, then once more with credentials");
        let name = if proxy { "Proxy-Authorization" } else { "Authorization" };
        assert!(
            header(&invites[1].text, name).contains("algorithm=SHA-256"),
            "SHA-256 is offered first"
        );
        assert_eq!(header(&invites[1].text, "CSeq"), "2 INVITE");
        assert_eq!(header(&invites[0].text, "Call-ID"), header(&invites[1].text, "Call-ID"));
        net.command(0, Command::End(id));
        wait_for!(net, 1, SECOND, SessionEvent::Ended(..));
        net.run_for(Duration::from_secs(40));
        assert_eq!((net.load(0), net.load(1)), ((0, 0), (0, 0)));
    }
}

#[test]
fn a_wrong_password_fails_the_call_after_one_answer() {
    let mut net = Net::new(1, 72);
    net.add(
        UaConfig {
            auth: Some(auth(false)),
            ..ua_config(addr(1), 73)
        },
        None,
    );
    let id = place(&mut net, 8, addr(1), "guess");
    let failed = wait_for!(net, 0, SECOND, SessionEvent::Failed(i, _) if *i == id);
    assert!(
        matches!(failed, SessionEvent::Failed(_, StatusCode::UNAUTHORIZED)),
        "{failed:?}"
    );
    assert_eq!(net.sent(addr(0), "INVITE").len(), 2, "one answer, no more");
    assert!(net.take_events(1).is_empty(), "the trunk never offered the call");
}

/// A hand-written trunk at addr(5) that checks every request with our
/// own authenticator: what it challenges and what it lets in.
struct Trunk {
    auth: Authenticator,
}

impl Trunk {
    /// Answers `req` (text): 401 with a challenge, or `ok` (a reply text).
    fn answer(&mut self, now: Instant, req: &str, ok: Vec<u8>) -> (bool, Vec<u8>) {
        let method = req.split(' ').next().unwrap();
        let h = rvoip::test_exports::sip::receive(req.as_bytes()).expect("our request parses");
        let stale = match self.auth.check(now, method, &h) {
            Verdict::Authorized(user) if user == "alice" => return (true, ok),
            Verdict::Challenge { stale, .. } => stale,
            _ => false,
        };
        let challenge: String = self
            .auth
            .challenges(now, stale)
            .map(|(n, v)| format!("{n}: {v}\r\n"))
            .collect();
        (false, raw::reply(req, "401 Unauthorized", "trunk", &challenge, ""))
    }
}

#[test]
fn the_dialogs_later_requests_carry_credentials_the_trunk_accepts() {
    let mut net = Net::new(1, 74);
    let mut trunk = Trunk {
        auth: Authenticator::new(&auth(false), net.now),
    };
    let id = place(&mut net, 9, addr(5), "secret");
    let contact = format!("Contact: <sip:bob@{}>\r\n", addr(5));
    // INVITE: challenged, then let in and answered.
    let first = net.wait_received(addr(5), "INVITE", 1, SECOND);
    let (ok, reply) = trunk.answer(net.now, &first, Vec::new());
    assert!(!ok);
    net.send(addr(5), addr(0), reply);
    let second = net.wait_received(addr(5), "INVITE", 2, SECOND);
    let answer = raw::reply(&second, "200 OK", "trunk", &contact, &raw::sdp(4000, 0, "PCMU/8000"));
    let (ok, reply) = trunk.answer(net.now, &second, answer);
    assert!(ok, "the answered INVITE is let in:\n{second}");
    net.send(addr(5), addr(0), reply);
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == id);
    // re-INVITE (hold) and BYE: let in without another challenge.
    net.command(0, Command::Hold(id));
    let reinvite = net.wait_received(addr(5), "INVITE", 3, SECOND);
    let answer = raw::reply(&reinvite, "200 OK", "trunk", &contact, &raw::sdp(4000, 0, "PCMU/8000"));
    let (ok, reply) = trunk.answer(net.now, &reinvite, answer);
    assert!(ok, "the re-INVITE carries accepted credentials:\n{reinvite}");
    net.send(addr(5), addr(0), reply);
    wait_for!(net, 0, SECOND, SessionEvent::Held(i) if *i == id);
    net.command(0, Command::End(id));
    let bye = net.wait_received(addr(5), "BYE", 1, SECOND);
    let (ok, _) = trunk.answer(net.now, &bye, Vec::new());
    assert!(ok, "the BYE carries accepted credentials:\n{bye}");
}

#[test]
fn a_re_invite_the_trunk_challenges_is_sent_again_with_an_answer() {
    let mut net = Net::new(1, 75);
    let mut trunk = Trunk {
        auth: Authenticator::new(&auth(false), net.now),
    };
    let id = place(&mut net, 10, addr(5), "secret");
    let contact = format!("Contact: <sip:bob@{}>\r\n", addr(5));
    let first = net.wait_received(addr(5), "INVITE", 1, SECOND);
    net.send(addr(5), addr(0), trunk.answer(net.now, &first, Vec::new()).1);
    let second = net.wait_received(addr(5), "INVITE", 2, SECOND);
    let answer = raw::reply(&second, "200 OK", "trunk", &contact, &raw::sdp(4000, 0, "PCMU/8000"));
    net.send(addr(5), addr(0), trunk.answer(net.now, &second, answer).1);
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == id);
    // The trunk challenges the hold anyway (a fresh nonce).
    net.command(0, Command::Hold(id));
    let reinvite = net.wait_received(addr(5), "INVITE", 3, SECOND);
    let challenge: String = trunk
        .auth
        .challenges(net.now, false)
        .map(|(n, v)| format!("{n}: {v}\r\n"))
        .collect();
    net.send(
        addr(5),
        addr(0),
        raw::reply(&reinvite, "401 Unauthorized", "trunk", &challenge, ""),
    );
    let retry = net.wait_received(addr(5), "INVITE", 4, SECOND);
    let answer = raw::reply(&retry, "200 OK", "trunk", &contact, &raw::sdp(4000, 0, "PCMU/8000"));
    let (ok, reply) = trunk.answer(net.now, &retry, answer);
    assert!(ok, "the retried re-INVITE answers the new challenge:\n{retry}");
    net.send(addr(5), addr(0), reply);
    wait_for!(net, 0, SECOND, SessionEvent::Held(i) if *i == id);
}

#[test]
fn a_gateway_route_with_credentials_bridges_through_an_authenticating_trunk() {
    let mut gw: GatewayConfig = forward_to(addr(2), &[]);
    if let RouteAction::Forward { credentials, .. } = &mut gw.routes[0].action {
        *credentials = Some(Arc::new(ClientCredentials::password("alice", "secret", Some("trunk"))));
    }
    let mut net = Net::new(1, 76);
    net.add(ua_config(addr(1), 77), Some(gw));
    net.add(
        UaConfig {
            auth: Some(auth(true)),
            ..ua_config(addr(2), 78)
        },
        None,
    );
    let a = CallId(11);
    net.command(0, Command::Call(a, format!("sip:bob@{}", addr(1)), TransportKind::Udp));
    let b = net.wait_incoming(2, SECOND);
    net.command(2, Command::Accept(b, MediaMode::None));
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == a);
    assert_eq!(
        net.sent(addr(1), "INVITE").len(),
        2,
        "the gateway answered the trunk's 407 once"
    );
}

#[test]
fn a_trunk_refusing_the_routes_credentials_is_told_to_the_caller_as_the_route_says() {
    for (refused, heard) in [
        (None, StatusCode::FORBIDDEN),
        (Some(StatusCode::SERVICE_UNAVAILABLE), StatusCode::SERVICE_UNAVAILABLE),
    ] {
        let mut gw: GatewayConfig = forward_to(addr(2), &[]);
        if let RouteAction::Forward { credentials, .. } = &mut gw.routes[0].action {
            let wrong = ClientCredentials::password("alice", "guess", Some("trunk"));
            *credentials = Some(Arc::new(match refused {
                Some(status) => wrong.refused_with(status),
                None => wrong,
            }));
        }
        let mut net = Net::new(1, 79);
        net.add(ua_config(addr(1), 80), Some(gw));
        net.add(
            UaConfig {
                auth: Some(auth(false)),
                ..ua_config(addr(2), 81)
            },
            None,
        );
        let a = CallId(12);
        net.command(0, Command::Call(a, format!("sip:bob@{}", addr(1)), TransportKind::Udp));
        wait_for!(net, 0, 5 * SECOND, SessionEvent::Failed(i, s) if *i == a && *s == heard);
        assert_eq!(net.sent(addr(1), "INVITE").len(), 2, "one answer, then the call failed");
    }
}

#[test]
fn a_bye_challenged_after_a_long_call_is_sent_again_with_an_answer() {
    let mut net = Net::new(1, 82);
    let mut trunk = Trunk {
        auth: Authenticator::new(&auth(false), net.now),
    };
    let id = place(&mut net, 13, addr(5), "secret");
    let contact = format!("Contact: <sip:bob@{}>\r\n", addr(5));
    let first = net.wait_received(addr(5), "INVITE", 1, SECOND);
    let (_, reply) = trunk.answer(net.now, &first, Vec::new());
    net.send(addr(5), addr(0), reply);
    let second = net.wait_received(addr(5), "INVITE", 2, SECOND);
    let answer = raw::reply(&second, "200 OK", "trunk", &contact, &raw::sdp(4000, 0, "PCMU/8000"));
    let (ok, reply) = trunk.answer(net.now, &second, answer);
    assert!(ok);
    net.send(addr(5), addr(0), reply);
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == id);
    // Ten minutes later the nonce the INVITE answered is stale.
    net.run_for(Duration::from_secs(600));
    net.command(0, Command::End(id));
    let bye = net.wait_received(addr(5), "BYE", 1, SECOND);
    let (ok, challenge) = trunk.answer(net.now, &bye, Vec::new());
    assert!(!ok, "the old nonce is refused:\n{bye}");
    assert!(String::from_utf8_lossy(&challenge).contains("stale=true"));
    net.send(addr(5), addr(0), challenge);
    let again = net.wait_received(addr(5), "BYE", 2, SECOND);
    let (ok, reply) = trunk.answer(net.now, &again, raw::reply(&again, "200 OK", "trunk", "", "").to_vec());
    assert!(ok, "the BYE sent again answers the new challenge:\n{again}");
    assert_ne!(header(&again, "Via"), header(&bye, "Via"), "a new branch");
    let cseq = |m: &str| header(m, "CSeq").split(' ').next().unwrap().parse::<u32>().unwrap();
    assert_eq!(cseq(&again), cseq(&bye) + 1);
    net.send(addr(5), addr(0), reply);
    net.run_for(Duration::from_secs(40));
    assert_eq!(net.received(addr(5), "BYE").len(), 2, "answered once, and done");
    assert_eq!(net.load(0), (0, 0), "no call or transaction left");
}
