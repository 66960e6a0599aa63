//! Our outgoing calls: redirects followed, INVITEs that forked.

use super::{Metrics, put};
use std::sync::atomic::Ordering::Relaxed;

impl Metrics {
    pub(super) fn render_outgoing(&self, out: &mut String) {
        let s = &self.stats;
        for (name, help, v) in [
            (
                "rvoip_redirects_followed_total",
                "redirects (3xx) our outgoing calls followed to a new target",
                &s.redirects_followed,
            ),
            (
                "rvoip_forked_calls_total",
                "outgoing calls whose INVITE forked (early dialogs with two callees or more)",
                &s.forked_calls,
            ),
            (
                "rvoip_forks_ignored_total",
                "provisionals ignored from forks past the 16 early dialogs a call keeps",
                &s.forks_ignored,
            ),
        ] {
            put(out, name, "counter", help, &[("", v.load(Relaxed))]);
        }
    }
}
