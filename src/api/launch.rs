//! Starting an endpoint: the media plane, then one signalling shard per
//! thread. Shard 0 runs on the caller's tokio runtime; each further shard
//! on a thread of its own with a current-thread runtime. Each reads a UDP
//! socket of its own, to which the kernel steers its calls' datagrams (or,
//! when it cannot, all share one); all share the media plane and the event
//! queue; each owns the calls whose Call-ID hashes to it.

use super::parts::Parts;
use super::{ApiError, SipUa};
use crate::driver::{ApiLink, Driver, LiveStats, ShardLink, SipIo};
use crate::endpoint::Endpoint;
use crate::gateway::{Admission, Gateway, GatewayConfig};
use crate::media::{MediaConfig, MediaPlane, WorkerConfig};
use crate::transport::TcpTable;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;
use tokio::sync::mpsc;

/// Depth of the command, event and hand-over queues.
const QUEUE: usize = 65536;

pub(crate) async fn start(parts: Parts, gateway: Option<GatewayConfig>) -> Result<SipUa, ApiError> {
    let Parts {
        mut ua,
        cfg,
        default_transport,
    } = parts;
    if let Some(auth) = &cfg.auth {
        auth.checked_algorithms()
            .map_err(|e| ApiError::Config(format!("auth: {e}")))?;
    }
    let bind_err = |addr, source| ApiError::Bind { addr, source };
    let shards = match cfg.sip_threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let (in_tx, in_rx) = mpsc::channel(QUEUE);
    let listeners = super::listen::bind(&cfg, shards, &in_tx).await?;
    let local = listeners.main.local;
    ua.local = local;
    ua.local_alt = listeners.alt.as_ref().map(|g| g.local);
    let tls = match &cfg.tls {
        Some(t) => Some(super::tls_start::start(t, in_tx.clone(), cfg.tcp_idle, &mut ua).await?),
        None => None,
    };
    let (media_txs, mut media_rxs): (Vec<_>, Vec<_>) = (0..shards).map(|_| mpsc::channel(QUEUE)).unzip();
    let worker = WorkerConfig {
        ip: cfg.media_addr,
        relatch: Duration::from_secs(2),
        timeout: cfg.media_timeout,
        opus: cfg.media_opus,
        park_max: usize::MAX,
        max_delay: cfg.media_max_delay,
        io: cfg.media_io,
        kernel: cfg.media_kernel,
        busy_poll: Duration::ZERO,
    };
    let media = MediaPlane::start_sharded(
        MediaConfig {
            workers: cfg.media_workers,
            pin: true,
            realtime: cfg.media_realtime,
            transcoders: cfg.media_transcoders,
            worker,
        },
        media_txs,
    )
    .map_err(|e| ApiError::Config(format!("media workers: {e}")))?;
    let media = Arc::new(media);
    ua.media_workers = media.workers();
    ua.shards = shards;
    let stats = Arc::new(LiveStats::new(shards));
    stats
        .steered
        .store(listeners.main.is_steered(), std::sync::atomic::Ordering::Relaxed);
    let admission = gateway.as_ref().map(|g| Arc::new(Admission::new(g.max_calls)));
    let (ev_tx, ev_rx) = mpsc::channel(QUEUE);
    let (fwd_txs, mut fwd_rxs): (Vec<_>, Vec<_>) = (0..shards).map(|_| mpsc::channel(QUEUE)).unzip();
    let peers = if shards > 1 { fwd_txs } else { Vec::new() };
    let (commands, mut cmd_rxs): (Vec<_>, Vec<_>) = (0..shards).map(|_| mpsc::channel(QUEUE)).unzip();
    let cluster = match &cfg.cluster {
        Some(c) => Some(crate::cluster::start(c, &commands).await.map_err(ApiError::Config)?),
        None => None,
    };
    let mut control = Vec::new();
    let mut tcp_inbound = Some(in_rx);
    for shard in 0..shards {
        let cmd_rx = cmd_rxs.remove(0);
        let (ctl_tx, ctl_rx) = mpsc::channel(4);
        control.push(ctl_tx);
        let gateway = gateway
            .clone()
            .zip(admission.clone())
            .map(|(g, s)| Gateway::sharded(g, s, shard, shards));
        // Registrations live on shard 0 (their Call-IDs hash there).
        let registrations = if shard == 0 {
            ua.registrations.clone()
        } else {
            Vec::new()
        };
        let endpoint = Endpoint::new(
            crate::session::UaConfig {
                shard,
                registrations,
                ..ua.clone()
            },
            gateway,
            std::time::Instant::now(),
            std::time::SystemTime::now(),
        );
        // Only the first shard hears the TCP tasks; the others' queue stays empty.
        let inbound = tcp_inbound.take().unwrap_or_else(|| mpsc::channel(1).1);
        let (stats, media, events, peers) = (stats.clone(), media.clone(), ev_tx.clone(), peers.clone());
        let (media_events, forwarded) = (media_rxs.remove(0), fwd_rxs.remove(0));
        let tcp = TcpTable::new(
            in_tx.clone(),
            cfg.tcp_idle,
            cfg.tcp_max,
            tls.as_ref().map(|t| t.client.clone()),
        );
        let sock = listeners.main.socket_for(shard).map_err(|e| bind_err(local, e))?;
        let alt = match &listeners.alt {
            Some(g) => Some(g.socket_for(shard).map_err(|e| bind_err(g.local, e))?),
            None => None,
        };
        let dns = cfg.dns.clone();
        let replica = cluster.as_ref().map(|c| (c.replica.clone(), c.stats.clone()));
        let driver = move |(udp, udp_alt)| {
            Driver::new(
                endpoint,
                SipIo {
                    udp,
                    udp_alt,
                    tcp,
                    inbound,
                },
                ApiLink {
                    commands: cmd_rx,
                    events,
                    control: ctl_rx,
                    replica,
                },
                (media, media_events),
                ShardLink {
                    index: shard,
                    peers,
                    forwarded,
                },
                stats,
                &dns,
            )
        };
        if shard == 0 {
            let udp = super::listen::to_tokio(sock, alt).map_err(|e| bind_err(local, e))?;
            tokio::spawn(driver(udp).run());
            continue;
        }
        std::thread::Builder::new()
            .name(format!("rvoip-sip-{shard}"))
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
                let Ok(rt) = rt else {
                    return tracing::error!("signalling shard {shard}: no runtime");
                };
                rt.block_on(async move {
                    match super::listen::to_tokio(sock, alt) {
                        Ok(udp) => driver(udp).run().await,
                        Err(e) => tracing::error!("signalling shard {shard}: {e}"),
                    }
                });
            })
            .map_err(|e| ApiError::Config(format!("signalling threads: {e}")))?;
    }
    Ok(SipUa {
        commands,
        events: ev_rx,
        stats,
        local,
        local_alt: ua.local_alt,
        tls_local: ua.tls_local,
        tls,
        next_id: AtomicU64::new(1 << 62),
        media,
        transport: default_transport,
        control,
        shelf: Default::default(),
        cluster: cluster.map(|c| c.stats),
    })
}
