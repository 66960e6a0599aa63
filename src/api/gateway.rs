//! The gateway face: a SIP server whose incoming calls are routed by the
//! B2BUA (reject, echo, or bridged to a target with anchored media).

use super::{ApiError, ServerConfig, SipUa};
use crate::driver::Control;
pub use crate::gateway::{GatewayConfig, GatewayStats, Route, RouteAction, SETUP_BUCKETS_MS};
use std::time::Duration;

/// A running gateway (see [`create_gateway`]). Its event stream reports
/// every leg's progress; incoming calls are routed, and only those an
/// [`RouteAction::Application`] route hands over surface as
/// `CallEvent::Incoming` (their `target()` says the route's target).
pub struct SipGateway(SipUa);

super::handles::ua_handle!(SipGateway);

/// Starts a gateway: a SIP server on `server.sip_addr` whose calls follow
/// `gateway`'s routes. `server.max_calls` bounds the session layer (each
/// bridged call is two sessions); `gateway.max_calls` bounds inbound calls.
pub async fn create_gateway(server: ServerConfig, gateway: GatewayConfig) -> Result<SipGateway, ApiError> {
    if gateway.max_calls == 0 {
        return Err(ApiError::Config("gateway max_calls must be at least 1".into()));
    }
    super::launch::start(server.into_parts(), Some(gateway))
        .await
        .map(SipGateway)
}

impl SipGateway {
    /// Stops admitting calls (503 + Retry-After); calls in progress may
    /// finish for `grace`, then the rest are ended with BYE (or CANCEL).
    pub fn drain(&self, grace: Duration) -> Result<(), ApiError> {
        for c in &self.0.control {
            c.try_send(Control::Drain(grace)).map_err(|_| ApiError::Closed)?;
        }
        Ok(())
    }

    /// A handle for a metrics exporter, with the B2BUA's counters.
    pub fn metrics(&self) -> super::Metrics {
        super::Metrics {
            gateway: true,
            ..self.0.metrics()
        }
    }

    /// The B2BUA's counters.
    pub fn gateway_stats(&self) -> GatewayStats {
        self.0.stats.gateway_total()
    }
}
