//! One dialog's state: ids, sequence numbers, remote target, route set.

use super::text::{DialogText, Part};
use crate::ids::Peer;
use crate::sip::{self, IncomingRequest, IncomingResponse, Method};
use thin_vec::ThinVec;

/// A confirmed or early dialog.
#[derive(Debug, Clone)]
pub struct Dialog {
    /// Call-ID, tags, our From/To value and theirs.
    text: DialogText,
    /// Last CSeq we used.
    pub local_seq: u32,
    /// Last CSeq they used, if any.
    pub remote_seq: Option<u32>,
    /// Their Contact URI.
    pub remote_target: Box<str>,
    /// Route set, first hop first.
    pub route_set: ThinVec<String>,
    /// Where requests go when the target cannot be resolved (the peer the
    /// dialog was formed with).
    pub fallback: Peer,
    /// Where requests go whatever the remote target says, when there is no
    /// route set: the flow the peer reached us on (its connection, or the
    /// public address of a peer behind NAT).
    /// Boxed, as `resolved`: most dialogs have neither, and every held
    /// call keeps its dialogs.
    pub flow: Option<Box<Peer>>,
    /// Where the next hop is when it names a host, once DNS said (RFC 3263).
    pub resolved: Option<Box<Peer>>,
}

fn contact_uri(headers: &crate::sip::Message) -> Option<Box<str>> {
    headers.header("Contact").map(|c| sip::uri_of(c).into())
}

fn record_route(headers: &crate::sip::Message) -> ThinVec<String> {
    headers
        .headers("Record-Route")
        .flat_map(sip::split_list)
        .map(str::to_owned)
        .collect()
}

impl Dialog {
    /// The UAS side of a dialog created by `invite` and our response with
    /// `local_tag` (§12.1.1).
    pub fn uas(invite: &IncomingRequest, local_tag: &str, peer: Peer) -> Self {
        let (to, from) = (
            invite.header("To").unwrap_or_default(),
            invite.header("From").unwrap_or_default(),
        );
        let core = &invite.core;
        let remote_tag = core.from_tag().unwrap_or_default();
        Dialog {
            text: DialogText::new([
                &[core.call_id()],
                &[local_tag],
                &[remote_tag],
                &[to, ";tag=", local_tag],
                &[from],
            ]),
            local_seq: 0,
            remote_seq: Some(core.cseq),
            remote_target: contact_uri(&invite.req).unwrap_or_else(|| sip::uri_of(from).into()),
            route_set: record_route(&invite.req),
            fallback: peer,
            flow: None,
            resolved: None,
        }
        .with_flow_from(peer)
    }

    /// The UAC side, from our INVITE and a response carrying a To tag
    /// (§12.1.2: the Call-ID and our tag are the request's, whatever the
    /// response says; the route set is the reversed Record-Route).
    pub fn uac(invite: &sip::Message, resp: &IncomingResponse, peer: Peer) -> Self {
        let local = invite.header("From").unwrap_or_default();
        let call_id = invite.header("Call-ID").unwrap_or_default();
        let ids = (call_id, sip::header_param(local, "tag").unwrap_or_default());
        Self::uac_as(ids, local, resp, peer, || invite.uri().into())
    }

    /// The UAC side a fork's 2xx forms beside `ours` once our INVITE is
    /// gone: the same Call-ID, tag and From.
    pub fn uac_beside(ours: &Dialog, resp: &IncomingResponse, peer: Peer) -> Self {
        Self::uac_as(ours.key_parts(), ours.local(), resp, peer, || {
            ours.remote_target.clone()
        })
    }

    /// The UAC side with our Call-ID and tag `ids` and our From value
    /// `local`; `target` when the response names no Contact.
    fn uac_as(
        (call_id, local_tag): (&str, &str),
        local: &str,
        resp: &IncomingResponse,
        peer: Peer,
        target: impl FnOnce() -> Box<str>,
    ) -> Self {
        let core = &resp.core;
        let mut route_set = record_route(&resp.resp);
        route_set.reverse();
        let remote_tag = core.to_tag().unwrap_or_default();
        let remote = resp.header("To").unwrap_or_default();
        Dialog {
            text: DialogText::new([&[call_id], &[local_tag], &[remote_tag], &[local], &[remote]]),
            local_seq: core.cseq,
            remote_seq: None,
            remote_target: contact_uri(&resp.resp).unwrap_or_else(target),
            route_set,
            fallback: peer,
            flow: None,
            resolved: None,
        }
    }

    /// A dialog restored from its parts (a call taken over from another
    /// node): its Call-ID, our tag, theirs, our From/To value and theirs.
    pub fn restored(text: [&str; 5], remote_target: String, route_set: Vec<String>, fallback: Peer) -> Self {
        let [call_id, local_tag, remote_tag, local, remote] = text;
        Dialog {
            text: DialogText::new([&[call_id], &[local_tag], &[remote_tag], &[local], &[remote]]),
            local_seq: 0,
            remote_seq: None,
            remote_target: remote_target.into(),
            route_set: route_set.into(),
            fallback,
            flow: None,
            resolved: None,
        }
    }

    /// Call-ID.
    pub fn call_id(&self) -> &str {
        self.text.get(Part::CallId)
    }

    /// Our tag.
    pub fn local_tag(&self) -> &str {
        self.text.get(Part::LocalTag)
    }

    /// Their tag.
    pub fn remote_tag(&self) -> &str {
        self.text.get(Part::RemoteTag)
    }

    /// Our From/To value, with our tag.
    pub fn local(&self) -> &str {
        self.text.get(Part::Local)
    }

    /// Their From/To value, with their tag.
    pub fn remote(&self) -> &str {
        self.text.get(Part::Remote)
    }

    /// Checks an incoming in-dialog request's CSeq (§12.2.2): false when it
    /// is lower than the last one (answered 500).
    pub fn accept_remote_seq(&mut self, cseq: u32, method: Method) -> bool {
        if method == Method::Ack || method == Method::Cancel {
            return true;
        }
        if self.remote_seq.is_some_and(|last| cseq <= last) {
            return false;
        }
        self.remote_seq = Some(cseq);
        true
    }
}
