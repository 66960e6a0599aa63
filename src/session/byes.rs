//! BYEs of calls that are over, kept until their final response when the
//! call had credentials: a trunk may challenge a BYE although it carried
//! our answer to the INVITE's challenge (its nonce went stale during a long
//! call, RFC 7616 §3.3), and a BYE it never takes leaves the call billed at
//! its end. Such a BYE is sent once more (next CSeq, new branch) with an
//! answer to the new challenge, as the INVITE was (RFC 3261 §22.2).

use super::UserAgent;
use crate::auth::ClientCredentials;
use crate::dialog::Dialog;
use crate::ids::TxId;
use crate::sip::IncomingResponse;
use rustc_hash::FxHashMap;
use std::sync::Arc;
use std::time::Instant;

/// A BYE in flight, with what sending it again takes.
#[derive(Debug)]
pub(super) struct PendingBye {
    dialog: Dialog,
    creds: Arc<ClientCredentials>,
    /// This BYE already answers a challenge to the call's BYE.
    answered: bool,
}

/// The pending BYEs by transaction.
#[derive(Debug, Default)]
pub(crate) struct Byes {
    pending: FxHashMap<TxId, PendingBye>,
}

impl Byes {
    /// Keeps BYE `tx` of `dialog` until its final response.
    pub(super) fn watch(&mut self, tx: TxId, dialog: Dialog, creds: Arc<ClientCredentials>, answered: bool) {
        self.pending.insert(
            tx,
            PendingBye {
                dialog,
                creds,
                answered,
            },
        );
    }

    /// BYE `tx` timed out: nothing more to do for it.
    pub(super) fn forget(&mut self, tx: TxId) -> bool {
        self.pending.remove(&tx).is_some()
    }
}

impl UserAgent {
    /// A response to a pending BYE: a challenge answered once, anything
    /// else final forgets it. Whether `tx` was such a BYE.
    pub(super) fn bye_response(&mut self, now: Instant, tx: TxId, resp: &IncomingResponse) -> bool {
        let Some(mut bye) = self.ctx.byes.pending.remove(&tx) else {
            return false;
        };
        let code = resp.code();
        if code < 200 {
            self.ctx.byes.pending.insert(tx, bye);
        } else if (code == 401 || code == 407) && !bye.answered {
            match bye.creds.answer(code == 407, &resp.resp) {
                Ok(mut answered) => {
                    let uri = bye.dialog.remote_target.clone();
                    let value = answered.authorize(&bye.creds, "BYE", &uri, &self.ctx.token());
                    let auth = Some((answered.header.to_owned(), value));
                    if let Some(tx) = super::call::Call::send_bye_on(&mut self.ctx, now, &mut bye.dialog, auth) {
                        self.ctx.byes.watch(tx, bye.dialog, bye.creds, true);
                    }
                }
                Err(why) => tracing::info!(why, "cannot answer the challenge to our BYE"),
            }
        } else if code == 401 || code == 407 {
            tracing::info!(
                code,
                "our BYE was challenged again after an answer; the peer keeps its dialog"
            );
        }
        true
    }
}
