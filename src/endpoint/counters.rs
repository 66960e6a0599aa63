//! What the driver reads of an endpoint for its status line and metrics:
//! the UA core's counters, the shedder's state, the gateway's counters.

use super::Endpoint;
use crate::gateway::Gateway;
use crate::session::UaStats;
use std::time::Duration;

impl Endpoint {
    /// The UA core's counters, with live call and transaction numbers.
    pub fn stats(&self) -> (UaStats, usize, usize) {
        self.ua.stats()
    }

    /// Whether new INVITEs are being shed for queueing delay.
    pub fn is_shedding(&self) -> bool {
        self.ua.is_shedding()
    }

    /// The longest queueing delay seen since the last call.
    pub fn take_max_queue_delay(&mut self) -> Duration {
        self.ua.take_max_delay()
    }

    /// The gateway, if this is one (for its counters).
    pub fn gateway(&self) -> Option<&Gateway> {
        self.gateway.as_ref()
    }
}
