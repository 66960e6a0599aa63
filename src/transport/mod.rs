//! Sockets, connections and framing (tokio lives here). Reads bytes and
//! hands them up with their source; never interprets a request.

pub(crate) mod steer;
mod stream;
mod tcp;
mod tls;
mod tls_listen;
mod tls_stats;
mod tls_trust;
mod udp;

pub use steer::{UdpGroup, bind_group};
pub use tcp::{TcpTable, listen_tcp};
pub use tls::{TlsClient, TlsServer};
pub use tls_listen::listen_tls;
pub use tls_stats::TlsStats;
pub use tls_trust::client_config;

use crate::ids::Peer;
use bytes::Bytes;
use tokio::sync::mpsc;

/// What connection tasks report to the signalling driver.
#[derive(Debug)]
pub enum Inbound {
    /// One framed message from a stream.
    Message(Bytes, Peer),
    /// A connection was accepted; send on it through this queue.
    Connected(Peer, mpsc::Sender<Bytes>),
    /// A connection closed (peer, idle timeout, framing error).
    Closed(Peer),
    /// A connection we opened could not be made (refused, TLS handshake
    /// failed): nothing was sent.
    Unreachable(Peer),
}
