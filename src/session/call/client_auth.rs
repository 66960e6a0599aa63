//! Our credentials towards a peer that challenges us (a trunk): a 401 or
//! 407 to our INVITE is answered once (§22.2: the same Call-ID, the next
//! CSeq, a new branch), a second challenge for the same request fails the
//! call unless it only says the nonce was stale; the answered challenge
//! then authorizes the dialog's later requests (re-INVITE, BYE) before
//! they are asked (§22.3), a challenge to a re-INVITE being answered on its
//! retry.

use super::{Call, Invite};
use crate::auth::{Answered, ClientCredentials};
use crate::session::context::CallContext;
use crate::sip::IncomingResponse;
use std::sync::Arc;
use std::time::Instant;

/// A call's credentials and what they answered (kept `Rare` in a call:
/// most calls have none).
#[derive(Debug, Clone, Default)]
pub(super) struct ClientAuth {
    creds: Option<Arc<ClientCredentials>>,
    answered: Option<Box<Answered>>,
    /// The INVITE in flight carries our answer to a challenge.
    tried: bool,
}

impl crate::collections::Empty for ClientAuth {
    const EMPTY: &'static Self = &ClientAuth {
        creds: None,
        answered: None,
        tried: false,
    };
}

impl ClientAuth {
    /// Credentials to answer challenges with.
    pub fn new(creds: Arc<ClientCredentials>) -> Self {
        ClientAuth {
            creds: Some(creds),
            ..Default::default()
        }
    }

    /// The credentials, if the call has any.
    pub fn creds(&self) -> Option<Arc<ClientCredentials>> {
        self.creds.clone()
    }

    /// The INVITE goes to a new target: no challenge of it answered yet.
    pub fn new_target(&mut self) {
        (self.answered, self.tried) = (None, false);
    }
}

impl Call {
    /// A 401/407 to our INVITE: sends it again with our answer; false when
    /// we cannot (no credentials, another realm, already answered).
    pub(super) fn answer_challenge(&mut self, ctx: &mut CallContext, now: Instant, resp: &IncomingResponse) -> bool {
        let Some(creds) = self.client_auth.creds.clone() else {
            return false;
        };
        if self.cancel_requested || (self.client_auth.tried && !crate::auth::says_stale(&resp.resp)) {
            return false;
        }
        let mut answered = match creds.answer(resp.code() == 407, &resp.resp) {
            Ok(a) => a,
            Err(why) => {
                tracing::info!(call = %self.id, why, "cannot answer the peer's challenge");
                return false;
            }
        };
        let Invite::Sent { req: invite, tx: old } = &self.invite else {
            return false;
        };
        let (invite, old) = (invite.clone(), *old);
        let value = answered.authorize(&creds, "INVITE", invite.uri(), &ctx.token());
        let (via, contact) = (ctx.via(self.peer), ctx.contact(self.peer));
        let drop = ["Authorization", "Proxy-Authorization"];
        let add = [(answered.header, value.as_str())];
        let Some(req) = super::reissue::reissued(&invite, None, &via, &contact, &drop, &add) else {
            return false;
        };
        let ours = self.client_auth.make();
        (ours.answered, ours.tried) = (Some(Box::new(answered)), true);
        self.reissue(ctx, now, old, self.peer, req);
        true
    }

    /// A 401/407 to our re-INVITE: keeps the challenge so the retry
    /// carries our answer; false when we cannot answer it.
    pub(super) fn keep_challenge(&mut self, resp: &IncomingResponse) -> bool {
        let Some(creds) = self.client_auth.creds.as_ref() else {
            return false;
        };
        match creds.answer(resp.code() == 407, &resp.resp) {
            Ok(a) => {
                self.client_auth.make().answered = Some(Box::new(a));
                true
            }
            Err(_) => false,
        }
    }

    /// The credentials header for an in-dialog `method` to `uri`, when a
    /// challenge of the dialog's peer was answered.
    pub(super) fn authorization(&mut self, ctx: &mut CallContext, method: &str, uri: &str) -> Option<(String, String)> {
        let creds = self.client_auth.creds.clone()?;
        let answered = self.client_auth.existing()?.answered.as_mut()?;
        let value = answered.authorize(&creds, method, uri, &ctx.token());
        Some((answered.header.to_owned(), value))
    }
}
