//! Binding the SIP listeners: UDP, and TCP on the same address when
//! asked, on the main address and, when there is one, on a second address
//! of the other IP family (`127.0.0.1` and `[::1]`).

use super::{ApiError, ServerConfig};
use crate::transport::{self, Inbound, UdpGroup};
use std::net::{SocketAddr, UdpSocket};
use tokio::sync::mpsc;

/// The UDP sockets bound, not yet handed to a runtime, and their addresses.
pub(super) struct Listeners {
    /// The main address's sockets and the address they got.
    pub main: UdpGroup,
    /// The second address's, when configured.
    pub alt: Option<UdpGroup>,
}

/// Binds what `cfg` asks, UDP for `shards` signalling shards; a second
/// address of the main one's family (or a media address likewise) is a
/// configuration error naming both.
pub(super) async fn bind(
    cfg: &ServerConfig,
    shards: usize,
    inbound: &mpsc::Sender<Inbound>,
) -> Result<Listeners, ApiError> {
    let same = |a: std::net::IpAddr, b: std::net::IpAddr| a.is_ipv4() == b.is_ipv4();
    if let Some(alt) = cfg.sip_addr_alt.filter(|a| same(a.ip(), cfg.sip_addr.ip())) {
        let main = cfg.sip_addr;
        return Err(ApiError::Config(format!(
            "sip_addr_alt {alt} is of sip_addr {main}'s IP family: the second address must be of the other"
        )));
    }
    if let Some(alt) = cfg.media_addr_alt.filter(|a| same(*a, cfg.media_addr)) {
        let main = cfg.media_addr;
        return Err(ApiError::Config(format!(
            "media_addr_alt {alt} is of media_addr {main}'s IP family: the second address must be of the other"
        )));
    }
    let mut refused = None;
    let main = bind_one(cfg, cfg.sip_addr, shards, &mut refused, inbound).await?;
    let alt = match cfg.sip_addr_alt {
        Some(addr) => Some(bind_one(cfg, addr, shards, &mut refused, inbound).await?),
        None => None,
    };
    match refused {
        Some(e) => tracing::warn!(
            "signalling shards share one UDP socket and hand messages over: the kernel refused the steering program ({e})"
        ),
        None if shards > 1 => {
            tracing::info!("{shards} signalling shards, UDP datagrams steered by Call-ID (reuseport eBPF)")
        }
        None => {}
    }
    Ok(Listeners { main, alt })
}

/// UDP on `addr` (a socket per shard when the kernel steers), and TCP on
/// the address UDP got when `cfg.tcp`.
async fn bind_one(
    cfg: &ServerConfig,
    addr: SocketAddr,
    shards: usize,
    refused: &mut Option<std::io::Error>,
    inbound: &mpsc::Sender<Inbound>,
) -> Result<UdpGroup, ApiError> {
    let bind_err = |addr, source| ApiError::Bind { addr, source };
    let mut tries = 0;
    loop {
        let udp = transport::bind_group(addr, shards, refused).map_err(|e| bind_err(addr, e))?;
        let local = udp.local;
        if !cfg.tcp {
            return Ok(udp);
        }
        match transport::listen_tcp(local, inbound.clone(), cfg.tcp_idle).await {
            Ok(_) => return Ok(udp),
            // Port 0: the port UDP got may be taken for TCP; pick again.
            Err(e) if addr.port() == 0 && e.kind() == std::io::ErrorKind::AddrInUse && tries < 16 => tries += 1,
            Err(e) => return Err(bind_err(local, e)),
        }
    }
}

/// The sockets handed to the runtime this is called on.
pub(super) fn to_tokio(
    main: UdpSocket,
    alt: Option<UdpSocket>,
) -> std::io::Result<(tokio::net::UdpSocket, Option<tokio::net::UdpSocket>)> {
    let alt = alt.map(tokio::net::UdpSocket::from_std).transpose()?;
    Ok((tokio::net::UdpSocket::from_std(main)?, alt))
}
