//! SIP text for hand-written peers: reading a header, answering a request,
//! an SDP offer.

/// The value of header `name` (first occurrence, full name only), or "".
pub fn header<'a>(msg: &'a str, name: &str) -> &'a str {
    msg.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
        .unwrap_or("")
}

/// An audio offer/answer with one codec (`pt`, `rtpmap` as in
/// `a=rtpmap:0 PCMU/8000`) on `port` of 127.0.0.1.
pub fn sdp(port: u16, pt: u8, rtpmap: &str) -> String {
    format!(
        "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP {pt}\r\na=rtpmap:{pt} {rtpmap}\r\n"
    )
}

/// A response `status` (e.g. "486 Busy Here") to request `req`: its Vias,
/// From, Call-ID and CSeq, its To with `;tag=to_tag` added unless it has a
/// tag, then `extra` header lines (each ending in CRLF) and `body` (as SDP
/// when not empty).
pub fn reply(req: &str, status: &str, to_tag: &str, extra: &str, body: &str) -> Vec<u8> {
    let mut r = format!("SIP/2.0 {status}\r\n");
    for l in req.lines().filter(|l| l.starts_with("Via: ")) {
        r += l;
        r += "\r\n";
    }
    for h in ["From", "Call-ID", "CSeq"] {
        r += &format!("{h}: {}\r\n", header(req, h));
    }
    let to = header(req, "To");
    if to.contains("tag=") {
        r += &format!("To: {to}\r\n");
    } else {
        r += &format!("To: {to};tag={to_tag}\r\n");
    }
    r += extra;
    if !body.is_empty() {
        r += "Content-Type: application/sdp\r\n";
    }
    r += &format!("Content-Length: {}\r\n\r\n{body}", body.len());
    r.into_bytes()
}

/// A new INVITE from a peer at `me` to `user` at `to` (Call-ID `call`,
/// From tag `f-<call>`, top branch `z9hG4bK<branch>`), offering `body`
/// (none when empty).
pub fn invite(
    me: std::net::SocketAddr,
    to: std::net::SocketAddr,
    user: &str,
    call: &str,
    branch: &str,
    body: &str,
) -> Vec<u8> {
    let ct = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    format!(
        "INVITE sip:{user}@{to} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK{branch}\r\nMax-Forwards: 70\r\n\
         From: <sip:peer@{me}>;tag=f-{call}\r\nTo: <sip:{user}@{to}>\r\nCall-ID: {call}\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:peer@{me}>\r\n{ct}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A request inside the dialog a peer at `me` opened with [`invite`]
/// (Call-ID `call`), towards `to`, whose To (with its tag) is `to_header`.
pub fn in_dialog(
    method: &str,
    me: std::net::SocketAddr,
    to: std::net::SocketAddr,
    call: &str,
    to_header: &str,
    cseq: u32,
    branch: &str,
) -> Vec<u8> {
    format!(
        "{method} sip:x@{to} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK{branch}\r\nMax-Forwards: 70\r\n\
         From: <sip:peer@{me}>;tag=f-{call}\r\nTo: {to_header}\r\nCall-ID: {call}\r\nCSeq: {cseq} {method}\r\n\
         Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

/// [`invite`] from `me` to user `bob` at `to`, offering PCMU on port 4000,
/// that requires reliable provisionals (RFC 3262).
pub fn invite_requiring_100rel(me: std::net::SocketAddr, to: std::net::SocketAddr, call: &str) -> Vec<u8> {
    let inv = String::from_utf8(invite(me, to, "bob", call, call, &sdp(4000, 0, "PCMU/8000"))).unwrap();
    inv.replacen("Contact:", "Require: 100rel\r\nSupported: 100rel\r\nContact:", 1)
        .into_bytes()
}

/// A PRACK from `me` to `to` in the early dialog of reliable provisional
/// `resp` (Call-ID `call`, its To), with `RAck: <rack>`.
pub fn prack(
    me: std::net::SocketAddr,
    to: std::net::SocketAddr,
    call: &str,
    resp: &str,
    cseq: u32,
    rack: &str,
    branch: &str,
) -> Vec<u8> {
    let text = String::from_utf8(in_dialog("PRACK", me, to, call, header(resp, "To"), cseq, branch)).unwrap();
    text.replacen("Content-Length:", &format!("RAck: {rack}\r\nContent-Length:"), 1)
        .into_bytes()
}
