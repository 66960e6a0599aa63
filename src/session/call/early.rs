//! Our INVITE's early dialogs (RFC 3261 §12.1.2, §13.2.2.4). A proxy that
//! forks the INVITE brings back provisionals from several callees, told
//! apart by their To tags, and each tag is an early dialog of its own: its
//! remote target and route set from its 18x, its own CSeq for our PRACKs,
//! its own RSeq (RFC 3262), its own answer to our offer. At most
//! [`MAX_FORKS`] are kept (a further fork's provisionals are counted and
//! ignored). The media follow the fork whose provisional carried SDP most
//! recently (`provisional`); the fork whose 2xx comes first becomes the
//! call's dialog (`answer`), and the others are left to the proxy's CANCEL.

use super::Call;
use crate::dialog::Dialog;
use crate::ids::TxId;
use crate::sdp::Sdp;
use crate::session::context::CallContext;
use crate::sip::{IncomingRequest, Method};
use crate::status::StatusCode;
use std::time::Instant;

/// Early dialogs kept per call; a further fork's 18x is ignored.
pub(super) const MAX_FORKS: usize = 16;

/// One fork's early dialog.
#[derive(Debug, Clone)]
pub(super) struct EarlyDialog {
    pub dialog: Dialog,
    /// Its order of appearance, from 1.
    pub index: u8,
    /// The status of its first response.
    pub status: u16,
    /// The last RSeq we PRACKed in it (RFC 3262 §4).
    pub rseq: Option<u32>,
    /// Our PRACK in flight in it.
    pub prack: Option<TxId>,
    /// Its latest answer to our offer.
    pub sdp: Option<Sdp>,
    /// Its 2xx came after another fork's: ACKed and hung up (once).
    pub hung_up: bool,
}

/// A call's early dialogs, by To tag, in order of appearance.
#[derive(Debug, Clone, Default)]
pub(super) struct EarlyDialogs {
    /// A `ThinVec`: one word in every call, most of which fork once.
    forks: thin_vec::ThinVec<EarlyDialog>,
    /// The fork (its index) the media follow.
    media: Option<u8>,
    /// Forks opened so far (the last one's index).
    seen: u8,
}

impl EarlyDialogs {
    /// The fork with To tag `tag`.
    pub fn get_mut(&mut self, tag: &str) -> Option<&mut EarlyDialog> {
        self.forks.iter_mut().find(|f| f.dialog.remote_tag() == tag)
    }

    /// The fork with To tag `tag`.
    pub fn get(&self, tag: &str) -> Option<&EarlyDialog> {
        self.forks.iter().find(|f| f.dialog.remote_tag() == tag)
    }

    /// A new fork with `dialog`, told of by a response with `status`,
    /// unless [`MAX_FORKS`] are kept already.
    pub fn open(&mut self, dialog: Dialog, status: u16) -> Option<&mut EarlyDialog> {
        if self.forks.len() >= MAX_FORKS {
            return None;
        }
        self.seen = self.seen.saturating_add(1);
        // Room for the one fork nearly every call has (a Vec's first push
        // would make room for four: 1.4 KB more per held call).
        if self.forks.capacity() == 0 {
            self.forks.reserve_exact(1);
        }
        self.forks.push(EarlyDialog {
            dialog,
            index: self.seen,
            status,
            rseq: None,
            prack: None,
            sdp: None,
            hung_up: false,
        });
        self.forks.last_mut()
    }

    /// Drops the fork with To tag `tag` (its dialog ended).
    pub fn close(&mut self, tag: &str) {
        self.forks.retain(|f| f.dialog.remote_tag() != tag);
    }

    /// The fork with To tag `tag` answered and its dialog is the call's
    /// now: its early state is let go (its 2xx resent is told apart by
    /// the call's dialog), unless a PRACK of ours is still in flight in it.
    pub fn answered(&mut self, tag: &str) {
        if self.get(tag).is_some_and(|f| f.prack.is_none()) {
            self.close(tag);
            if self.forks.is_empty() {
                self.forks = thin_vec::ThinVec::new();
            }
        }
    }

    /// How many forks are known.
    pub fn len(&self) -> usize {
        self.forks.len()
    }

    /// The first fork known, as reported.
    pub fn first(&self) -> Option<crate::session::Fork> {
        let f = self.forks.first()?;
        Some(crate::session::Fork {
            index: f.index,
            tag: f.dialog.remote_tag().to_owned(),
            status: f.status,
            media: self.media == Some(f.index),
        })
    }

    /// The fork (its index) the media follow.
    pub fn media(&self) -> Option<u8> {
        self.media
    }

    /// The media follow fork `index` from now.
    pub fn follow(&mut self, index: u8) {
        self.media = Some(index);
    }

    /// Whether any early dialog was formed.
    pub fn is_empty(&self) -> bool {
        self.forks.is_empty()
    }

    /// Our PRACKs in flight.
    pub fn pracks(&self) -> impl Iterator<Item = TxId> + '_ {
        self.forks.iter().filter_map(|f| f.prack)
    }

    /// The fork whose PRACK is `tx`.
    pub fn by_prack(&mut self, tx: TxId) -> Option<&mut EarlyDialog> {
        self.forks.iter_mut().find(|f| f.prack == Some(tx))
    }

    /// Our INVITE went again (a redirect, credentials): the early dialogs
    /// of the one before ended with its final response (§12.3).
    pub fn clear(&mut self) {
        *self = EarlyDialogs::default();
    }
}

/// Whether a reliable provisional is new (PRACKed), or not to be processed.
pub(super) enum Rel {
    /// Not reliable.
    No,
    /// Reliable and next in its dialog: PRACKed.
    New,
    /// A retransmission, or out of order: neither PRACKed nor processed
    /// (RFC 3262 §4).
    Stale,
}

impl Call {
    /// The callee's request in its early dialog (our tag, its From tag),
    /// before any 2xx: INFO, OPTIONS and NOTIFY as in a confirmed dialog;
    /// an UPDATE's offer (RFC 3311 §5.1) answered, that fork's SDP from
    /// then on (the media follow it); a BYE (which a callee may not send
    /// in an early dialog, §15) ends that early dialog alone; 481 in a
    /// dialog we do not have.
    pub(super) fn on_early_request(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, req: IncomingRequest) {
        let tag = self.local_tag().to_owned();
        let from = req.core.from_tag().unwrap_or_default().to_owned();
        let Some(fork) = self.early.get_mut(&from).filter(|_| self.role == super::Role::Uac) else {
            return ctx.reply(now, tx, &req.req, StatusCode::CALL_DOES_NOT_EXIST, &tag);
        };
        if !fork.dialog.accept_remote_seq(req.core.cseq, req.method) {
            return ctx.reply(now, tx, &req.req, StatusCode::SERVER_INTERNAL_ERROR, &tag);
        }
        let index = fork.index;
        match req.method {
            Method::Update => {
                let offer = super::uac::body_sdp(req.body_text());
                self.on_update(ctx, now, tx, req);
                if offer.is_some() && self.sdp.remote == offer {
                    if let Some(fork) = self.early.get_mut(&from) {
                        fork.sdp = offer;
                    }
                    self.early.follow(index);
                }
            }
            Method::Info => self.on_info(ctx, now, tx, req),
            Method::Options | Method::Notify => ctx.reply(now, tx, &req.req, StatusCode::OK, &tag),
            Method::Bye => {
                ctx.reply(now, tx, &req.req, StatusCode::OK, &tag);
                self.early.close(&from);
            }
            _ => ctx.reply(now, tx, &req.req, StatusCode::METHOD_NOT_ALLOWED, &tag),
        }
    }
}
