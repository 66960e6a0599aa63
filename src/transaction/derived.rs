//! Requests derived from our INVITE rather than built anew: the ACK for a
//! non-2xx final (§17.1.1.3) and the CANCEL (§9.1), written straight as
//! their bytes.

use crate::sip::{self, Message, Method};
use bytes::Bytes;

/// A request derived from our INVITE (§17.1.1.3, §9.1): same Request-URI,
/// Call-ID, From, CSeq number, top Via and Route. The ACK for a non-2xx
/// takes To from the response (`to`); a CANCEL keeps the INVITE's.
pub fn derived(invite: &Message, method: Method, to: Option<&str>) -> Bytes {
    let name = sip::method_name(&method);
    let mut out = String::with_capacity(512);
    for part in [name, " ", invite.uri(), " SIP/2.0\r\n"] {
        out.push_str(part);
    }
    let mut line = |n: &str, values: &[&str]| {
        out.push_str(n);
        out.push_str(": ");
        values.iter().for_each(|v| out.push_str(v));
        out.push_str("\r\n");
    };
    let mut via_done = false;
    for (n, v) in invite.lines() {
        let is = |want: &str| n.eq_ignore_ascii_case(want);
        if is("Via") && !via_done {
            via_done = true;
            line("Via", &[v]);
        } else if is("From") || is("Call-ID") || is("Route") || is("Max-Forwards") {
            line(n, &[v]);
        } else if is("To") {
            line("To", &[to.unwrap_or(v)]);
        } else if is("CSeq") {
            line("CSeq", &[v.split_whitespace().next().unwrap_or("1"), " ", name]);
        }
    }
    out.push_str("Content-Length: 0\r\n\r\n");
    Bytes::from(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_and_ack_copy_what_sections_9_1_and_17_1_1_3_name() {
        let invite = "INVITE sip:b@127.0.0.2:5070;transport=tcp SIP/2.0\r\n\
            Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-7;rport\r\nRoute: <sip:127.0.0.9;lr>\r\n\
            Max-Forwards: 70\r\nFrom: <sip:gw@127.0.0.1>;tag=f1\r\nTo: <sip:b@127.0.0.2:5070>\r\n\
            Call-ID: c7@127.0.0.1\r\nCSeq: 41 INVITE\r\nContact: <sip:gw@127.0.0.1:5060>\r\n\
            Content-Type: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\n";
        let invite = sip::receive(invite.as_bytes()).expect("parses");
        let common = "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-7;rport\r\nRoute: <sip:127.0.0.9;lr>\r\n\
            Max-Forwards: 70\r\nFrom: <sip:gw@127.0.0.1>;tag=f1\r\n";
        let cancel = derived(&invite, Method::Cancel, None);
        let want = format!(
            "CANCEL sip:b@127.0.0.2:5070;transport=tcp SIP/2.0\r\n{common}To: <sip:b@127.0.0.2:5070>\r\n\
             Call-ID: c7@127.0.0.1\r\nCSeq: 41 CANCEL\r\nContent-Length: 0\r\n\r\n"
        );
        assert_eq!(cancel, want.as_bytes());
        let ack = derived(&invite, Method::Ack, Some("<sip:b@127.0.0.2:5070>;tag=t9"));
        let want = format!(
            "ACK sip:b@127.0.0.2:5070;transport=tcp SIP/2.0\r\n{common}To: <sip:b@127.0.0.2:5070>;tag=t9\r\n\
             Call-ID: c7@127.0.0.1\r\nCSeq: 41 ACK\r\nContent-Length: 0\r\n\r\n"
        );
        assert_eq!(ack, want.as_bytes());
    }
}
