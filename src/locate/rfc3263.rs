//! RFC 3263 §4 over DNS: a URI with a port asks only A/AAAA (§4.2); one
//! that names a transport asks that transport's SRV (§4.2); else NAPTR
//! picks the transports and the SRV names (§4.1: `SIP+D2U`, `SIP+D2T`,
//! `SIPS+D2T`; only the last for `sips:`), or, without NAPTR, the SRV
//! names of each transport are asked; with no SRV either, the host's own
//! A/AAAA at the default port. The lookups of one step run together.
//! Every list is capped, so no answer makes a lookup grow without bound.

use super::dns::{DnsResolver, failure};
use super::naptr::{naptr_services, srv_name};
use super::{LocateError, Query, Server, ServerSet};
use crate::ids::TransportKind;
use futures_util::future::join_all;
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use std::net::SocketAddr;
use std::time::Instant;

/// SRV records used per name at most.
const MAX_SRV: usize = 8;
/// Addresses used per host at most.
const MAX_ADDRS: usize = 4;

/// A name as hickory takes it: fully qualified when it has a dot (no
/// search domains), as given otherwise.
fn dns_name(host: &str) -> Result<Name, LocateError> {
    let fq = if host.contains('.') {
        [host, "."].concat()
    } else {
        host.to_owned()
    };
    Name::from_ascii(&fq).map_err(|e| LocateError::Dns(host.to_owned(), e.to_string()))
}

impl DnsResolver {
    /// RFC 3263 §4 for `q`.
    pub(super) async fn servers(&self, q: &Query) -> Result<ServerSet, LocateError> {
        let mut until = Instant::now() + std::time::Duration::from_secs(86400);
        let plain = q
            .transport
            .unwrap_or(if q.sips { TransportKind::Tls } else { TransportKind::Udp });
        let groups = match (q.port, q.transport) {
            (Some(_), _) => Vec::new(),
            (None, Some(t)) => vec![self.srv(t, &srv_name(t, &q.host), &mut until).await?],
            (None, None) => self.naptr_or_srv(q, &mut until).await?,
        };
        let mut groups: Vec<Vec<Server>> = groups.into_iter().filter(|g| !g.is_empty()).collect();
        if groups.is_empty() {
            let port = q.port.unwrap_or(if plain == TransportKind::Tls { 5061 } else { 5060 });
            let addrs = self.addresses(&q.host, port, &mut until).await?;
            let server = Server {
                transport: plain,
                priority: 0,
                weight: 0,
                addrs,
            };
            groups.push(vec![server]);
        }
        if groups.iter().flatten().all(|s| s.addrs.is_empty()) {
            return Err(LocateError::NotFound(q.host.clone()));
        }
        Ok(ServerSet {
            groups,
            valid_until: until,
        })
    }

    /// §4.1: NAPTR, else the SRV name of each transport in our order.
    async fn naptr_or_srv(&self, q: &Query, until: &mut Instant) -> Result<Vec<Vec<Server>>, LocateError> {
        let name = dns_name(&q.host)?;
        let records = match self.inner().lookup(name, RecordType::NAPTR).await {
            Ok(found) => {
                *until = (*until).min(found.valid_until());
                let naptr = found.answers().iter().filter_map(|r| match &r.data {
                    RData::NAPTR(n) => Some(n),
                    _ => None,
                });
                naptr_services(naptr, q.sips)
            }
            Err(e) => match failure(&q.host, e) {
                Some(e) => return Err(e),
                None => Vec::new(),
            },
        };
        let services = if records.is_empty() {
            let ours: &[TransportKind] = if q.sips {
                &[TransportKind::Tls]
            } else {
                &[TransportKind::Udp, TransportKind::Tcp, TransportKind::Tls]
            };
            ours.iter().map(|&t| (t, srv_name(t, &q.host))).collect()
        } else {
            records
        };
        let mut each_until: Vec<Instant> = vec![*until; services.len()];
        let lookups = services
            .iter()
            .zip(each_until.iter_mut())
            .map(|((t, n), u)| self.srv(*t, n, u));
        let groups = join_all(lookups).await.into_iter().collect::<Result<Vec<_>, _>>()?;
        *until = each_until.into_iter().fold(*until, Instant::min);
        Ok(groups)
    }

    /// The servers of SRV name `name` for `transport`, with their
    /// addresses; empty when it has none.
    async fn srv(&self, transport: TransportKind, name: &str, until: &mut Instant) -> Result<Vec<Server>, LocateError> {
        let found = match self.inner().lookup(dns_name(name)?, RecordType::SRV).await {
            Ok(found) => found,
            Err(e) => return failure(name, e).map_or(Ok(Vec::new()), Err),
        };
        *until = (*until).min(found.valid_until());
        let srv = found.answers().iter().filter_map(|r| match &r.data {
            // A target of "." says the service is not offered there.
            RData::SRV(s) if !s.target.is_root() => Some(s.clone()),
            _ => None,
        });
        let srv: Vec<_> = srv.take(MAX_SRV).collect();
        let mut each_until: Vec<Instant> = vec![*until; srv.len()];
        let lookups = srv.iter().zip(each_until.iter_mut()).map(|(s, u)| {
            let host = s.target.to_ascii();
            async move { self.addresses(host.trim_end_matches('.'), s.port, u).await }
        });
        let mut servers = Vec::new();
        for (s, addrs) in srv.iter().zip(join_all(lookups).await) {
            // A target without addresses is skipped; a failure fails it all.
            let addrs = addrs.or_else(|e| matches!(e, LocateError::NotFound(_)).then(Vec::new).ok_or(e))?;
            servers.push(Server {
                transport,
                priority: s.priority,
                weight: s.weight,
                addrs,
            });
        }
        *until = each_until.into_iter().fold(*until, Instant::min);
        Ok(servers)
    }

    /// `host`'s addresses (A and AAAA, asked together) at `port`; when
    /// it has none, the failure of either lookup (a truncated answer, a
    /// server failure) before "no records".
    async fn addresses(&self, host: &str, port: u16, until: &mut Instant) -> Result<Vec<SocketAddr>, LocateError> {
        let name = dns_name(host)?;
        let (r, a, aaaa) = (self.inner(), RecordType::A, RecordType::AAAA);
        let both = futures_util::future::join(r.lookup(name.clone(), a), r.lookup(name, aaaa)).await;
        let (mut addrs, mut failed) = (Vec::new(), None);
        for found in [both.0, both.1] {
            match found {
                Ok(found) => {
                    *until = (*until).min(found.valid_until());
                    let ips = found.answers().iter().filter_map(|r| r.data.ip_addr());
                    addrs.extend(ips.map(|ip| SocketAddr::new(ip, port)));
                }
                Err(e) => failed = failed.or(failure(host, e)),
            }
        }
        addrs.truncate(MAX_ADDRS);
        match (addrs.is_empty(), failed) {
            (true, Some(e)) => Err(e),
            (true, None) => Err(LocateError::NotFound(host.to_owned())),
            (false, _) => Ok(addrs),
        }
    }
}
