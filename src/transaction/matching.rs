//! Matching an incoming message to its transaction (RFC 3261 §17.1.3,
//! §17.2.3), or creating the server transaction a new request needs.

use super::key::TxKey;
use super::server_invite::ServerInvite;
use super::server_non_invite::ServerNonInvite;
use super::tx::Tx;
use super::{Out, Transactions, TxEvent};
use crate::ids::Peer;
use crate::sip::{self, Incoming, IncomingRequest, Method};
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
        let core = inc.core();
        let key = match &inc {
            Incoming::Request(_) => TxKey::server(core),
            Incoming::Response(_) => TxKey::client(core.branch(), core.cseq_method),
        };
        let Some(&id) = keys.get(&key) else {
            return match inc {
                Incoming::Request(req) => self.handle_new_request(now, req, peer),
                Incoming::Response(resp) => self.events.push_back(TxEvent::StrayResponse { resp }),
            };
        };
        let slot = slots.get_mut(id).expect("invariant: every key names a live slot");
        let method = core.cseq_method;
        let is_request = matches!(inc, Incoming::Request(_));
        match (&mut slot.tx, inc) {
            (Tx::ServerInvite(t), Incoming::Request(req)) if method == Method::Ack => {
                let ours = t.handle_ack(now, cfg);
                out.events.extend(ours.then_some(TxEvent::Ack { req }));
            }
            (Tx::ServerInvite(t), Incoming::Request(_)) => t.handle_retransmission(&mut out),
            (Tx::ServerNonInvite(t), Incoming::Request(_)) => t.handle_retransmission(&mut out),
            (Tx::ClientInvite(t), Incoming::Response(resp)) => t.handle_response(now, cfg, resp, &mut out),
            (Tx::ClientNonInvite(t), Incoming::Response(resp)) => t.handle_response(now, cfg, resp, &mut out),
            _ => {}
        }
        if is_request {
            self.stats.absorbed += u64::from(method != Method::Ack);
        }
        self.rearm(id);
    }

    fn handle_new_request(&mut self, now: Instant, req: IncomingRequest, peer: Peer) {
        if req.method == Method::Ack {
            self.events.push_back(TxEvent::Ack { req });
            return;
        }
        let key = TxKey::server(&req.core);
        let mut out = Out {
            transmits: &mut self.transmits,
            events: &mut self.events,
        };
        let id = self.slots.next_id();
        let tx = match req.method {
            Method::Cancel => {
                let invite = self.keys.get(&TxKey::cancelled_invite(&req.core)).copied();
                out.events.push_back(TxEvent::Cancel { tx: id, req, invite });
                Tx::ServerNonInvite(ServerNonInvite::new(peer))
            }
            Method::Invite => {
                let trying = sip::response_text(&req.req, 100, None, None, &[]);
                let tx = ServerInvite::new(id, peer, trying, &mut out);
                out.events.push_back(TxEvent::Request { tx: id, req, peer });
                Tx::ServerInvite(tx)
            }
            _ => {
                out.events.push_back(TxEvent::Request { tx: id, req, peer });
                Tx::ServerNonInvite(ServerNonInvite::new(peer))
            }
        };
        self.insert(id, key, tx, now);
    }
}
