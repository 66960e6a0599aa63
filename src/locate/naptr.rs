//! RFC 3263 §4.1's choices from NAPTR records: the SIP services we have
//! (`SIP+D2U`, `SIP+D2T`, `SIPS+D2T`; only the last for `sips:`), in
//! order then preference, and the SRV names of each transport.

use crate::ids::TransportKind;
use hickory_resolver::proto::rr::rdata::NAPTR;

/// NAPTR records used at most.
const MAX_NAPTR: usize = 4;
/// The SRV name of `transport`'s SIP servers for `host` (RFC 3263 §4.1).
pub(super) fn srv_name(transport: TransportKind, host: &str) -> String {
    let prefix = match transport {
        TransportKind::Udp => "_sip._udp.",
        TransportKind::Tcp => "_sip._tcp.",
        TransportKind::Tls => "_sips._tcp.",
    };
    [prefix, host].concat()
}

/// The transports and SRV names of NAPTR records, best (order, then
/// preference) first: only `s` records for a service we have (TLS only
/// for `sips:`), each name once.
pub(super) fn naptr_services<'a>(records: impl Iterator<Item = &'a NAPTR>, sips: bool) -> Vec<(TransportKind, String)> {
    let mut usable: Vec<_> = records
        .filter(|r| r.flags.eq_ignore_ascii_case(b"s"))
        .filter_map(|r| {
            let t = match r.services.to_ascii_uppercase().as_slice() {
                b"SIPS+D2T" => TransportKind::Tls,
                b"SIP+D2T" if !sips => TransportKind::Tcp,
                b"SIP+D2U" if !sips => TransportKind::Udp,
                _ => return None,
            };
            let name = r.replacement.to_ascii();
            Some((
                (r.order, r.preference),
                t,
                name.trim_end_matches('.').to_ascii_lowercase(),
            ))
        })
        .collect();
    usable.sort_by_key(|u| u.0);
    let mut out: Vec<(TransportKind, String)> = Vec::new();
    for (_, t, name) in usable {
        if !name.is_empty() && !out.iter().any(|(_, n)| *n == name) && out.len() < MAX_NAPTR {
            out.push((t, name));
        }
    }
    out
}

#[cfg(test)]
mod tests;
