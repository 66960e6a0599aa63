//! INFO within a dialog (RFC 6086): answered 200 and reported, so a
//! bridge relays it to its other leg as an INFO of its own (body and type
//! kept) and an application hears of it; a DTMF digit in it
//! (`application/dtmf-relay`, `application/dtmf`) is also reported as a
//! digit, an unreadable one answered 400 naming the fault. And our own
//! INFO on a leg.

use super::Call;
use crate::dialog;
use crate::ids::TxId;
use crate::session::SessionEvent;
use crate::session::context::CallContext;
use crate::sip::{self, IncomingRequest, Method};
use crate::status::StatusCode;
use std::time::{Duration, Instant};

/// A DTMF digit and its duration from an INFO body of type `ct`.
fn dtmf(ct: &str, body: &str) -> Result<(char, Duration), &'static str> {
    let digit = |s: &str| match s.trim() {
        "10" => Some('*'),
        "11" => Some('#'),
        d if d.len() == 1 => d
            .chars()
            .next()
            .map(|c| c.to_ascii_uppercase())
            .filter(|c| matches!(c, '0'..='9' | '*' | '#' | 'A'..='D')),
        _ => None,
    };
    if ct == "application/dtmf" {
        return digit(body)
            .map(|d| (d, Duration::from_millis(100)))
            .ok_or("Bad DTMF digit");
    }
    let field = |name: &str| {
        body.lines().find_map(|l| {
            let (k, v) = l.split_once('=')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    };
    let d = field("Signal").and_then(digit).ok_or("Bad dtmf-relay Signal")?;
    let ms = match field("Duration") {
        Some(v) => v.parse::<u64>().map_err(|_| "Bad dtmf-relay Duration")?,
        None => 100,
    };
    Ok((d, Duration::from_millis(ms)))
}

impl Call {
    /// The peer's INFO on `tx`.
    pub(super) fn on_info(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, req: IncomingRequest) {
        let ct = req
            .header("Content-Type")
            .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .unwrap_or_default();
        let body = req.body_text().unwrap_or_default().to_owned();
        if matches!(ct.as_str(), "application/dtmf-relay" | "application/dtmf") {
            match dtmf(&ct, &body) {
                Ok((digit, held)) => ctx.events.push_back(SessionEvent::Dtmf(self.id, digit, held)),
                Err(why) => {
                    let resp = dialog::response_in(&req.req, StatusCode::BAD_REQUEST, Some(why), &self.local_tag, None);
                    ctx.txs.respond(now, tx, resp);
                    return;
                }
            }
        }
        ctx.reply(now, tx, &req.req, StatusCode::OK, &self.local_tag);
        ctx.events.push_back(SessionEvent::Info(self.id, ct, body));
    }

    /// Sends an INFO with `body` of type `ct` (none when empty) in the
    /// dialog, once it has one.
    pub fn send_info(&mut self, ctx: &mut CallContext, now: Instant, ct: &str, body: &str) {
        let Some(dialog) = self.dialog.as_mut() else { return };
        let hop = dialog.next_hop();
        let (via, contact) = (ctx.via(hop), ctx.contact(hop));
        let spec = dialog.request(Method::Info, via, &contact, None);
        let req = if ct.is_empty() {
            sip::request(&spec)
        } else {
            sip::request_with_body(&spec, ct, body.as_bytes().to_vec())
        };
        if let Ok(req) = req {
            ctx.send_request(now, self.id, hop, req);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::dtmf;
    use std::time::Duration;

    #[test]
    fn dtmf_bodies() {
        let relay = "Signal=5\r\nDuration=160\r\n";
        assert_eq!(
            dtmf("application/dtmf-relay", relay),
            Ok(('5', Duration::from_millis(160)))
        );
        assert_eq!(dtmf("application/dtmf-relay", "Signal= 11\n").map(|d| d.0), Ok('#'));
        assert_eq!(dtmf("application/dtmf", "a"), Ok(('A', Duration::from_millis(100))));
        assert_eq!(
            dtmf("application/dtmf-relay", "Signal=Z\r\n"),
            Err("Bad dtmf-relay Signal")
        );
        assert_eq!(
            dtmf("application/dtmf-relay", "Signal=1\r\nDuration=soon\r\n"),
            Err("Bad dtmf-relay Duration")
        );
        assert_eq!(dtmf("application/dtmf", ""), Err("Bad DTMF digit"));
    }
}
