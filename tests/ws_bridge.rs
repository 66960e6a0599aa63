//! The WebSocket audio bridge (issue #17): a gateway route hands calls to
//! the application, which bridges each to a WebSocket server in the test.
//! The server gets a JSON `start` with the call's metadata, 20 ms binary
//! frames of L16, the caller's DTMF as JSON and a `stop` at hangup; it
//! echoes the audio, which the caller hears back, and a `mark` it sends
//! comes back once played. A server that is down gets the call refused;
//! one that stops reading loses its call and holds up no other. The
//! digits bot (examples/ws_digits_bot) says a caller's digits back as DTMF
//! tones.

use futures_util::{SinkExt, StreamExt};
use rvoip::api::*;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

#[path = "../examples/ws_digits_bot/bot.rs"]
mod bot;
mod events;
mod ports;
mod tone;
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
    gateway_routes(&[("", url)], ca).await
}

/// A gateway with a route per (user prefix, WebSocket URL), tried in
/// order; the application bridges each call to its route's URL.
async fn gateway_routes(routes: &[(&str, &str)], ca: Option<Vec<u8>>) -> std::net::SocketAddr {
    let routes = routes
        .iter()
        .map(|(prefix, url)| Route {
            capture_dir: None,
            transfer: true,
            user_prefix: (*prefix).to_owned(),
            domain: None,
            sources: Vec::new(),
            action: RouteAction::Application((*url).to_owned()),
        })
        .collect();
    let mut app = create_gateway(
        cfg(),
        GatewayConfig {
            routes,
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
/// in the socket buffers: a server that stops reading for longer is
/// `a_server_that_stops_reading_loses_its_call_and_holds_up_no_other`.)
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
        // Stalls: reads nothing more; `ws`, never dropped, holds the
        // connection open until the test ends.
        std::future::pending::<()>().await;
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

/// A client's call with audio to `bot` at `gw`, answered.
async fn answered_call(gw: std::net::SocketAddr) -> (SipClient, CallId, CallAudio) {
    answered_call_to(gw, "bot").await
}

/// A client's call with audio to `user` at `gw`, answered.
async fn answered_call_to(gw: std::net::SocketAddr, user: &str) -> (SipClient, CallId, CallAudio) {
    let mut client = create_sip_client(ClientConfig {
        server: cfg(),
        ..Default::default()
    })
    .await
    .unwrap();
    let uri = format!("sip:{user}@{gw}");
    let (id, audio) = client
        .make_call_audio(&uri, &CallOptions::default(), AudioConfig::default())
        .unwrap();
    assert!(matches!(next(&mut client).await, CallEvent::Answered(i) if i == id));
    (client, id, audio)
}

/// The digits bot (examples/ws_digits_bot, its call logic included here)
/// as the bridge's server: the caller sends RFC 4733 digits 1, 5, 9, #
/// and hears 1, 5, 9 back at once as DTMF tone pairs; then * and 0, said
/// back after the bot's pause. The bot is told each digit once, in order,
/// and its marks come back.
#[tokio::test]
async fn the_digits_bot_says_the_callers_digits_back_as_dtmf_tones() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/digits", listener.local_addr().unwrap());
    let (report, mut reports) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        bot::serve(ws, |line| {
            let _ = report.send(line);
        })
        .await;
    });
    let gw = gateway(&url).await;
    let (mut client, id, mut audio) = answered_call(gw).await;
    // The call's audio is running once frames arrive: digits sent before
    // would be dropped.
    tokio::time::timeout(Duration::from_secs(5), audio.recv())
        .await
        .expect("a first frame")
        .expect("the call goes on");
    client.send_dtmf(id, "159#").unwrap();
    let (mut heard, mut lines) = (Vec::new(), Vec::new());
    // Frames still to take once the last mark is back: the caller's
    // queue (10 frames) and the way to it.
    let mut tail: Option<usize> = None;
    let listen = async {
        while tail != Some(0) {
            tokio::select! {
                f = audio.recv() => {
                    heard.extend(f.expect("the call goes on").pcm().iter().map(|&s| f64::from(s)));
                    tail = tail.map(|n| n - 1);
                }
                Some(line) = reports.recv() => {
                    match line.as_str() {
                        "played said-1" => client.send_dtmf(id, "*0").unwrap(),
                        "played said-2" => tail = Some(30),
                        _ => {}
                    }
                    lines.push(line);
                }
            }
        }
    };
    let done = tokio::time::timeout(Duration::from_secs(15), listen).await;
    assert!(done.is_ok(), "both read-backs played within 15 s: {lines:?}");
    let told: String = lines.iter().filter_map(|l| l.strip_prefix("digit ")).collect();
    assert_eq!(told, "159#*0", "each digit told once, in order: {lines:?}");
    let said: Vec<&str> = lines.iter().filter_map(|l| l.strip_prefix("says ")).collect();
    assert_eq!(said, ["159", "*0"], "on # and after the pause: {lines:?}");
    assert_eq!(dtmf_digits(&heard), "159*0", "the caller heard the digits said back");
    client.end_call(id).unwrap();
    assert!(matches!(next(&mut client).await, CallEvent::Ended(i, _) if i == id));
}

/// The DTMF digits in `pcm` (8 kHz): each 20 ms frame read as the key
/// whose row and column tones both stand out (each four times the next
/// strongest of its group, in a frame of some level), a digit counted once
/// per run of at least two frames (a tone is five).
fn dtmf_digits(pcm: &[f64]) -> String {
    const ROWS: [f64; 4] = [697.0, 770.0, 852.0, 941.0];
    const COLS: [f64; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
    const KEYS: [&[u8; 4]; 4] = [b"123A", b"456B", b"789C", b"*0#D"];
    let strongest = |x: &[f64], group: &[f64; 4]| {
        let mut p: Vec<(f64, usize)> = (0..4).map(|i| (tone::goertzel(x, group[i]), i)).collect();
        p.sort_by(|a, b| b.0.total_cmp(&a.0));
        (p[0].0 > 4.0 * p[1].0).then_some(p[0].1)
    };
    let keys: Vec<Option<u8>> = pcm
        .chunks_exact(160)
        .map(
            |x| match (tone::rms(x) > 1000.0, strongest(x, &ROWS), strongest(x, &COLS)) {
                (true, Some(r), Some(c)) => Some(KEYS[r][c]),
                _ => None,
            },
        )
        .collect();
    keys.chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= 2)
        .filter_map(|run| run[0].map(char::from))
        .collect()
}

/// A WebSocket server that takes its call and then reads nothing (so it
/// answers no ping, though the kernels' buffers would take minutes of
/// audio over loopback): its call is ended with a BYE once pings have gone
/// unanswered for 5 s, and meanwhile another call on the same gateway and
/// media worker, bridged to a server that reads, keeps its audio flowing
/// both ways.
#[tokio::test]
async fn a_server_that_stops_reading_loses_its_call_and_holds_up_no_other() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let stalled = format!("ws://{}/call", listener.local_addr().unwrap());
    let (release, held) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let _ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        let _ = held.await; // the connection open, never read
    });
    let (good_url, seen) = ws_server().await;
    let gw = gateway_routes(&[("slow", &stalled), ("", &good_url)], None).await;
    let (good, good_id, mut good_audio) = answered_call(gw).await;
    let (mut slow, slow_id, mut slow_audio) = answered_call_to(gw, "slow").await;
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    // Per 20 ms tick, whether the good caller heard its echo (loud frames).
    let mut loud_at: Vec<bool> = Vec::new();
    let mut slow_ended = None;
    let mut after = 0;
    // Bounded: 30 s of ticks at most.
    while after < 50 && loud_at.len() < 1500 {
        tokio::select! {
            _ = tick.tick() => {
                let t = loud_at.len();
                let _ = good_audio.send(&tone(t * 160, 160));
                let _ = slow_audio.send(&tone(t * 160, 160));
                let mut loud = false;
                while let Ok(f) = good_audio.try_recv() {
                    loud |= f.pcm().iter().any(|s| s.unsigned_abs() > 4000);
                }
                while slow_audio.try_recv().is_ok() {}
                loud_at.push(loud);
                after += usize::from(slow_ended.is_some());
            }
            ev = slow.next_event(), if slow_ended.is_none() => {
                if let Some(CallEvent::Ended(i, why)) = ev {
                    assert_eq!((i, why), (slow_id, EndReason::RemoteBye), "the gateway hung up the stalled call");
                    slow_ended = Some(loud_at.len());
                }
            }
        }
    }
    let _ = release.send(());
    let ended = slow_ended.expect("the stalled server's call ended within 30 s");
    // The stalled bridge waited 5 s for a pong before its call ended: the
    // good call's echo came back meanwhile, and after.
    let stall = &loud_at[ended.saturating_sub(100)..ended];
    let after = &loud_at[ended..];
    let heard = |w: &[bool]| w.iter().filter(|&&l| l).count();
    assert!(
        heard(stall) > 0 && heard(after) > 0,
        "the good call's echo came back in {} of the {} ticks of the stall and {} of the {} after",
        heard(stall),
        stall.len(),
        heard(after),
        after.len()
    );
    good.end_call(good_id).unwrap();
    let s = tokio::time::timeout(Duration::from_secs(5), seen)
        .await
        .expect("the good server saw its call end")
        .unwrap();
    assert!(
        s.stop && s.sizes_ok && s.frames >= ended,
        "the good server got the caller's frames all along ({ended} ticks to the stall's end): {s:?}"
    );
}
