//! `sip.listen` and `media.address`: one address, or one per IP family
//! (`["127.0.0.1:5060", "[::1]:5060"]`), every error naming its key; and
//! whether a route's IP target is of a family we listen in.

use crate::config::Config;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};

/// A TOML string, or a list of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Strings {
    One(String),
    Many(Vec<String>),
}

impl Strings {
    fn list(&self) -> Vec<&str> {
        match self {
            Strings::One(s) => vec![s.as_str()],
            Strings::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// One or two values of `key`, parsed, the second of the other IP family.
fn one_per_family<T: std::str::FromStr + Copy>(
    key: &str,
    values: &Strings,
    example: &str,
    ip: impl Fn(T) -> IpAddr,
) -> Result<(T, Option<T>), String> {
    let list = values.list();
    let mut out = Vec::with_capacity(2);
    for (i, s) in list.iter().enumerate() {
        let name = if list.len() == 1 {
            key.to_owned()
        } else {
            format!("{key}[{i}]")
        };
        let v: T = s
            .trim()
            .parse()
            .map_err(|_| format!("{name}: {s:?} is not an address like {example}"))?;
        out.push(v);
    }
    match out.as_slice() {
        [one] => Ok((*one, None)),
        [a, b] if ip(*a).is_ipv4() != ip(*b).is_ipv4() => Ok((*a, Some(*b))),
        [_, _] => Err(format!(
            "{key}: two addresses of one IP family; give one IPv4 and one IPv6"
        )),
        _ => Err(format!("{key}: one address, or two (one IPv4, one IPv6)")),
    }
}

/// Our SIP addresses: the main one and the other family's.
pub fn sip(cfg: &Config) -> Result<(SocketAddr, Option<SocketAddr>), String> {
    one_per_family(
        "sip.listen",
        &cfg.sip.listen,
        "127.0.0.1:5060 or [::1]:5060",
        |a: SocketAddr| a.ip(),
    )
}

/// Our media addresses: the main one and the other family's.
pub fn media(cfg: &Config) -> Result<(IpAddr, Option<IpAddr>), String> {
    one_per_family("media.address", &cfg.media.address, "127.0.0.1 or ::1", |a| a)
}

/// Checks both, and that no media address is unspecified (an SDP
/// `c=0.0.0.0` is hold), naming the key.
pub fn check(cfg: &Config) -> Result<(SocketAddr, Option<SocketAddr>), String> {
    let (main, alt) = media(cfg)?;
    if let Some(a) = [Some(main), alt].into_iter().flatten().find(|a| a.is_unspecified()) {
        return Err(format!(
            "media.address: {a} is not an address a peer can send to (the SDP would put the call on hold)"
        ));
    }
    sip(cfg)
}

/// A route whose target is an IP address (`sip:[::1]:5080`) of a family
/// we have no SIP address in: the error naming it. Checked at start-up,
/// after `--sip` has had its say.
pub fn check_route_families(cfg: &Config) -> Result<(), String> {
    let (main, alt) = sip(cfg)?;
    for (i, t) in cfg
        .routes
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, r.target.as_deref()?)))
    {
        let Some(ip) = rvoip::api::target_ip(t) else { continue };
        if [Some(main), alt]
            .into_iter()
            .flatten()
            .any(|a| a.is_ipv4() == ip.is_ipv4())
        {
            continue;
        }
        let family = if ip.is_ipv4() { "IPv4" } else { "IPv6" };
        return Err(format!(
            "routes[{i}].target: {t:?} is an {family} address and no sip.listen address is {family}: add one (sip.listen = [\"127.0.0.1:5060\", \"[::1]:5060\"], or --sip twice)"
        ));
    }
    Ok(())
}
