//! `[[registrations]]`: the trunks rvoip-gw registers to (RFC 3261 §10),
//! each with its address-of-record, registrar, expiry and credentials (a
//! password file or HA1 hashes, as for `routes[].auth`). A bad entry stops
//! start-up naming its key.

use rvoip::api::{RegistrarConfig, RegistrationConfig};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationCfg {
    /// `sip:user@domain`.
    pub aor: String,
    /// `sip:host[:port][;transport=tcp]`.
    pub registrar: String,
    /// Seconds asked for.
    #[serde(default = "default_expires")]
    pub expires: u32,
    /// The user part of our Contact (default: the AOR's).
    #[serde(default)]
    pub contact_user: String,
    pub auth: Option<crate::auth::RouteAuth>,
}

fn default_expires() -> u32 {
    3600
}

/// The registrar `[registrar]` asks for, checked (it needs `[auth]`: an
/// open registrar lets anyone take any user's calls).
pub fn registrar(cfg: &crate::config::Config) -> Result<Option<RegistrarConfig>, String> {
    let r = &cfg.registrar;
    if !r.enabled {
        return Ok(None);
    }
    if cfg.auth.credentials.is_empty() {
        return Err("registrar.enabled: needs auth.credentials (who may register)".into());
    }
    if r.min_expires == 0 || r.min_expires > r.max_expires {
        return Err("registrar.min_expires: must be at least 1 and at most max_expires".into());
    }
    if !(r.min_expires..=r.max_expires).contains(&r.default_expires) {
        return Err("registrar.default_expires: must lie between min_expires and max_expires".into());
    }
    if r.max_contacts == 0 || r.max_bindings == 0 {
        return Err("registrar.max_contacts and max_bindings: must be at least 1".into());
    }
    Ok(Some(RegistrarConfig {
        min_expires: r.min_expires,
        max_expires: r.max_expires,
        default_expires: r.default_expires,
        max_contacts: r.max_contacts,
        max_bindings: r.max_bindings,
    }))
}

/// The registrations `cfgs` give, checked.
pub fn load(cfgs: &[RegistrationCfg]) -> Result<Vec<RegistrationConfig>, String> {
    let mut out = Vec::new();
    for (i, r) in cfgs.iter().enumerate() {
        let key = format!("registrations[{i}]");
        let aor = rvoip::api::is_sip_uri(&r.aor).then_some(&r.aor);
        let Some(aor) = aor.filter(|a| a.contains('@')) else {
            return Err(format!("{key}.aor: {:?} is not a sip: URI with a user", r.aor));
        };
        if !rvoip::api::is_reachable_target(&r.registrar) {
            return Err(format!("{key}.registrar: {:?} is not a sip: or sips: URI", r.registrar));
        }
        if r.expires == 0 {
            return Err(format!("{key}.expires: must be at least 1"));
        }
        let credentials = r
            .auth
            .as_ref()
            .map(|a| crate::auth::client(a, &format!("{key}.auth")))
            .transpose()?
            .map(Arc::new);
        out.push(RegistrationConfig {
            aor: aor.clone(),
            registrar: r.registrar.clone(),
            credentials,
            expires: r.expires,
            contact_user: r.contact_user.clone(),
        });
    }
    Ok(out)
}
