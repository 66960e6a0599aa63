//! The tokio glue around one [`Endpoint`]: it reads the SIP sockets and
//! the API, media and shard queues, feeds each input to the endpoint with
//! the time it arrived, performs the endpoint's outputs (media commands
//! to the workers, transmits to UDP in `sendmmsg` batches or to a TCP
//! connection, events to the API) and sleeps until the endpoint's next
//! deadline. Every protocol decision, and the order of the outputs, is the
//! endpoint's: nothing here reads a SIP message beyond logging it.

mod dispatch;
mod flush;
mod lookups;
mod run;
mod slot;
mod stats;

pub(crate) use slot::Published;
pub(crate) use stats::LiveStats;

use crate::endpoint::Endpoint;
use crate::media::{MediaEvent, MediaPlane};
use crate::session::{Command, SessionEvent};
use crate::transport::{Inbound, TcpTable};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// Requests to a driver from its endpoint's owner.
#[derive(Debug, Clone)]
pub(crate) enum Control {
    /// Stop admitting calls; end the rest after this grace time.
    Drain(Duration),
    /// Who may authenticate from now on (a reloaded credentials file).
    Credentials(std::sync::Arc<crate::auth::Credentials>),
}

/// The queues between one driver and the API.
#[derive(Debug)]
pub(crate) struct ApiLink {
    /// Commands from the API.
    pub commands: mpsc::Receiver<Command>,
    /// Events to the API.
    pub events: mpsc::Sender<SessionEvent>,
    /// Requests to the gateway (drain).
    pub control: mpsc::Receiver<Control>,
    /// Changes for the cluster's replica, and where a full queue is
    /// counted (`None`: no cluster).
    pub replica: Option<(
        mpsc::Sender<crate::session::ReplicaOp>,
        Arc<crate::cluster::ClusterStats>,
    )>,
}

/// One driver's place among the signalling shards.
#[derive(Debug)]
pub(crate) struct ShardLink {
    /// This shard's index.
    pub index: usize,
    /// Every shard's queue of handed-over messages (empty: unsharded).
    pub peers: Vec<mpsc::Sender<Inbound>>,
    /// Messages other shards handed to this one.
    pub forwarded: mpsc::Receiver<Inbound>,
}

/// The SIP sockets a driver reads and writes.
#[derive(Debug)]
pub(crate) struct SipIo {
    /// The UDP socket (shared by every shard).
    pub udp: UdpSocket,
    /// The UDP socket of our address in the other IP family, if any.
    pub udp_alt: Option<UdpSocket>,
    /// The TCP connection table.
    pub tcp: TcpTable,
    /// TCP frames and connection news.
    pub inbound: mpsc::Receiver<Inbound>,
}

impl SipIo {
    /// Whether a datagram to `to` leaves from `udp_alt` (it is of its IP
    /// family, and `udp` is not).
    fn is_alt(&self, to: std::net::SocketAddr) -> bool {
        // The main socket's family, read only when there is another.
        self.udp_alt.is_some() && self.udp.local_addr().is_ok_and(|a| a.is_ipv4() != to.is_ipv4())
    }

    /// The UDP socket, the main one or the other family's.
    fn udp(&self, alt: bool) -> &UdpSocket {
        match (&self.udp_alt, alt) {
            (Some(s), true) => s,
            _ => &self.udp,
        }
    }
}

/// Waits until `s` (when there is one) is readable.
async fn readable(s: Option<&UdpSocket>) -> std::io::Result<()> {
    match s {
        Some(s) => s.readable().await,
        None => std::future::pending().await,
    }
}

/// Runs one [`Endpoint`] on tokio.
pub(crate) struct Driver {
    endpoint: Endpoint,
    io: SipIo,
    outbox: flush::Outbox,
    api: ApiLink,
    media: Arc<MediaPlane>,
    media_events: mpsc::Receiver<MediaEvent>,
    shard: ShardLink,
    stats: Arc<LiveStats>,
    published: Published,
    lookups: lookups::Lookups,
}

impl Driver {
    /// A driver for `endpoint` over these sockets and queues, looking up
    /// names as `dns` says.
    pub fn new(
        endpoint: Endpoint,
        io: SipIo,
        api: ApiLink,
        (media, media_events): (Arc<MediaPlane>, mpsc::Receiver<MediaEvent>),
        shard: ShardLink,
        stats: Arc<LiveStats>,
        dns: &crate::locate::DnsConfig,
    ) -> Self {
        Driver {
            endpoint,
            io,
            outbox: flush::Outbox::default(),
            api,
            media,
            media_events,
            shard,
            stats,
            published: Published::default(),
            lookups: lookups::Lookups::new(dns),
        }
    }
}
