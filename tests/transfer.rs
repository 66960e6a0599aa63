//! Transfer over loopback, the API on every side of a real gateway: the
//! callee transfers the caller (`transfer_call`, a blind REFER) to
//! `carol`, whom the gateway's own route reaches; the caller and carol
//! then hear each other's tones through the gateway's media worker, the
//! callee hears how it went (`Transferred`, 200) and is hung up. The
//! protocol's corners run in simulated time (sim_transfer.rs).

use rvoip::api::*;
use std::time::Duration;

mod events;
mod ports;
mod tone;
use events::next;

fn cfg(pairs: u16) -> ServerConfig {
    let base = ports::free_block(pairs);
    ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: (base, base + 2 * pairs),
        media_workers: 1,
        ..Default::default()
    }
}

/// A route for users starting `prefix` to `uri`.
fn route(prefix: &str, uri: String) -> Route {
    Route {
        capture_dir: None,
        transfer: true,
        user_prefix: prefix.into(),
        domain: None,
        sources: Vec::new(),
        action: RouteAction::Forward {
            uri,
            transport: Transport::Udp,
            codecs: Vec::new(),
            credentials: None,
            srtp: Default::default(),
            sdes_in_clear: false,
        },
    }
}

/// Sends `freq` for `ticks` frames of 20 ms; what arrived in the 400 ms
/// before the last 400 ms (when the other side, started a little later
/// or earlier, is sure to be talking too).
async fn talk(mut audio: CallAudio, freq: f64, ticks: usize) -> Vec<f64> {
    let (rate, len) = (audio.rate(), audio.frame_len());
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let mut heard = Vec::new();
    for t in 0..ticks {
        tick.tick().await;
        let _ = audio.send(&tone::sine(t * len, len, freq, f64::from(rate), 8000.0));
        while let Ok(f) = audio.try_recv() {
            heard.extend(f.pcm().iter().map(|&s| f64::from(s)));
        }
    }
    let window = (rate as usize) * 2 / 5;
    heard.truncate(heard.len().saturating_sub(window));
    heard.split_off(heard.len().saturating_sub(window))
}

/// Whether `x` (8 kHz) carries `freq`, loud and above its neighbours.
fn carries(x: &[f64], freq: f64) -> bool {
    tone::rms(x) > 1000.0 && tone::share_at(x, freq, 8000.0) > 0.5
}

#[tokio::test]
async fn the_callee_transfers_the_caller_to_carol_who_hears_it() {
    let mut callee = create_sip_server(cfg(4)).await.unwrap();
    let mut carol = create_sip_server(cfg(4)).await.unwrap();
    let routes = vec![
        route("carol", format!("sip:{}", carol.local_addr())),
        route("", format!("sip:{}", callee.local_addr())),
    ];
    let gw = create_gateway(
        cfg(8),
        GatewayConfig {
            routes,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut caller = create_sip_client(ClientConfig {
        server: cfg(4),
        ..Default::default()
    })
    .await
    .unwrap();
    let id = caller.make_call(&format!("sip:bob@{}", gw.local_addr())).unwrap();
    let CallEvent::Incoming(inc) = next(&mut callee).await else {
        panic!("no call")
    };
    let sid = callee.accept_call(inc).unwrap();
    assert!(matches!(next(&mut caller).await, CallEvent::Answered(i) if i == id));
    assert!(matches!(next(&mut callee).await, CallEvent::Answered(i) if i == sid));
    let caller_talks = tokio::spawn(talk(caller.take_audio(id).unwrap(), 500.0, 150));

    let bad = callee.transfer_call(sid, "carol");
    assert!(matches!(bad, Err(ApiError::Config(_))), "{bad:?}");
    callee
        .transfer_call(sid, &format!("sip:carol@{}", gw.local_addr()))
        .unwrap();
    let CallEvent::Incoming(inc) = next(&mut carol).await else {
        panic!("carol not called")
    };
    assert_eq!(inc.user(), "carol");
    let cid = carol.accept_call(inc).unwrap();
    let carol_talks = tokio::spawn(talk(carol.take_audio(cid).unwrap(), 1200.0, 150));
    assert!(matches!(next(&mut carol).await, CallEvent::Answered(i) if i == cid));
    let ev = next(&mut callee).await;
    assert!(
        matches!(ev, CallEvent::Transferred(i, s) if i == sid && s == StatusCode::OK),
        "{ev:?}"
    );
    let ev = next(&mut callee).await;
    assert!(
        matches!(ev, CallEvent::Ended(i, EndReason::Transferred) if i == sid),
        "{ev:?}"
    );

    let (caller_heard, carol_heard) = (caller_talks.await.unwrap(), carol_talks.await.unwrap());
    assert!(carries(&caller_heard, 1200.0), "the caller hears carol");
    assert!(carries(&carol_heard, 500.0), "carol hears the caller");
    caller.end_call(id).unwrap();
    let ev = next(&mut carol).await;
    assert!(
        matches!(ev, CallEvent::Ended(i, EndReason::RemoteBye) if i == cid),
        "{ev:?}"
    );
    let g = gw.gateway_stats();
    assert_eq!(g.active, 0);
}
