//! What the session layer tells of an incoming call: its From, To,
//! Request-URI and Call-ID in one string (one allocation, not four: the
//! gateway reads them once to route the call and drops them), where it
//! came from, and the route's target once one hands it to the application.

use crate::ids::Peer;

/// Details of an incoming call.
#[derive(Debug, Clone)]
pub struct IncomingInfo {
    /// From, To, Request-URI and Call-ID, one after another.
    text: String,
    /// Where each of the first three ends in `text` (the Call-ID runs to
    /// its end).
    ends: [u32; 3],
    /// Where it came from.
    pub peer: Peer,
    /// The route's application target, when a gateway route hands the call
    /// to the application.
    pub target: Option<String>,
}

impl IncomingInfo {
    /// A call from `from` to `to` for Request-URI `uri` with SIP Call-ID
    /// `call_id`, from `peer`, for no application target yet.
    pub fn new(from: &str, to: &str, uri: &str, call_id: &str, peer: Peer) -> Self {
        let mut text = String::with_capacity(from.len() + to.len() + uri.len() + call_id.len());
        let mut ends = [0; 3];
        for (end, part) in ends.iter_mut().zip([from, to, uri]) {
            text.push_str(part);
            *end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
        text.push_str(call_id);
        IncomingInfo {
            text,
            ends,
            peer,
            target: None,
        }
    }

    /// Part `i` of the text (0 From, 1 To, 2 Request-URI, 3 Call-ID).
    fn part(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends.get(i).map_or(self.text.len(), |&e| e as usize);
        self.text.get(start..end).unwrap_or_default()
    }

    /// The From header's value.
    pub fn from(&self) -> &str {
        self.part(0)
    }

    /// The To header's value.
    pub fn to(&self) -> &str {
        self.part(1)
    }

    /// The Request-URI.
    pub fn uri(&self) -> &str {
        self.part(2)
    }

    /// Its SIP Call-ID.
    pub fn call_id(&self) -> &str {
        self.part(3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TransportKind;

    #[test]
    fn each_part_reads_back_as_given() {
        let peer = Peer {
            addr: "192.0.2.1:5060".parse().unwrap(),
            transport: TransportKind::Udp,
        };
        let info = IncomingInfo::new("<sip:a@x>;tag=1", "<sip:b@y>", "sip:b@y", "c1@x", peer);
        assert_eq!(
            (info.from(), info.to(), info.uri(), info.call_id()),
            ("<sip:a@x>;tag=1", "<sip:b@y>", "sip:b@y", "c1@x")
        );
        let empty = IncomingInfo::new("", "", "sip:b@y", "", peer);
        assert_eq!(
            (empty.from(), empty.to(), empty.uri(), empty.call_id()),
            ("", "", "sip:b@y", "")
        );
    }
}
