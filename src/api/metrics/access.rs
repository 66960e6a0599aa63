//! Who was let in and who was refused: digest authentication outcomes,
//! refusals by source, blocks, and what the registrar took.

use super::{Metrics, put};

impl Metrics {
    pub(super) fn render_access(&self, out: &mut String) {
        let t = self.stats.totals();
        let (ok, challenged, failed) = (t.ua.auth_ok, t.ua.auth_challenged, t.ua.auth_failed);
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
                ("{outcome=\"refused\"}", t.ua.access_refused),
                ("{outcome=\"dropped\"}", t.ua.access_dropped),
                ("{outcome=\"blocked\"}", t.ua.access_blocks),
            ],
        );
        put(
            out,
            "rvoip_registrar_total",
            "counter",
            "REGISTERs our registrar took (ok) or refused once authenticated (refused)",
            &[
                ("{outcome=\"ok\"}", t.ua.registers_ok),
                ("{outcome=\"refused\"}", t.ua.registers_refused),
            ],
        );
    }
}
