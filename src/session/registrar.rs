//! Inbound REGISTER (`crate::registrar`): authenticated at ingress like a
//! new INVITE (and only for the AOR of the user it authenticated as), then
//! applied to the shared bindings and answered with the AOR's Contacts and
//! their remaining expiry; refused with 400 naming the fault, 423 with
//! Min-Expires, 403 over the Contact limit, 503 when full. Without a
//! registrar REGISTER gets 405.

use super::UserAgent;
use crate::dialog;
use crate::ids::{Peer, TxId};
use crate::registrar::{Refused, RegisterUpdate};
use crate::sip::{self, IncomingRequest};
use crate::status::StatusCode;
use std::time::Instant;

impl UserAgent {
    /// REGISTER `req` (server transaction `tx`) from `peer`.
    pub(super) fn on_register(&mut self, now: Instant, tx: TxId, req: IncomingRequest, peer: Peer, tag: &str) {
        let Some(reg) = self.ctx.cfg.registrar.as_ref() else {
            return self.ctx.reply(now, tx, &req.req, StatusCode::METHOD_NOT_ALLOWED, tag);
        };
        let outcome = RegisterUpdate::parse(&req.req, &req.core, peer, &reg.cfg)
            .and_then(|up| reg.locations.apply(now, &reg.cfg, &up).map(|list| (up, list)));
        let resp = match outcome {
            Ok((up, list)) => {
                self.ctx.stats.registers_ok += 1;
                tracing::debug!(aor = %up.aor, contacts = list.len(), src = %peer.addr, "registered");
                let mut resp = dialog::response_in(&req.req, StatusCode::OK, None, tag, None);
                for b in &list {
                    let value = format!("<{}>;expires={}", b.contact, b.remaining(now));
                    resp.headers.push(sip::Header::Contact(value.into()));
                }
                resp
            }
            Err(refused) => {
                self.ctx.stats.registers_refused += 1;
                let (status, reason) = refused.status();
                let mut resp = dialog::response_in(&req.req, status, Some(reason), tag, None);
                match refused {
                    Refused::TooBrief(min) => resp
                        .headers
                        .push(sip::Header::Other("Min-Expires".into(), min.to_string())),
                    Refused::Full => resp.headers.push(sip::Header::Other(
                        "Retry-After".into(),
                        self.ctx.cfg.retry_after.to_string(),
                    )),
                    _ => {}
                }
                resp
            }
        };
        self.ctx.txs.respond(now, tx, resp);
    }
}
