//! The routes of `rvoip-gw`'s configuration as the gateway's: each
//! `[[routes]]` table into a `Route` (reject, echo, registered, a
//! WebSocket application, or a bridge to a target), its trunk password
//! file read.

use crate::config::{self, Config};
use rvoip::api::*;
use std::sync::Arc;
use std::time::Duration;

/// The gateway settings `cfg` gives (trunk password files read: one that
/// cannot be is an error naming its key).
pub fn gateway_config(cfg: &Config) -> Result<GatewayConfig, String> {
    let mut routes = Vec::new();
    for (i, r) in cfg.routes.iter().enumerate() {
        let credentials = r
            .auth
            .as_ref()
            .map(|a| crate::auth::client(a, &format!("routes[{i}].auth")))
            .transpose()?
            .map(Arc::new);
        routes.push(Route {
            capture_dir: r.capture_dir.as_ref().map(std::path::PathBuf::from),
            transfer: r.transfer.unwrap_or(true),
            user_prefix: r.user_prefix.clone(),
            domain: r.domain.clone(),
            // Checked at load (check.rs): each one parses.
            sources: r.sources.iter().filter_map(|s| crate::access::net(s)).collect(),
            action: match (r.reject, r.target.as_deref()) {
                (Some(status), _) => RouteAction::Reject(StatusCode::new(status).unwrap_or(StatusCode::FORBIDDEN)),
                (None, Some("registered")) => RouteAction::Registered,
                (None, Some("echo")) | (None, None) => RouteAction::Echo {
                    answer_after: Duration::from_millis(r.answer_after_ms),
                },
                (None, Some(ws)) if ws.starts_with("ws://") || ws.starts_with("wss://") => {
                    RouteAction::Application(ws.to_owned())
                }
                (None, Some(uri)) => RouteAction::Forward {
                    uri: uri.to_owned(),
                    transport: match r.transport {
                        config::Transport::Udp => Transport::Udp,
                        config::Transport::Tcp => Transport::Tcp,
                    },
                    codecs: r.codecs.clone(),
                    credentials,
                    srtp: r.srtp.policy(),
                    sdes_in_clear: r.sdes_in_clear,
                },
            },
        });
    }
    Ok(GatewayConfig {
        routes,
        max_calls: cfg.limits.max_calls,
        calls_per_source: cfg.limits.calls_per_source,
        max_cps: cfg.limits.max_cps,
        echo_ring: cfg.echo.ring,
    })
}
