//! TLS handshakes by side and outcome.

use super::{Metrics, put};

impl Metrics {
    pub(super) fn render_tls(&self, out: &mut String) {
        let Some(tls) = &self.tls else { return };
        let samples = tls.samples();
        let labels: Vec<String> = samples
            .iter()
            .map(|(side, outcome, _)| format!("{{side=\"{side}\",outcome=\"{outcome}\"}}"))
            .collect();
        let rows: Vec<(&str, u64)> = labels.iter().zip(&samples).map(|(l, s)| (l.as_str(), s.2)).collect();
        put(
            out,
            "rvoip_tls_handshakes_total",
            "counter",
            "TLS handshakes: in (our listener) and out (our connects), ok or why they failed (certificate, error, timeout, busy: too many from one source at once)",
            &rows,
        );
    }
}
