//! `rvoip-gw` serving: the echo service and reject routes on a SIP server,
//! with a one-line status every second.

use crate::config::{Config, Route};
use rvoip::api::*;
use std::time::{Duration, Instant};

pub fn server_config(cfg: &Config) -> ServerConfig {
    ServerConfig {
        sip_addr: cfg.sip.listen,
        udp: true,
        tcp: cfg.sip.tcp,
        media_addr: cfg.media.address,
        rtp_ports: (cfg.media.port_min, cfg.media.port_max),
        timers: Timers {
            t1: Duration::from_millis(cfg.timers.t1_ms),
            t2: Duration::from_millis(cfg.timers.t2_ms),
            t4: Duration::from_millis(cfg.timers.t4_ms),
        },
        max_calls: cfg.limits.max_calls,
        user: cfg.sip.user.clone(),
        codecs: cfg.media.codecs.clone(),
        tcp_idle: Duration::from_secs(cfg.sip.tcp_idle_secs),
        tcp_max: cfg.sip.tcp_max_connections,
        seed: None,
        media_workers: cfg.media.workers,
        media_timeout: Duration::from_secs(cfg.media.timeout_secs),
    }
}

/// Runs until SIGINT or SIGTERM.
pub async fn run(cfg: Config) -> Result<(), String> {
    let mut server = create_sip_server(server_config(&cfg))
        .await
        .map_err(|e| e.to_string())?;
    let proto = if cfg.sip.tcp { "UDP+TCP" } else { "UDP" };
    eprintln!("rvoip-gw listening on {} ({proto}), echo service", server.local_addr());
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut last = (Instant::now(), 0u64);
    let mut term =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(|e| e.to_string())?;
    loop {
        tokio::select! {
            ev = server.next_event() => match ev {
                Some(CallEvent::Incoming(call)) => route(&server, &cfg, call),
                Some(ev) => tracing::debug!(?ev, "call event"),
                None => return Err("signalling stopped".into()),
            },
            _ = tick.tick() => {
                let s = server.stats();
                let now = Instant::now();
                let cps = (s.total - last.1) as f64 / now.duration_since(last.0).as_secs_f64();
                last = (now, s.total);
                eprintln!("active={} cps={cps:.1} total={} failed={} overload={} bad={}", s.active, s.total, s.failed, s.overload, s.bad_answered);
            }
            _ = tokio::signal::ctrl_c() => break,
            _ = term.recv() => break,
        }
    }
    eprintln!("rvoip-gw stopping");
    Ok(())
}

fn route(server: &SipServer, cfg: &Config, call: IncomingCall) {
    let rule = cfg
        .routes
        .iter()
        .find(|r| call.user().starts_with(r.user_prefix.as_str()));
    let result = match rule {
        None => server.reject_call(call, 404),
        Some(Route {
            reject: Some(status), ..
        }) => server.reject_call(call, *status),
        Some(r) => {
            if cfg.echo.ring {
                let _ = call.ring();
            }
            if r.answer_after_ms == 0 {
                call.accept_echo().map(|_| ())
            } else {
                let delay = Duration::from_millis(r.answer_after_ms);
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let _ = call.accept_echo();
                });
                Ok(())
            }
        }
    };
    if let Err(e) = result {
        tracing::warn!(%e, "could not answer a call");
    }
}
