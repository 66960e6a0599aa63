//! The DNS lookups the endpoint asks for (RFC 3263), each performed on a
//! task of the driver's runtime, never on the signalling path; answers
//! come back through the select loop as inputs. The endpoint bounds how
//! many are in flight, and how long its requests wait for one.

use super::Driver;
use crate::locate::{DnsConfig, DnsResolver, LocateError, ResolveId, ServerSet};
use std::time::Instant;
use tokio::task::JoinSet;

/// One answer: the lookup's id and what DNS said.
pub(super) type Answer = (ResolveId, Result<ServerSet, LocateError>);

/// A driver's resolver and its lookups in flight.
#[derive(Debug)]
pub(crate) struct Lookups {
    /// `None`: no name servers could be set up (every lookup fails).
    resolver: Option<DnsResolver>,
    pub(super) tasks: JoinSet<Answer>,
}

impl Lookups {
    /// A resolver as `cfg` says (the system's name servers when it names
    /// none); without one, each lookup fails saying why.
    pub fn new(cfg: &DnsConfig) -> Self {
        let resolver = DnsResolver::new(cfg)
            .inspect_err(|e| tracing::warn!("no DNS: {e}; targets naming hosts fail"))
            .ok();
        Lookups {
            resolver,
            tasks: JoinSet::new(),
        }
    }
}

impl Driver {
    /// Starts every lookup the endpoint asks for.
    pub(super) fn start_lookups(&mut self) {
        while let Some(r) = self.endpoint.poll_resolve() {
            match &self.lookups.resolver {
                Some(resolver) => {
                    let resolver = resolver.clone();
                    self.lookups
                        .tasks
                        .spawn(async move { (r.id, resolver.locate(&r.query).await) });
                }
                None => {
                    let e = LocateError::Dns(r.query.host, "no DNS resolver (see the start-up log)".into());
                    self.endpoint.handle_resolved(Instant::now(), r.id, Err(e));
                }
            }
        }
    }

    /// A lookup finished (one that panicked is left to the endpoint's
    /// time bound).
    pub(super) fn on_lookup(&mut self, done: Result<Answer, tokio::task::JoinError>) {
        if let Ok((id, answer)) = done {
            self.endpoint.handle_resolved(Instant::now(), id, answer);
        }
    }
}
