//! A server's settings split into what its UA cores and what its
//! launcher need.

use super::config::ServerConfig;
use crate::ids::TransportKind;
use crate::sdp::Codec;
use crate::session::UaConfig;
use crate::transaction::TimerConfig;

/// What `launch::start` needs.
pub(crate) struct Parts {
    pub ua: UaConfig,
    pub cfg: ServerConfig,
    pub default_transport: TransportKind,
}

impl ServerConfig {
    pub(crate) fn into_parts(self) -> Parts {
        let seed = self.seed.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
        let t = self.timers;
        let ua = UaConfig {
            local: self.sip_addr,
            local_alt: self.sip_addr_alt,
            tls_local: None,
            user: self.user.clone(),
            timers: TimerConfig {
                t1: t.t1,
                t2: t.t2,
                t4: t.t4,
            },
            media_addr: self.media_addr,
            media_addr_alt: self.media_addr_alt,
            ports: self.rtp_ports,
            codecs: Codec::from_names(&self.codecs),
            max_calls: self.max_calls,
            retry_after: 5,
            seed,
            media_workers: 1,
            shard: 0,
            shards: 1,
            max_redirects: self.max_redirects,
            shed_delay: self.shed_delay,
            auth: self.auth.clone().map(super::Auth::into_config),
            access: self.access.clone(),
            registrations: self.registrations.clone(),
            registrar: self.registrar.map(|cfg| crate::registrar::Registrar {
                cfg,
                locations: Default::default(),
            }),
            srtp: self.srtp,
            dns: self.dns.clone(),
            session_timer: self.session_timer,
            node: self.cluster.as_ref().map(|c| c.node_id.clone()),
        };
        Parts {
            ua,
            cfg: self,
            default_transport: TransportKind::Udp,
        }
    }
}
