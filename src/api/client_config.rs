//! A client's configuration: a server's, bound to an ephemeral port, with
//! a default transport for the URIs it calls.

use super::ServerConfig;
use super::parts::Parts;
use crate::ids::TransportKind;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// A SIP client: binds an ephemeral port and places calls.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Local address (port 0: ephemeral).
    pub bind: SocketAddr,
    /// The rest, as for a server.
    pub server: ServerConfig,
    /// Transport for URIs without `;transport=`.
    pub transport: TransportKind,
}

impl Default for ClientConfig {
    fn default() -> Self {
        let bind = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);
        ClientConfig {
            bind,
            server: ServerConfig {
                sip_addr: bind,
                ..Default::default()
            },
            transport: TransportKind::Udp,
        }
    }
}

impl ClientConfig {
    pub(crate) fn into_parts(self) -> Parts {
        let server = ServerConfig {
            sip_addr: self.bind,
            ..self.server
        };
        Parts {
            default_transport: self.transport,
            ..server.into_parts()
        }
    }
}
