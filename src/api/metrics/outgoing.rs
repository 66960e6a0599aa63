//! Our outgoing calls: redirects followed, INVITEs that forked.

use super::{Metrics, put};

impl Metrics {
    pub(super) fn render_outgoing(&self, out: &mut String) {
        let t = self.stats.totals();
        for (name, help, v) in [
            (
                "rvoip_redirects_followed_total",
                "redirects (3xx) our outgoing calls followed to a new target",
                t.ua.redirects_followed,
            ),
            (
                "rvoip_forked_calls_total",
                "outgoing calls whose INVITE forked (early dialogs with two callees or more)",
                t.ua.forked_calls,
            ),
            (
                "rvoip_forks_ignored_total",
                "provisionals ignored from forks past the 16 early dialogs a call keeps",
                t.ua.forks_ignored,
            ),
        ] {
            put(out, name, "counter", help, &[("", v)]);
        }
    }
}
