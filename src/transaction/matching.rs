//! Matching an incoming message to its transaction (RFC 3261 §17.1.3,
//! §17.2.3), or creating the server transaction a new request needs.

use super::server_invite::ServerInvite;
use super::server_non_invite::ServerNonInvite;
use super::tx::Tx;
use super::{Out, Transactions, TxEvent, TxKey};
use crate::ids::{Peer, TxId};
use crate::sip::{self, Incoming, Method, SipMessage};
use std::time::Instant;

impl Transactions {
    /// A validated message arrived from `peer`.
    pub fn handle_incoming(&mut self, now: Instant, inc: Incoming, peer: Peer) {
        let Transactions {
            cfg,
            keys,
            slots,
            transmits,
            events,
            ..
        } = self;
        let mut out = Out { transmits, events };
        let (key, is_request) = match &inc.msg {
            SipMessage::Request(_) => (TxKey::server(&inc.core), true),
            SipMessage::Response(_) => (TxKey::client(&inc.core.branch, inc.core.cseq_method), false),
        };
        let Some(&id) = keys.get(&key) else {
            return self.handle_unmatched(now, inc, key, peer);
        };
        let slot = slots.get_mut(&id).expect("invariant: every key names a live slot");
        let method = inc.core.cseq_method;
        match (&mut slot.tx, is_request) {
            (Tx::ServerInvite(t), true) if method == Method::Ack => {
                if t.handle_ack(now, cfg) {
                    out.events.push_back(TxEvent::Ack { req: inc });
                }
            }
            (Tx::ServerInvite(t), true) => t.handle_retransmission(&mut out),
            (Tx::ServerNonInvite(t), true) => t.handle_retransmission(&mut out),
            (Tx::ClientInvite(t), false) => t.handle_response(now, cfg, inc, &mut out),
            (Tx::ClientNonInvite(t), false) => t.handle_response(now, cfg, inc, &mut out),
            _ => {}
        }
        if is_request {
            self.stats.absorbed += u64::from(method != Method::Ack);
        }
        self.rearm(id);
    }

    fn handle_unmatched(&mut self, now: Instant, inc: Incoming, key: TxKey, peer: Peer) {
        let mut out = Out {
            transmits: &mut self.transmits,
            events: &mut self.events,
        };
        let SipMessage::Request(req) = &inc.msg else {
            out.events.push_back(TxEvent::StrayResponse { resp: inc });
            return;
        };
        let id = TxId(self.next_id);
        let tx = match req.method {
            Method::Ack => {
                out.events.push_back(TxEvent::Ack { req: inc });
                return;
            }
            Method::Cancel => {
                let invite = self.keys.get(&TxKey::cancelled_invite(&inc.core)).copied();
                out.events.push_back(TxEvent::Cancel {
                    tx: id,
                    req: inc,
                    invite,
                });
                Tx::ServerNonInvite(ServerNonInvite::new(peer))
            }
            Method::Invite => {
                let trying = sip::response(req, 100, None, None);
                let tx = ServerInvite::new(id, peer, sip::response_bytes(&trying), &mut out);
                out.events.push_back(TxEvent::Request { tx: id, req: inc, peer });
                Tx::ServerInvite(tx)
            }
            _ => {
                out.events.push_back(TxEvent::Request { tx: id, req: inc, peer });
                Tx::ServerNonInvite(ServerNonInvite::new(peer))
            }
        };
        self.insert(id, key, tx, now);
    }
}
