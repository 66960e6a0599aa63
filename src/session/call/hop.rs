//! A dialog whose next hop names a host (a Record-Route or Contact with
//! a host name, RFC 3263): its requests go where the dialog formed until
//! DNS says where the hop is (from the cache at once, or when the lookup
//! answers); a hop that cannot be located keeps them there.

use super::Call;
use crate::locate::{Located, Waiter};
use crate::session::context::CallContext;
use std::time::Instant;

impl Call {
    /// Looks up its dialog's next hop if it names a host.
    pub(super) fn locate_hop(&mut self, ctx: &mut CallContext, now: Instant) {
        let Some(d) = self.dialog.as_mut() else { return };
        let Some(hop) = d.named_hop().map(str::to_owned) else {
            return;
        };
        if let Ok(Some(peers)) = ctx.locate(now, &hop, d.fallback.transport, Waiter::Hop(self.id)) {
            d.resolved = peers.first().copied().map(Box::new);
        }
    }

    /// Where DNS put its dialog's next hop (or why it could not).
    pub fn hop_located(&mut self, found: Located) {
        match (self.dialog.as_mut(), found) {
            (Some(d), Ok(peers)) => d.resolved = peers.first().copied().map(Box::new),
            (_, Err(e)) => tracing::warn!(call = %self.id, "in-dialog requests stay with the peer: {e}"),
            _ => {}
        }
    }
}
