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
