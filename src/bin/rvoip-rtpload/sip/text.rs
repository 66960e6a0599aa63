//! The tool's SIP text: requests written out as SIPp's scenarios write
//! them, and the few values it reads back from responses.

use std::net::SocketAddr;

/// Request `method` of call `i`, sent from `local`.
#[allow(clippy::too_many_arguments)]
pub fn request(
    local: SocketAddr,
    i: usize,
    method: &str,
    uri: &str,
    cseq: u32,
    branch: &str,
    to: &str,
    body: &str,
) -> String {
    let ctype = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    format!(
        "{method} {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch={branch};rport\r\nMax-Forwards: 70\r\n\
         From: <sip:rtpload@{local}>;tag=rl{i}\r\nTo: {to}\r\nCall-ID: rtpload-{i}-{pid}@{ip}\r\n\
         CSeq: {cseq} {method}\r\nContact: <sip:rtpload@{local}>\r\n{ctype}Content-Length: {len}\r\n\r\n{body}",
        pid = std::process::id(),
        ip = local.ip(),
        len = body.len(),
    )
}

/// The call a Call-ID of ours names.
pub fn call_index(call_id: &str) -> Option<usize> {
    call_id.strip_prefix("rtpload-")?.split('-').next()?.parse().ok()
}

/// The value of header `name` (To or Contact) in `r`, as written.
pub fn header(r: &rsip::Response, name: &str) -> Option<String> {
    r.headers.iter().find_map(|h| {
        let line = h.to_string();
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

/// A 200 OK to request `r`: its Via, From, To, Call-ID and CSeq copied.
pub fn ok_to(r: &rsip::Request) -> String {
    let mut out = String::from("SIP/2.0 200 OK\r\n");
    for h in r.headers.iter() {
        let line = h.to_string();
        let name = line.split_once(':').map_or("", |(n, _)| n.trim());
        if ["via", "from", "to", "call-id", "cseq"]
            .iter()
            .any(|k| name.eq_ignore_ascii_case(k))
        {
            out.push_str(&line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Content-Length: 0\r\n\r\n");
    out
}

/// The URI between `<` and `>`.
pub fn bracketed(v: &str) -> Option<String> {
    Some(v.split_once('<')?.1.split_once('>')?.0.to_string())
}
