//! What a REGISTER asks (§10.3 steps 5–7): the AOR (the To URI's user),
//! each Contact with its expiry (its `expires` parameter, else the Expires
//! header, else the default; 0 removes it; too short a one refuses the
//! whole request with 423), `Contact: *` with `Expires: 0` removing them
//! all, no Contact at all asking for the current list.

use super::RegistrarConfig;
use crate::ids::Peer;
use crate::sip::{self, Core};
use crate::status::StatusCode;

/// One Contact of a REGISTER and the expiry it gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactUpdate {
    /// The Contact URI.
    pub contact: String,
    /// Seconds (0: remove it).
    pub expires: u32,
}

/// A REGISTER's changes to one AOR's bindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterUpdate {
    /// The AOR (its user part).
    pub aor: String,
    /// The REGISTER's Call-ID.
    pub call_id: String,
    /// Its CSeq.
    pub cseq: u32,
    /// Where it came from.
    pub source: Peer,
    /// Its Contacts (empty: a query); `None` for `Contact: *`.
    pub contacts: Option<Vec<ContactUpdate>>,
}

/// Why a REGISTER is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Unreadable: 400 naming the fault.
    Malformed(&'static str),
    /// An expiry under the minimum: 423 with Min-Expires.
    TooBrief(u32),
    /// A Contact bound by the same Call-ID with a CSeq not below this one.
    OutOfOrder,
    /// More Contacts than an AOR may bind: 403.
    TooManyContacts,
    /// The table is full: 503.
    Full,
}

impl Refused {
    /// The status and reason phrase it is answered with.
    pub fn status(self) -> (StatusCode, &'static str) {
        match self {
            Refused::Malformed(why) => (StatusCode::BAD_REQUEST, why),
            Refused::TooBrief(_) => (
                StatusCode::new(423).unwrap_or(StatusCode::BAD_REQUEST),
                "Interval Too Brief",
            ),
            Refused::OutOfOrder => (StatusCode::BAD_REQUEST, "CSeq not above the binding's"),
            Refused::TooManyContacts => (StatusCode::FORBIDDEN, "Too many contacts"),
            Refused::Full => (StatusCode::SERVICE_UNAVAILABLE, "Registrar full"),
        }
    }
}

impl RegisterUpdate {
    /// Reads REGISTER `req` from `source` under `cfg`'s limits.
    pub fn parse(req: &sip::Message, core: &Core, source: Peer, cfg: &RegistrarConfig) -> Result<Self, Refused> {
        let to = req.header("To").unwrap_or_default();
        let aor = sip::parse_uri(sip::uri_of(to))
            .ok()
            .and_then(|u| u.auth)
            .map(|a| a.user)
            .filter(|u| !u.is_empty())
            .ok_or(Refused::Malformed("To has no user (the address-of-record)"))?;
        let header_expires = match req.header("Expires") {
            Some(v) => Some(
                v.trim()
                    .parse::<u32>()
                    .map_err(|_| Refused::Malformed("Expires is not a number"))?,
            ),
            None => None,
        };
        let values: Vec<&str> = req
            .headers("Contact")
            .flat_map(sip::split_list)
            .map(str::trim)
            .collect();
        let contacts = if values.contains(&"*") {
            if values.len() != 1 || header_expires != Some(0) {
                return Err(Refused::Malformed("Contact: * needs Expires: 0 and no other Contact"));
            }
            None
        } else {
            let mut list = Vec::with_capacity(values.len());
            for v in values {
                let uri = sip::uri_of(v);
                if sip::parse_uri(uri).is_err() {
                    return Err(Refused::Malformed("a Contact URI cannot be read"));
                }
                let expires = match sip::header_param(v, "expires") {
                    Some(e) => e
                        .parse::<u32>()
                        .map_err(|_| Refused::Malformed("a Contact's expires is not a number"))?,
                    None => header_expires.unwrap_or(cfg.default_expires),
                };
                if expires != 0 && expires < cfg.min_expires {
                    return Err(Refused::TooBrief(cfg.min_expires));
                }
                list.push(ContactUpdate {
                    contact: uri.to_owned(),
                    expires: expires.min(cfg.max_expires),
                });
            }
            Some(list)
        };
        Ok(RegisterUpdate {
            aor,
            call_id: core.call_id().to_owned(),
            cseq: core.cseq,
            source,
            contacts,
        })
    }
}
