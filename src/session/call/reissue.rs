//! Our INVITE sent again as one more transaction of the same call: to a
//! redirect's next target (§8.1.3.4), or with credentials answering a
//! challenge (§22.2). Same Call-ID, From, To and offer; a new top Via, the
//! next CSeq, our Contact for the transport.

use super::{Call, CallState, Invite};
use crate::ids::{Peer, TxId};
use crate::session::context::CallContext;
use crate::sip::{self, Header, Request};
use rsip::headers::UntypedHeader;
use std::sync::Arc;
use std::time::Instant;

impl Call {
    /// Sends `req` (a reissue of the INVITE whose transaction was `old`)
    /// to `peer`.
    pub(super) fn reissue(&mut self, ctx: &mut CallContext, now: Instant, old: TxId, peer: Peer, req: Request) {
        let req = Arc::new(req);
        ctx.index.forget(old);
        let tx = ctx.send_invite(now, self.id, peer, req.clone());
        self.invite = Invite::Sent { req, tx };
        self.peer = peer;
        self.state = CallState::Calling;
        self.sdp.remote = None;
        // The early dialogs of the INVITE before ended with its final
        // response (RFC 3261 §12.3).
        if let Some(parts) = self.dialog_parts().filter(|_| self.dialog.is_none()) {
            ctx.index.remove_dialog(parts);
        }
        for tx in self.early.pracks() {
            ctx.index.forget(tx);
        }
        self.early.clear();
    }
}

/// `invite` with a new top Via, the next CSeq and `contact`; to `uri` if
/// given; with the credentials header `auth` (name, value) in place of any
/// earlier one.
pub(super) fn reissued(
    invite: &Request,
    uri: Option<rsip::Uri>,
    via: &str,
    contact: &str,
    auth: Option<(&str, String)>,
) -> Option<Request> {
    let cseq = sip::header_in(&invite.headers, "CSeq")?
        .split_whitespace()
        .next()?
        .parse::<u32>()
        .ok()?
        .checked_add(1)?;
    let mut req = invite.clone();
    if let Some(uri) = uri {
        req.uri = uri;
    }
    for h in req.headers.iter_mut() {
        match h {
            Header::Via(v) => v.replace(via),
            Header::CSeq(v) => {
                let mut value = String::with_capacity(16);
                sip::push_u64(&mut value, u64::from(cseq));
                value.push_str(" INVITE");
                v.replace(value);
            }
            Header::Contact(v) => v.replace(contact),
            _ => {}
        }
    }
    if let Some((name, value)) = auth {
        req.headers.retain(|h| {
            !matches!(h, Header::Other(n, _) if n.eq_ignore_ascii_case("Authorization")
                || n.eq_ignore_ascii_case("Proxy-Authorization"))
        });
        req.headers.push(Header::Other(name.into(), value));
    }
    Some(req)
}
