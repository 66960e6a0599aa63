//! Our registrations to trunks: whether each is bound, and for how long
//! the registrar granted it.

use super::Metrics;
use crate::session::RegistrationState;
use std::fmt::Write;

impl Metrics {
    pub(super) fn render_registrations(&self, out: &mut String) {
        let list = self.stats.registrations.lock().map(|r| r.clone()).unwrap_or_default();
        if list.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "# HELP rvoip_registration_up whether the registrar holds our binding for the address-of-record (1) or not (0)\n\
             # TYPE rvoip_registration_up gauge"
        );
        for (aor, state) in &list {
            let up = matches!(state, RegistrationState::Registered { .. });
            let _ = writeln!(out, "rvoip_registration_up{{aor=\"{}\"}} {}", label(aor), u8::from(up));
        }
        let _ = writeln!(
            out,
            "# HELP rvoip_registration_expires_seconds the expiry the registrar last granted (0: not registered)\n\
             # TYPE rvoip_registration_expires_seconds gauge"
        );
        for (aor, state) in &list {
            let expires = match state {
                RegistrationState::Registered { expires, .. } => *expires,
                _ => 0,
            };
            let _ = writeln!(
                out,
                "rvoip_registration_expires_seconds{{aor=\"{}\"}} {expires}",
                label(aor)
            );
        }
    }
}

/// A label value escaped as the exposition format wants (`\`, `"`, newline).
fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}
