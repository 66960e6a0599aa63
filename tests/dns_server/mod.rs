//! A real DNS server for tests, in-process: hickory's authoritative
//! server over one zone written as a zone file, on a loopback port (UDP,
//! and TCP unless told not to). Dropped, it stops.

#![allow(dead_code)]

use hickory_server::Server;
use hickory_server::proto::rr::{LowerName, Name};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// A running DNS server.
pub struct DnsServer {
    pub addr: SocketAddr,
    server: Server<Catalog>,
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.server.shutdown_token().cancel();
    }
}

/// Serves zone `text` (whose origin is `origin`, e.g. "test.") on a free
/// loopback port, over UDP and, when `tcp`, over TCP on the same port.
pub async fn serve(origin: &str, text: &str, tcp: bool) -> DnsServer {
    let origin = Name::from_ascii(origin).expect("an origin");
    let (origin, records) = Parser::new(text, None, Some(origin)).parse().expect("a zone file");
    let zone: InMemoryZoneHandler =
        InMemoryZoneHandler::new(origin.clone(), records, ZoneType::Primary, AxfrPolicy::Deny).expect("a zone");
    let mut catalog = Catalog::new();
    let handler: Arc<dyn ZoneHandler> = Arc::new(zone);
    catalog.upsert(LowerName::new(&origin), vec![handler]);
    let mut server = Server::new(catalog);
    loop {
        let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.expect("a UDP port");
        let addr = udp.local_addr().unwrap();
        if tcp {
            // The same port on TCP, for truncated answers; another try if taken.
            let Ok(listener) = tokio::net::TcpListener::bind(addr).await else {
                continue;
            };
            server.register_listener(listener, Duration::from_secs(5), 4);
        }
        server.register_socket(udp);
        return DnsServer { addr, server };
    }
}
