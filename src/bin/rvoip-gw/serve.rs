//! `rvoip-gw` serving: the B2BUA with its routes (reject, echo, bridge),
//! a one-line status every second, a graceful drain on SIGTERM, the
//! credentials reread on SIGHUP.

use crate::config::{self, Config};
use rvoip::api::*;
use std::time::{Duration, Instant};

/// The server settings `cfg` gives (the credentials file read: a missing
/// or bad one is an error naming `auth.credentials`).
pub fn server_config(cfg: &Config) -> Result<ServerConfig, String> {
    crate::listen::check_route_families(cfg)?;
    let ((sip_addr, sip_addr_alt), (media_addr, media_addr_alt)) =
        (crate::listen::sip(cfg)?, crate::listen::media(cfg)?);
    Ok(ServerConfig {
        sip_addr,
        sip_addr_alt,
        tcp: cfg.sip.tcp,
        media_addr,
        media_addr_alt,
        rtp_ports: (cfg.media.port_min, cfg.media.port_max),
        timers: Timers {
            t1: Duration::from_millis(cfg.timers.t1_ms),
            t2: Duration::from_millis(cfg.timers.t2_ms),
            t4: Duration::from_millis(cfg.timers.t4_ms),
        },
        // Each bridged call is two sessions; the gateway's own limit binds.
        max_calls: cfg.limits.max_calls.saturating_mul(2).saturating_add(16),
        user: cfg.sip.user.clone(),
        codecs: cfg.media.codecs.clone(),
        tcp_idle: Duration::from_secs(cfg.sip.tcp_idle_secs),
        tcp_max: cfg.sip.tcp_max_connections,
        seed: None,
        media_workers: cfg.media.workers,
        media_realtime: cfg.media.realtime_priority,
        sip_threads: cfg.sip.threads,
        media_timeout: Duration::from_secs(cfg.media.timeout_secs),
        media_max_delay: Duration::from_millis(cfg.media.max_delay_ms),
        media_transcoders: cfg.media.transcoders,
        media_opus: rvoip::media::OpusSettings {
            complexity: cfg.media.opus_complexity,
            bitrate: cfg.media.opus_bitrate,
        },
        media_io: cfg.media.io.parse().unwrap_or_default(),
        media_kernel: cfg.media.kernel.parse().unwrap_or_default(),
        max_redirects: cfg.sip.max_redirects,
        shed_delay: Some(Duration::from_millis(cfg.limits.overload_delay_ms)).filter(|d| !d.is_zero()),
        auth: crate::auth::load(&cfg.auth)?,
        access: crate::access::load(cfg)?,
        registrations: crate::registrations::load(&cfg.registrations)?,
        registrar: crate::registrations::registrar(cfg)?,
        tls: crate::tls::load(&cfg.tls)?,
        dns: crate::dns::load(&cfg.dns)?,
        cluster: crate::cluster::load(&cfg.cluster)?,
        srtp: ListenerSrtp {
            plain: cfg.sip.srtp.policy(),
            tls: cfg.tls.srtp.policy(),
            sdes_in_clear: cfg.sip.sdes_in_clear,
        },
        session_timer: SessionTimerConfig {
            expires: cfg.timers.session_expires_s,
            min_se: cfg.timers.min_se_s,
        },
    })
}

/// Runs until SIGINT (end calls now) or SIGTERM (drain for
/// `limits.drain_secs`), then exits once every call has ended.
pub async fn run(cfg: Config) -> Result<(), String> {
    let mut gw = create_gateway(server_config(&cfg)?, crate::routes::gateway_config(&cfg)?)
        .await
        .map_err(|e| e.to_string())?;
    let mut cdrs = crate::cdr::Cdrs::open(&cfg.cdr.file)?;
    let fits = rvoip::api::bridged_calls_within_fd_limit();
    if cfg.limits.max_calls as u64 > fits {
        tracing::warn!(
            "the open-file limit holds the media of about {fits} bridged calls (4 sockets each), fewer than \
             limits.max_calls = {}: calls past it are ended (no_media); raise the limit (LimitNOFILE) or lower \
             limits.max_calls",
            cfg.limits.max_calls
        );
    }
    cfg.media.warn_ephemeral();
    if let Ok(addr) = cfg.metrics.listen.parse() {
        let bound = crate::metrics::start(addr, gw.metrics()).await?;
        eprintln!("rvoip-gw metrics on http://{bound}/metrics");
    }
    let proto = if cfg.sip.tcp { "UDP+TCP" } else { "UDP" };
    let tls = gw.tls_addr().map(|a| format!(", {a} (TLS)")).unwrap_or_default();
    let routes: Vec<String> = cfg.routes.iter().map(describe).collect();
    let alt = gw.alt_addr().map(|a| format!(" and {a}")).unwrap_or_default();
    eprintln!(
        "rvoip-gw listening on {}{alt} ({proto}){tls}; routes: {}",
        gw.local_addr(),
        routes.join(", ")
    );
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut last = (Instant::now(), 0u64);
    let mut rates = crate::status::MediaRates::new(Instant::now(), gw.media_stats());
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut hup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    // Made once: `tokio::signal::ctrl_c()` in the loop registered a new
    // listener (a lock and an allocation) for every call's record.
    let mut int = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
    let mut stop_by: Option<Instant> = None;
    let (mut quiet_ticks, mut ws) = (0, crate::ws::WsCalls::new(&cfg)?);
    loop {
        tokio::select! {
            ev = gw.next_event() => match ev {
                Some(CallEvent::Record(r)) => cdrs.write(&r),
                Some(ev) => ws.handle(ev),
                None => return Err("signalling stopped".into()),
            },
            _ = tick.tick() => {
                cdrs.flush();
                let (s, g) = (gw.stats(), gw.gateway_stats());
                // mimalloc purges freed pages lazily, on a later allocation
                // of the same thread: once a second, let the signalling
                // thread give back what a load peak left behind (with no
                // call up and no transaction left, everything it can).
                let idle = s.active == 0 && s.transactions == 0;
                // SAFETY: a plain call into the global allocator.
                unsafe { libmimalloc_sys::mi_collect(idle) };
                let now = Instant::now();
                let admitted = g.bridged + g.echoed;
                let cps = (admitted - last.1) as f64 / now.duration_since(last.0).as_secs_f64();
                last = (now, admitted);
                let regs = gw.registrations();
                let bound = regs.iter().filter(|r| r.is_registered()).count();
                let reg = if regs.is_empty() { String::new() } else { format!(" reg={bound}/{}", regs.len()) };
                eprintln!(
                    "calls={} legs={} cps={cps:.1} bridged={} echoed={} failed={} refused={} bad={} rtp_in={} rtp_out={} rtp_lost={}{}{reg}{}",
                    g.active, s.active, g.bridged, g.echoed, s.failed,
                    g.over_limit + g.rate_limited + g.over_rate + g.drain_rejected + s.overload, s.bad_answered,
                    s.rtp_in, s.rtp_out, s.rtp_lost, rates.line(now, gw.media_stats()),
                    match (g.draining, s.shedding > 0) {
                        (true, _) => " draining",
                        (false, true) => " shedding",
                        _ => "",
                    }
                );
                // Drained (no call left, every registration removed): one
                // more tick for the last calls' records.
                let unbound = regs.iter().all(|r| r.state == RegistrationState::Unregistered);
                quiet_ticks = if g.draining && g.active == 0 && s.active == 0 && unbound { quiet_ticks + 1 } else { 0 };
                if stop_by.is_some_and(|t| now >= t) || quiet_ticks >= 2 {
                    break;
                }
            }
            _ = int.recv(), if stop_by.is_none() => {
                eprintln!("rvoip-gw: SIGINT, ending every call");
                gw.drain(Duration::ZERO).map_err(|e| e.to_string())?;
                stop_by = Some(Instant::now() + Duration::from_secs(5));
            }
            _ = hup.recv() => {
                crate::auth::reload(&cfg.auth, &gw);
                crate::tls::reload(&cfg.tls, &gw);
            }
            _ = term.recv(), if stop_by.is_none() => {
                let grace = Duration::from_secs(cfg.limits.drain_secs);
                eprintln!("rvoip-gw: SIGTERM, draining for up to {grace:?}");
                gw.drain(grace).map_err(|e| e.to_string())?;
                stop_by = Some(Instant::now() + grace + Duration::from_secs(5));
            }
        }
    }
    cdrs.flush();
    eprintln!("rvoip-gw stopped");
    Ok(())
}

fn describe(r: &config::Route) -> String {
    let what = match (r.reject, r.target.as_deref()) {
        (Some(s), _) => format!("reject {s}"),
        (None, Some(t)) => t.to_owned(),
        (None, None) => "echo".into(),
    };
    format!(
        "{:?}{} -> {what}",
        r.user_prefix,
        r.domain.as_ref().map(|d| format!("@{d}")).unwrap_or_default()
    )
}
