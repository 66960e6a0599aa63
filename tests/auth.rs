//! Digest authentication over real sockets, as a softphone meets it: a
//! server whose calls must authenticate challenges an INVITE with
//! SHA-256 and MD5 (401, no call created), lets in the INVITE that
//! answers the challenge (computed here with the `sha2` crate, as a
//! client would), challenges a wrong password and an unknown user alike,
//! and answers an unreadable Authorization with a 400 naming why.

use rvoip::api::*;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;

async fn recv_text(s: &UdpSocket) -> String {
    let mut buf = vec![0u8; 4096];
    let (n, _) = tokio::time::timeout(Duration::from_secs(5), s.recv_from(&mut buf))
        .await
        .expect("message in time")
        .unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// The next message whose first line starts with `start`.
async fn recv_starting(s: &UdpSocket, start: &str) -> String {
    loop {
        let m = recv_text(s).await;
        if m.starts_with(start) {
            return m;
        }
    }
}

fn headers<'a>(msg: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    msg.lines()
        .filter_map(move |l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
}

fn hex(data: &str) -> String {
    Sha256::digest(data.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn param<'a>(challenge: &'a str, key: &str) -> &'a str {
    let rest = challenge.split(&format!("{key}=\"")).nth(1).expect(key);
    rest.split('"').next().unwrap()
}

fn invite(me: SocketAddr, gw: SocketAddr, cseq: u32, branch: &str, auth: Option<String>) -> String {
    let auth = auth.map(|a| format!("Authorization: {a}\r\n")).unwrap_or_default();
    format!(
        "INVITE sip:echo@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK{branch}\r\nMax-Forwards: 70\r\n\
         From: <sip:alice@{me}>;tag=a1\r\nTo: <sip:echo@{gw}>\r\nCall-ID: auth-{branch}\r\nCSeq: {cseq} INVITE\r\n\
         Contact: <sip:alice@{me}>\r\n{auth}Content-Length: 0\r\n\r\n"
    )
}

/// The SHA-256 Authorization for `user`/`password` answering `challenge`.
fn answer(challenge: &str, gw: SocketAddr, user: &str, password: &str) -> String {
    let (realm, nonce, opaque) = (
        param(challenge, "realm"),
        param(challenge, "nonce"),
        param(challenge, "opaque"),
    );
    let uri = format!("sip:echo@{gw}");
    let ha1 = hex(&format!("{user}:{realm}:{password}"));
    let ha2 = hex(&format!("INVITE:{uri}"));
    let response = hex(&format!("{ha1}:{nonce}:00000001:c0ffee:auth:{ha2}"));
    format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", \
         algorithm=SHA-256, cnonce=\"c0ffee\", qop=auth, nc=00000001, opaque=\"{opaque}\""
    )
}

#[tokio::test]
async fn calls_must_answer_the_challenge_and_nobody_learns_who_exists() {
    let creds = Credentials::default().with_password("alice", "rvoip", "secret");
    let cfg = ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        auth: Some(Auth::new("rvoip", creds)),
        ..Default::default()
    };
    let mut server = create_sip_server(cfg).await.unwrap();
    let gw = server.local_addr();
    let (calls_tx, mut calls) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        while let Some(ev) = server.next_event().await {
            if let CallEvent::Incoming(call) = ev {
                calls_tx.send(call.from().to_owned()).await.unwrap();
                call.accept().unwrap();
            }
        }
    });
    let sip = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let me = sip.local_addr().unwrap();

    // No credentials: challenged, SHA-256 first, MD5 second; no call.
    sip.send_to(invite(me, gw, 1, "n1", None).as_bytes(), gw).await.unwrap();
    let challenge = recv_starting(&sip, "SIP/2.0 401").await;
    let offered: Vec<&str> = headers(&challenge, "WWW-Authenticate").collect();
    assert_eq!(offered.len(), 2, "{challenge}");
    assert!(offered[0].contains("algorithm=SHA-256") && offered[1].contains("algorithm=MD5"));
    assert!(offered[0].contains("qop=\"auth\"") && offered[0].contains("realm=\"rvoip\""));

    // A wrong password and an unknown user: the same 401, a fresh challenge.
    for (i, (user, pass)) in [("alice", "guess"), ("mallory", "secret")].into_iter().enumerate() {
        let auth = answer(offered[0], gw, user, pass);
        let branch = format!("w{i}");
        sip.send_to(invite(me, gw, 2, &branch, Some(auth)).as_bytes(), gw)
            .await
            .unwrap();
        let again = recv_starting(&sip, "SIP/2.0 ").await;
        let again = if again.starts_with("SIP/2.0 100") {
            recv_starting(&sip, "SIP/2.0 ").await
        } else {
            again
        };
        assert!(again.starts_with("SIP/2.0 401 "), "{user}: {again}");
        assert_eq!(headers(&again, "WWW-Authenticate").count(), 2, "{user}");
    }

    // Unreadable credentials: 400 naming the fault.
    let bad = invite(me, gw, 2, "b1", Some("Digest username=\"alice\"".into()));
    sip.send_to(bad.as_bytes(), gw).await.unwrap();
    let refused = recv_starting(&sip, "SIP/2.0 400").await;
    assert!(
        refused.starts_with("SIP/2.0 400 Malformed Authorization header: no nonce"),
        "{refused}"
    );

    // The right answer: the call is created and answered.
    let auth = answer(offered[0], gw, "alice", "secret");
    sip.send_to(invite(me, gw, 2, "ok", Some(auth)).as_bytes(), gw)
        .await
        .unwrap();
    let from = tokio::time::timeout(Duration::from_secs(5), calls.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(from.contains("alice"), "{from}");
    let ok = recv_starting(&sip, "SIP/2.0 200").await;
    assert!(ok.contains("CSeq: 2 INVITE"), "{ok}");
    assert!(calls.try_recv().is_err(), "only the authenticated INVITE made a call");
}
