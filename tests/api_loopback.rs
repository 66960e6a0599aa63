//! Client API calls server API over real loopback sockets (UDP and TCP):
//! accept, reject, hold, resume, end, cancel.

use rvoip::api::*;

mod events;
use events::next;
use std::net::SocketAddr;

async fn server() -> SipServer {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let cfg = ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        seed: Some(7),
        ..Default::default()
    };
    create_sip_server(cfg).await.expect("server binds")
}

async fn client() -> SipClient {
    create_sip_client(ClientConfig::default()).await.expect("client binds")
}

fn uri(addr: SocketAddr, user: &str, transport: Transport) -> String {
    match transport {
        Transport::Udp => format!("sip:{user}@{addr}"),
        Transport::Tcp => format!("sip:{user}@{addr};transport=tcp"),
        Transport::Tls => format!("sips:{user}@{addr}"),
    }
}

async fn accept_then_end(transport: Transport) {
    let (mut s, mut c) = (server().await, client().await);
    let id = c.make_call(&uri(s.local_addr(), "alice", transport)).unwrap();
    let CallEvent::Incoming(inc) = next(&mut s).await else {
        panic!("expected an incoming call")
    };
    assert_eq!(inc.user(), "alice");
    s.ring_call(&inc).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Ringing(i) if i == id));
    let sid = s.accept_call(inc).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    assert!(matches!(next(&mut s).await, CallEvent::Answered(i) if i == sid));

    c.hold_call(id).unwrap();
    assert!(matches!(next(&mut s).await, CallEvent::Held(i) if i == sid));
    assert!(matches!(next(&mut c).await, CallEvent::Held(i) if i == id));
    c.resume_call(id).unwrap();
    assert!(matches!(next(&mut s).await, CallEvent::Resumed(i) if i == sid));
    assert!(matches!(next(&mut c).await, CallEvent::Resumed(i) if i == id));

    c.end_call(id).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Ended(i, EndReason::LocalBye) if i == id));
    assert!(matches!(next(&mut s).await, CallEvent::Ended(i, EndReason::RemoteBye) if i == sid));
    assert_eq!(s.stats().active, 0);
}

#[tokio::test]
async fn udp_call_accept_hold_resume_end() {
    accept_then_end(Transport::Udp).await;
}

#[tokio::test]
async fn tcp_call_accept_hold_resume_end() {
    accept_then_end(Transport::Tcp).await;
}

#[tokio::test]
async fn reject_gives_the_status_to_the_caller() {
    let (mut s, mut c) = (server().await, client().await);
    let id = c.make_call(&uri(s.local_addr(), "bob", Transport::Udp)).unwrap();
    let CallEvent::Incoming(inc) = next(&mut s).await else {
        panic!("expected an incoming call")
    };
    s.reject_call(inc, StatusCode::BUSY_HERE).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Failed(i, StatusCode::BUSY_HERE) if i == id));
    assert!(matches!(
        next(&mut s).await,
        CallEvent::Ended(_, EndReason::Rejected(StatusCode::BUSY_HERE))
    ));
}

#[tokio::test]
async fn cancel_before_answer() {
    let (mut s, mut c) = (server().await, client().await);
    let id = c.make_call(&uri(s.local_addr(), "carol", Transport::Udp)).unwrap();
    let CallEvent::Incoming(inc) = next(&mut s).await else {
        panic!("expected an incoming call")
    };
    s.ring_call(&inc).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Ringing(_)));
    c.end_call(id).unwrap();
    assert!(matches!(next(&mut s).await, CallEvent::Ended(_, EndReason::Cancelled)));
    assert!(matches!(next(&mut c).await, CallEvent::Ended(i, EndReason::Cancelled) if i == id));
    drop(inc);
}

#[tokio::test]
async fn server_ends_the_call() {
    let (mut s, mut c) = (server().await, client().await);
    let id = c.make_call(&uri(s.local_addr(), "dave", Transport::Tcp)).unwrap();
    let CallEvent::Incoming(inc) = next(&mut s).await else {
        panic!("expected an incoming call")
    };
    let sid = s.accept_call(inc).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(_)));
    assert!(matches!(next(&mut s).await, CallEvent::Answered(_)));
    s.end_call(sid).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Ended(i, EndReason::RemoteBye) if i == id));
    assert!(matches!(next(&mut s).await, CallEvent::Ended(_, EndReason::LocalBye)));
}
