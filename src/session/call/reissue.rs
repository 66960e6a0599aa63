//! Our INVITE sent again as one more transaction of the same call: to a
//! redirect's next target (§8.1.3.4), or with credentials answering a
//! challenge (§22.2). Same Call-ID, From, To and offer; a new top Via, the
//! next CSeq, our Contact for the transport.

use super::{Call, CallState, Invite};
use crate::ids::{Peer, TxId};
use crate::session::context::CallContext;
use crate::sip::{self, Message};
use std::sync::Arc;
use std::time::Instant;

impl Call {
    /// Sends `req` (a reissue of the INVITE whose transaction was `old`)
    /// to `peer`.
    pub(super) fn reissue(&mut self, ctx: &mut CallContext, now: Instant, old: TxId, peer: Peer, req: Message) {
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
/// given; without the headers named in `drop`, and with `add` after the
/// others (before Content-Length, where a header pushed onto the rsip
/// request went).
pub(super) fn reissued(
    invite: &Message,
    uri: Option<&str>,
    via: &str,
    contact: &str,
    drop: &[&str],
    add: &[(&str, &str)],
) -> Option<Message> {
    let cseq = invite
        .header("CSeq")?
        .split_whitespace()
        .next()?
        .parse::<u32>()
        .ok()?
        .checked_add(1)?;
    let mut cseq_value = String::with_capacity(16);
    sip::push_u64(&mut cseq_value, u64::from(cseq));
    cseq_value.push_str(" INVITE");
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(invite.lines().count() + add.len());
    let mut added = false;
    for (n, v) in invite.lines() {
        let is = |want: &str| n.eq_ignore_ascii_case(want);
        if drop.iter().any(|d| is(d)) {
            continue;
        }
        if is("Content-Length") && !added {
            headers.extend_from_slice(add);
            added = true;
        }
        let v = match () {
            _ if is("Via") => via,
            _ if is("CSeq") => &cseq_value,
            _ if is("Contact") => contact,
            _ => v,
        };
        headers.push((n, v));
    }
    if !added {
        headers.extend_from_slice(add);
    }
    let line = ["INVITE ", uri.unwrap_or(invite.uri()), " SIP/2.0"];
    Some(invite.rewritten(&line, headers.iter().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reissued_invite_has_a_new_via_the_next_cseq_and_its_credentials_replaced() {
        let invite = "INVITE sip:b@127.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-1\r\n\
            From: <sip:gw@127.0.0.1>;tag=f\r\nTo: <sip:b@127.0.0.2>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\
            Contact: <sip:gw@127.0.0.1>\r\nAuthorization: Digest old\r\nContent-Type: application/sdp\r\n\
            Content-Length: 4\r\n\r\nv=0\n";
        let invite = sip::receive(invite.as_bytes()).expect("parses");
        let via = "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-2";
        let add = [("Proxy-Authorization", "Digest new")];
        let drop = ["Authorization", "Proxy-Authorization"];
        let again = reissued(&invite, Some("sip:b@127.0.0.3"), via, "<sip:gw@127.0.0.4>", &drop, &add).unwrap();
        let want = "INVITE sip:b@127.0.0.3 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-2\r\n\
            From: <sip:gw@127.0.0.1>;tag=f\r\nTo: <sip:b@127.0.0.2>\r\nCall-ID: c\r\nCSeq: 2 INVITE\r\n\
            Contact: <sip:gw@127.0.0.4>\r\nContent-Type: application/sdp\r\nProxy-Authorization: Digest new\r\n\
            Content-Length: 4\r\n\r\nv=0\n";
        assert_eq!(again.wire(), want.as_bytes());
        let plain = reissued(&invite, None, via, "<sip:gw@127.0.0.1>", &[], &[]).unwrap();
        assert_eq!(
            (plain.uri(), plain.header("Authorization")),
            ("sip:b@127.0.0.2", Some("Digest old"))
        );
    }
}
