//! The WebSocket audio bridge (issue #17): a gateway route hands calls to
//! the application, which bridges each to a WebSocket server in the test.
//! The server gets a JSON `start` with the call's metadata, 20 ms binary
//! frames of L16, the caller's DTMF as JSON and a `stop` at hangup; it
//! echoes the audio, which the caller hears back, and a `mark` it sends
//! comes back once played. A server that is down gets the call refused.

use futures_util::{SinkExt, StreamExt};
use rvoip::api::*;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

mod events;
mod ports;
use events::next;

fn cfg() -> ServerConfig {
    let base = ports::free_block(4);
    ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: (base, base + 8),
        media_workers: 1,
        ..Default::default()
    }
}

/// What the WebSocket server saw of one call.
#[derive(Debug, Default)]
struct Seen {
    start: Option<serde_json::Value>,
    frames: usize,
    sizes_ok: bool,
    digits: String,
    mark_back: bool,
    stop: bool,
}

/// A byte stream a WebSocket runs over (TCP, or TLS over TCP).
trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Stream for T {}

/// A WebSocket server taking one connection: echoes audio, sends a mark
/// after 10 frames, reports what it saw when the connection ends.
async fn ws_server() -> (String, oneshot::Receiver<Seen>) {
    ws_server_over(None).await
}

/// [`ws_server`], over TLS (`wss://`) with `tls` when given.
async fn ws_server_over(tls: Option<tokio_rustls::TlsAcceptor>) -> (String, oneshot::Receiver<Seen>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let scheme = if tls.is_some() { "wss" } else { "ws" };
    let url = format!("{scheme}://{}/call", listener.local_addr().unwrap());
    let (done, seen) = oneshot::channel();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let stream: Box<dyn Stream> = match tls {
            Some(acceptor) => Box::new(acceptor.accept(tcp).await.unwrap()),
            None => Box::new(tcp),
        };
        let mut ws = tokio_tungstenite::accept_async(stream).await.unwrap();
        let mut s = Seen {
            sizes_ok: true,
            ..Default::default()
        };
        while let Some(Ok(msg)) = ws.next().await {
            match msg {
                Message::Binary(b) => {
                    s.frames += 1;
                    s.sizes_ok &= b.len() == 320;
                    let _ = ws.send(Message::Binary(b)).await;
                    if s.frames == 10 {
                        let _ = ws.send(Message::text(r#"{"event":"mark","name":"m1"}"#)).await;
                    }
                }
                Message::Text(t) => {
                    let v: serde_json::Value = serde_json::from_str(&t).unwrap();
                    match v["event"].as_str().unwrap() {
                        "start" => s.start = Some(v),
                        "dtmf" => s.digits += v["digit"].as_str().unwrap(),
                        "mark" => s.mark_back |= v["name"] == "m1",
                        "stop" => s.stop = true,
                        other => panic!("unexpected event {other}"),
                    }
                }
                _ => {}
            }
        }
        let _ = done.send(s);
    });
    (url, seen)
}

/// A gateway whose one route hands calls to the application, which
/// bridges each to the WebSocket server at `url`; its SIP address.
async fn gateway(url: &str) -> std::net::SocketAddr {
    gateway_trusting(url, None).await
}

/// [`gateway`], a `wss://` server checked against the CAs in `ca`.
async fn gateway_trusting(url: &str, ca: Option<Vec<u8>>) -> std::net::SocketAddr {
    let route = Route {
        user_prefix: String::new(),
        domain: None,
        sources: Vec::new(),
        action: RouteAction::Application(url.to_owned()),
    };
    let mut app = create_gateway(
        cfg(),
        GatewayConfig {
            routes: vec![route],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let addr = app.local_addr();
    tokio::spawn(async move {
        let mut digits: HashMap<CallId, mpsc::Sender<(char, Duration)>> = HashMap::new();
        while let Some(ev) = app.next_event().await {
            match ev {
                CallEvent::Incoming(inc) => {
                    let (tx, rx) = mpsc::channel(16);
                    digits.insert(inc.id(), tx);
                    let url = inc.target().unwrap().to_owned();
                    let ca = ca.clone();
                    tokio::spawn(async move {
                        bridge_websocket_trusting(&url, ca.as_deref(), inc, AudioConfig::default(), rx).await
                    });
                }
                CallEvent::Dtmf(id, d, held) => {
                    if let Some(tx) = digits.get(&id) {
                        let _ = tx.try_send((d, held));
                    }
                }
                _ => {}
            }
        }
    });
    addr
}

/// `n` samples of 1 kHz at 8 kHz from sample `from`.
fn tone(from: usize, n: usize) -> Vec<i16> {
    (from..from + n)
        .map(|i| (8000.0 * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 8000.0).sin()) as i16)
        .collect()
}

#[tokio::test]
async fn a_call_is_streamed_to_a_websocket_server_and_hears_what_it_sends() {
    let (url, seen) = ws_server().await;
    let gw = gateway(&url).await;
    let (client, id, mut audio) = answered_call(gw).await;
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let mut heard = Vec::new();
    for t in 0..75 {
        tick.tick().await;
        let _ = audio.send(&tone(t * 160, 160));
        while let Ok(f) = audio.try_recv() {
            heard.extend(f.pcm().iter().map(|&s| f64::from(s)));
        }
        if t == 40 {
            client.send_dtmf(id, "5").unwrap();
        }
    }
    client.end_call(id).unwrap();
    let s = tokio::time::timeout(Duration::from_secs(5), seen)
        .await
        .expect("the server saw the call end")
        .unwrap();
    let start = s.start.clone().expect("a start message");
    assert_eq!(
        (start["rate"].as_u64(), start["encoding"].as_str()),
        (Some(8000), Some("L16")),
        "{start}"
    );
    assert!(start["to"].as_str().unwrap().contains("bot@"), "{start}");
    assert!(s.frames >= 50 && s.sizes_ok, "20 ms frames of 160 samples: {s:?}");
    assert_eq!(s.digits, "5");
    assert!(s.mark_back, "the mark came back once played");
    assert!(s.stop, "a stop at hangup");
    // What the server echoed, the caller heard: 1 kHz.
    assert!(heard.len() >= 4000, "heard {} samples", heard.len());
    let tail = &heard[heard.len() - 2400..];
    let p = |f: f64| {
        let w = 2.0 * std::f64::consts::PI * f / 8000.0;
        let (mut s1, mut s2) = (0.0, 0.0);
        for &v in tail {
            (s2, s1) = (s1, v + 2.0 * w.cos() * s1 - s2);
        }
        s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2
    };
    assert!(
        p(1000.0) > 20.0 * (p(700.0) + p(1300.0)),
        "1 kHz came back through the server"
    );
}

#[tokio::test]
async fn a_websocket_server_that_is_down_gets_the_call_refused() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let gw = gateway(&format!("ws://{closed}/call")).await;
    let mut client = create_sip_client(ClientConfig {
        server: cfg(),
        ..Default::default()
    })
    .await
    .unwrap();
    let id = client.make_call(&format!("sip:bot@{gw}")).unwrap();
    let ev = next(&mut client).await;
    assert!(
        matches!(ev, CallEvent::Failed(i, StatusCode::SERVICE_UNAVAILABLE) if i == id),
        "{ev:?}"
    );
}

/// A WebSocket server that sends garbage (text that is not JSON, JSON of
/// no known event, binary of an odd length) among its audio, then reads
/// nothing more: the garbage is ignored, the caller hears the audio the
/// server sent, and the call ends normally. (Two seconds of frames fit
/// in the socket buffers: a server slow enough to fill them is not
/// covered here.)
#[tokio::test]
async fn a_server_sending_garbage_is_ignored_and_its_audio_still_plays() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/call", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        let _start = ws.next().await;
        for m in [
            Message::text("not json"),
            Message::text(r#"{"event":"reboot"}"#),
            Message::binary(vec![1u8; 3]),
            Message::binary(tone(0, 1600).iter().flat_map(|s| s.to_le_bytes()).collect::<Vec<u8>>()),
        ] {
            ws.send(m).await.unwrap();
        }
        // Stalls: reads nothing more, holds the connection open.
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let gw = gateway(&url).await;
    let (mut client, id, mut audio) = answered_call(gw).await;
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let mut loud = 0;
    for t in 0..100 {
        tick.tick().await;
        let _ = audio.send(&tone(t * 160, 160));
        while let Ok(f) = audio.try_recv() {
            loud += usize::from(f.pcm().iter().any(|s| s.unsigned_abs() > 4000));
        }
    }
    assert!(loud >= 8, "the server's 200 ms of tone was played ({loud} loud frames)");
    client.end_call(id).unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let CallEvent::Ended(i, _) = next(&mut client).await {
                break i;
            }
        }
    });
    assert_eq!(ended.await.expect("the call ends normally"), id);
}

/// A CA and a certificate for 127.0.0.1 it signed: (CA PEM, acceptor).
fn wss_pki() -> (Vec<u8>, tokio_rustls::TlsAcceptor) {
    use rustls::pki_types::pem::PemObject;
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    let chain = vec![rustls::pki_types::CertificateDer::from_pem_slice(cert.pem().as_bytes()).unwrap()];
    let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(key.serialize_pem().as_bytes()).unwrap();
    let cfg =
        rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
    (
        ca.pem().into_bytes(),
        tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(cfg)),
    )
}

#[tokio::test]
async fn a_wss_server_is_reached_over_tls_and_an_untrusted_one_is_refused() {
    let (ca, acceptor) = wss_pki();
    let (url, seen) = ws_server_over(Some(acceptor)).await;
    let gw = gateway_trusting(&url, Some(ca)).await;
    let (mut client, id, mut audio) = answered_call(gw).await;
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    for t in 0..20 {
        tick.tick().await;
        let _ = audio.send(&tone(t * 160, 160));
    }
    client.end_call(id).unwrap();
    let s = tokio::time::timeout(Duration::from_secs(5), seen)
        .await
        .unwrap()
        .unwrap();
    assert!(s.start.is_some() && s.stop && s.frames > 0, "over TLS: {s:?}");
    // A server whose certificate no trusted CA signed: refused, never plain.
    let (_, other) = wss_pki();
    let (url, _) = ws_server_over(Some(other)).await;
    let gw = gateway_trusting(&url, Some(wss_pki().0)).await;
    let id = client.make_call(&format!("sip:bot@{gw}")).unwrap();
    let ev = loop {
        match next(&mut client).await {
            CallEvent::Ended(..) => continue, // the first call's
            ev => break ev,
        }
    };
    assert!(
        matches!(ev, CallEvent::Failed(i, StatusCode::SERVICE_UNAVAILABLE) if i == id),
        "{ev:?}"
    );
}

/// A client's call with audio to `gw`, answered.
async fn answered_call(gw: std::net::SocketAddr) -> (SipClient, CallId, CallAudio) {
    let mut client = create_sip_client(ClientConfig {
        server: cfg(),
        ..Default::default()
    })
    .await
    .unwrap();
    let uri = format!("sip:bot@{gw}");
    let (id, audio) = client
        .make_call_audio(&uri, &CallOptions::default(), AudioConfig::default())
        .unwrap();
    assert!(matches!(next(&mut client).await, CallEvent::Answered(i) if i == id));
    (client, id, audio)
}
