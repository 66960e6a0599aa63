//! Registration, in simulated time: our registration to a registrar that
//! challenges it (our own, with digest auth) binds, refreshes at half the
//! granted expiry with credentials ready, and is removed on drain; a 423
//! raises the expiry asked; failures are retried after Retry-After or a
//! backoff; a user may bind only its own address-of-record; a gateway
//! route to `registered` calls every Contact of the user at once, bridges
//! the first to answer and cancels the others, and answers 480 for a user
//! with none.

mod sim;

use rvoip::test_exports::auth::{Algorithm, AuthConfig, ClientCredentials, Credentials};
use rvoip::test_exports::gateway::{GatewayConfig, Route, RouteAction};
use rvoip::test_exports::registrar::Registrar;
use rvoip::test_exports::session::{
    Command, EndReason, MediaMode, Outbound, RegistrationConfig, RegistrationState, SessionEvent, UaConfig,
};
use rvoip::test_exports::status::StatusCode;
use rvoip::test_exports::{ids::CallId, ids::TransportKind};
use sim::raw::{self, header};
use sim::{Net, addr, ua_config, wait_for};
use std::sync::Arc;
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);

/// Node 0: a gateway with a registrar (alice and bob, password "secret"
/// in realm "reg") whose only route calls registered users.
fn registrar_net(seed: u64) -> Net {
    let mut net = Net::new(0, seed);
    let creds = Credentials::default()
        .with_password("alice", "reg", "secret")
        .with_password("bob", "reg", "secret");
    let cfg = UaConfig {
        auth: Some(AuthConfig {
            realm: "reg".into(),
            proxy: false,
            nonce_lifetime: Duration::from_secs(300),
            algorithms: vec![Algorithm::Sha256, Algorithm::Md5],
            credentials: Arc::new(creds),
            secret: [9; 32],
        }),
        registrar: Some(Registrar::default()),
        ..ua_config(addr(0), seed)
    };
    let gw = GatewayConfig {
        routes: vec![Route {
            capture_dir: None,
            transfer: true,
            user_prefix: String::new(),
            domain: None,
            sources: Vec::new(),
            action: RouteAction::Registered,
        }],
        ..GatewayConfig::default()
    };
    net.add(cfg, Some(gw));
    net
}

/// A UA at addr(n) keeping a registration of `user`'s AOR at node 0 as
/// `login` (password "secret").
fn add_client(net: &mut Net, n: u16, user: &str, login: &str, expires: u32) -> usize {
    let reg = RegistrationConfig {
        aor: format!("sip:{user}@{}", addr(0)),
        registrar: format!("sip:{}", addr(0)),
        credentials: Some(Arc::new(ClientCredentials::password(login, "secret", None))),
        expires,
        contact_user: String::new(),
    };
    net.add(
        UaConfig {
            registrations: vec![reg],
            ..ua_config(addr(n), 100 + u64::from(n))
        },
        None,
    )
}

/// Bob (a registrar user, so let in) calls alice through node 0.
fn call_alice(net: &mut Net, caller: usize) {
    let mut out = Outbound::to(format!("sip:alice@{}", addr(0)), TransportKind::Udp);
    out.credentials = Some(Arc::new(ClientCredentials::password("bob", "secret", None)));
    out.media = MediaMode::None;
    net.command(caller, Command::Place(CallId(1), Box::new(out)));
}

fn state(net: &mut Net, i: usize) -> RegistrationState {
    net.ep(i).registrations(u64::MAX).unwrap().1[0].1
}

fn is_registered(s: RegistrationState) -> bool {
    matches!(s, RegistrationState::Registered { .. })
}

#[test]
fn a_registration_is_challenged_bound_refreshed_and_removed_on_drain() {
    let mut net = registrar_net(200);
    let alice = add_client(&mut net, 1, "alice", "alice", 120);
    net.run_for(SECOND);
    assert!(matches!(
        state(&mut net, alice),
        RegistrationState::Registered { expires: 120, .. }
    ));
    let sent = net.sent(addr(1), "REGISTER");
    assert_eq!(sent.len(), 2, "challenged once, then let in");
    let (first, second) = (&sent[0].text, &sent[1].text);
    assert_eq!(
        header(first, "Call-ID"),
        header(second, "Call-ID"),
        "one Call-ID (§10.2.4)"
    );
    assert_eq!(
        (header(first, "CSeq"), header(second, "CSeq")),
        ("1 REGISTER", "2 REGISTER")
    );
    assert_eq!(header(second, "Contact"), format!("<sip:alice@{}>", addr(1)));
    assert_eq!(header(second, "Expires"), "120");
    assert!(header(second, "Authorization").contains("algorithm=SHA-256"));
    // Refreshed at about half the expiry, credentials sent before asked.
    net.run_for(Duration::from_secs(58));
    assert_eq!(net.sent(addr(1), "REGISTER").len(), 2, "not refreshed before half");
    net.run_for(Duration::from_secs(3));
    let sent = net.sent(addr(1), "REGISTER");
    assert_eq!(sent.len(), 3, "refreshed once, not challenged again");
    assert!(header(&sent[2].text, "Authorization").contains("nc=00000002"));
    assert!(is_registered(state(&mut net, alice)));
    // Drain: the binding is removed (Expires: 0), and the registrar agrees.
    let now = net.now;
    net.ep(alice).drain(now, Duration::ZERO);
    net.run_for(SECOND);
    let sent = net.sent(addr(1), "REGISTER");
    assert_eq!(header(&sent[3].text, "Expires"), "0");
    assert_eq!(state(&mut net, alice), RegistrationState::Unregistered);
    // A call for alice now finds no Contact: 480.
    let caller = net.add(ua_config(addr(9), 9), None);
    call_alice(&mut net, caller);
    wait_for!(net, caller, SECOND, SessionEvent::Failed(_, s) if *s == StatusCode::TEMPORARILY_UNAVAILABLE);
}

#[test]
fn a_user_binds_only_its_own_address_of_record() {
    let mut net = registrar_net(210);
    // bob's password, alice's AOR.
    let thief = add_client(&mut net, 1, "alice", "bob", 120);
    net.run_for(SECOND);
    assert!(
        matches!(state(&mut net, thief), RegistrationState::Failed { status, .. } if status == StatusCode::FORBIDDEN),
        "{:?}",
        state(&mut net, thief)
    );
    let caller = net.add(ua_config(addr(9), 9), None);
    call_alice(&mut net, caller);
    wait_for!(net, caller, SECOND, SessionEvent::Failed(_, s) if *s == StatusCode::TEMPORARILY_UNAVAILABLE);
}

#[test]
fn a_call_to_a_user_with_two_contacts_rings_both_and_the_first_answer_wins() {
    let mut net = registrar_net(220);
    let (desk, mobile) = (
        add_client(&mut net, 1, "alice", "alice", 600),
        add_client(&mut net, 2, "alice", "alice", 600),
    );
    net.run_for(SECOND);
    assert!(is_registered(state(&mut net, desk)) && is_registered(state(&mut net, mobile)));
    let caller = net.add(ua_config(addr(9), 9), None);
    call_alice(&mut net, caller);
    let at_desk = net.wait_incoming(desk, SECOND);
    let at_mobile = net.wait_incoming(mobile, SECOND);
    net.command(desk, Command::Ring(at_desk));
    wait_for!(net, caller, SECOND, SessionEvent::Ringing(_));
    net.command(mobile, Command::Accept(at_mobile, MediaMode::None));
    wait_for!(net, caller, SECOND, SessionEvent::Answered(_));
    // The desk phone stops ringing: CANCEL, 487.
    wait_for!(net, desk, SECOND, SessionEvent::Ended(i, EndReason::Cancelled) if *i == at_desk);
    assert_eq!(net.sent(addr(0), "CANCEL").len(), 1);
    // The bridge holds: a hang-up from the caller reaches the mobile.
    net.command(caller, Command::End(CallId(1)));
    wait_for!(net, mobile, SECOND, SessionEvent::Ended(i, EndReason::RemoteBye) if *i == at_mobile);
    net.run_for(Duration::from_secs(40));
    assert_eq!((net.load(0), net.load(caller)), ((0, 0), (0, 0)), "nothing left behind");
    let g = net.gateway_stats(0);
    assert_eq!((g.bridged, g.bridged_answered, g.outbound_failed), (1, 1, 0), "{g:?}");
}

#[test]
fn when_every_contact_fails_the_caller_hears_the_best_failure() {
    let mut net = registrar_net(230);
    let (desk, mobile) = (
        add_client(&mut net, 1, "alice", "alice", 600),
        add_client(&mut net, 2, "alice", "alice", 600),
    );
    net.run_for(SECOND);
    let caller = net.add(ua_config(addr(9), 9), None);
    call_alice(&mut net, caller);
    let at_desk = net.wait_incoming(desk, SECOND);
    let at_mobile = net.wait_incoming(mobile, SECOND);
    net.command(desk, Command::Reject(at_desk, StatusCode::new(503).unwrap()));
    net.run_for(SECOND);
    assert!(
        net.take_events(caller)
            .iter()
            .all(|e| !matches!(e, SessionEvent::Failed(..))),
        "the mobile still rings"
    );
    net.command(mobile, Command::Reject(at_mobile, StatusCode::BUSY_HERE));
    wait_for!(net, caller, SECOND, SessionEvent::Failed(_, s) if *s == StatusCode::BUSY_HERE);
}

#[test]
fn a_423_raises_the_expiry_and_failures_are_retried_later() {
    let mut net = Net::new(0, 240);
    let registrar = addr(5);
    let reg = RegistrationConfig {
        aor: "sip:alice@trunk.example".into(),
        registrar: format!("sip:{registrar}"),
        credentials: None,
        expires: 30,
        contact_user: String::new(),
    };
    let ua = net.add(
        UaConfig {
            registrations: vec![reg],
            ..ua_config(addr(0), 241)
        },
        None,
    );
    // 423: asked again at once with the registrar's minimum.
    let first = net.wait_received(registrar, "REGISTER", 1, SECOND);
    assert_eq!(header(&first, "To"), "<sip:alice@trunk.example>");
    net.send(
        registrar,
        addr(0),
        raw::reply(&first, "423 Interval Too Brief", "r", "Min-Expires: 90\r\n", ""),
    );
    let second = net.wait_received(registrar, "REGISTER", 2, SECOND);
    assert_eq!(header(&second, "Expires"), "90");
    // 503 with Retry-After: 20: the next try 20 s on.
    net.send(
        registrar,
        addr(0),
        raw::reply(&second, "503 Service Unavailable", "r", "Retry-After: 20\r\n", ""),
    );
    net.run_for(SECOND);
    assert!(matches!(state(&mut net, ua), RegistrationState::Failed { status, .. } if status.code() == 503));
    net.run_for(Duration::from_secs(18));
    assert_eq!(net.received(registrar, "REGISTER").len(), 2, "not before Retry-After");
    let third = net.wait_received(registrar, "REGISTER", 3, Duration::from_secs(2));
    // 500 without one: the backoff (RFC 5626 §4.5), 30-60 s for a second
    // failure in a row.
    net.send(registrar, addr(0), raw::reply(&third, "500 Server Error", "r", "", ""));
    net.run_for(Duration::from_secs(29));
    assert_eq!(net.received(registrar, "REGISTER").len(), 3, "backed off");
    let fourth = net.wait_received(registrar, "REGISTER", 4, Duration::from_secs(32));
    // A 200 granting less than asked: refreshed at half of what was granted.
    let contact = format!("Contact: <sip:alice@{}>;expires=40\r\n", addr(0));
    net.send(registrar, addr(0), raw::reply(&fourth, "200 OK", "r", &contact, ""));
    net.run_for(SECOND);
    assert!(matches!(
        state(&mut net, ua),
        RegistrationState::Registered { expires: 40, .. }
    ));
    net.run_for(Duration::from_secs(18));
    assert_eq!(net.received(registrar, "REGISTER").len(), 4);
    net.wait_received(registrar, "REGISTER", 5, Duration::from_secs(2));
    // The registrar goes silent: the REGISTER times out (Timer F), 408.
    net.run_for(Duration::from_secs(33));
    assert!(matches!(state(&mut net, ua), RegistrationState::Failed { status, .. } if status.code() == 408));
}
