//! Who was let in and who was refused: digest authentication outcomes,
//! refusals by source, blocks, and what the registrar took.

use super::{Metrics, put};
use std::sync::atomic::Ordering::Relaxed;

impl Metrics {
    pub(super) fn render_access(&self, out: &mut String) {
        let g = |a: &std::sync::atomic::AtomicU64| a.load(Relaxed);
        let (ok, challenged, failed) = (
            g(&self.stats.auth_ok),
            g(&self.stats.auth_challenged),
            g(&self.stats.auth_failed),
        );
        put(
            out,
            "rvoip_auth_total",
            "counter",
            "new INVITEs and REGISTERs by digest authentication outcome (challenged: no or stale credentials; failed: wrong ones)",
            &[
                ("{outcome=\"ok\"}", ok),
                ("{outcome=\"challenged\"}", challenged.saturating_sub(failed)),
                ("{outcome=\"failed\"}", failed),
            ],
        );
        put(
            out,
            "rvoip_access_total",
            "counter",
            "requests refused for their source, datagrams of blocked sources dropped, sources blocked",
            &[
                ("{outcome=\"refused\"}", g(&self.stats.access_refused)),
                ("{outcome=\"dropped\"}", g(&self.stats.access_dropped)),
                ("{outcome=\"blocked\"}", g(&self.stats.access_blocks)),
            ],
        );
        put(
            out,
            "rvoip_registrar_total",
            "counter",
            "REGISTERs our registrar took (ok) or refused once authenticated (refused)",
            &[
                ("{outcome=\"ok\"}", g(&self.stats.registers_ok)),
                ("{outcome=\"refused\"}", g(&self.stats.registers_refused)),
            ],
        );
    }
}
