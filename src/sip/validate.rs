//! RFC 3261 §8.1.1 / §8.2: the mandatory headers, each checked with a
//! reason that becomes the 400's phrase.

use super::{InvalidMessage, Method, SipMessage, Via, header, header_param, headers, uri_of};
use std::hash::{Hash, Hasher};

/// The RFC 3261 branch prefix (§8.1.1.7).
pub const MAGIC_COOKIE: &str = "z9hG4bK";

/// What the transaction and dialog layers match on, extracted once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Core {
    /// Call-ID value.
    pub call_id: String,
    /// CSeq number.
    pub cseq: u32,
    /// CSeq method.
    pub cseq_method: Method,
    /// Top Via branch; for RFC 2543 peers (no magic cookie) a key derived
    /// from the §17.2.3 fallback fields.
    pub branch: String,
    /// Top Via sent-by (`host:port`).
    pub sent_by: String,
    /// From tag.
    pub from_tag: Option<String>,
    /// To tag.
    pub to_tag: Option<String>,
}

/// Checks a parsed message and extracts its [`Core`].
pub fn validate(msg: &SipMessage) -> Result<Core, InvalidMessage> {
    let via_value = header(msg, "Via").ok_or(InvalidMessage::Missing("Via"))?;
    let via = Via::parse(via_value).ok_or(InvalidMessage::Malformed("Via"))?;
    let from = single(msg, "From")?;
    let to = single(msg, "To")?;
    name_addr(from).ok_or(InvalidMessage::Malformed("From"))?;
    name_addr(to).ok_or(InvalidMessage::Malformed("To"))?;
    let call_id = single(msg, "Call-ID")?;
    if call_id.is_empty() || call_id.contains(char::is_whitespace) {
        return Err(InvalidMessage::Malformed("Call-ID"));
    }
    let (cseq, cseq_method) =
        cseq(single(msg, "CSeq")?).ok_or(InvalidMessage::Malformed("CSeq"))?;
    if let SipMessage::Request(req) = msg {
        if req.method != cseq_method {
            return Err(InvalidMessage::CSeqMethodMismatch);
        }
        let mf = single(msg, "Max-Forwards")?;
        mf.parse::<u8>()
            .map_err(|_| InvalidMessage::Malformed("Max-Forwards"))?;
    }
    let from_tag = header_param(from, "tag")
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let to_tag = header_param(to, "tag")
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let branch = match via.param("branch") {
        Some(b) if b.starts_with(MAGIC_COOKIE) => b.to_owned(),
        other => rfc2543_key(msg, other, call_id, cseq, from_tag.as_deref()),
    };
    Ok(Core {
        call_id: call_id.to_owned(),
        cseq,
        cseq_method,
        branch,
        sent_by: via.sent_by(),
        from_tag,
        to_tag,
    })
}

fn single<'a>(msg: &'a SipMessage, name: &'static str) -> Result<&'a str, InvalidMessage> {
    let mut all = headers(msg, name);
    let first = all.next().ok_or(InvalidMessage::Missing(name))?;
    if all.next().is_some() {
        return Err(InvalidMessage::Duplicate(name));
    }
    Ok(first)
}

fn name_addr(value: &str) -> Option<()> {
    let uri = uri_of(value);
    let (scheme, rest) = uri.split_once(':')?;
    let ok = !scheme.is_empty() && !rest.is_empty() && !uri.contains(char::is_whitespace);
    ok.then_some(())
}

fn cseq(value: &str) -> Option<(u32, Method)> {
    let mut parts = value.split_whitespace();
    let num: u32 = parts.next()?.parse().ok()?;
    let method: Method = parts.next()?.parse().ok()?;
    (num < 1 << 31 && parts.next().is_none()).then_some((num, method))
}

/// RFC 3261 §17.2.3's matching for requests without the magic cookie,
/// folded into a synthetic branch (ACK and CANCEL share the INVITE's).
fn rfc2543_key(
    msg: &SipMessage,
    branch: Option<&str>,
    call_id: &str,
    cseq: u32,
    tag: Option<&str>,
) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (branch, call_id, cseq, tag, header(msg, "Via")).hash(&mut h);
    if let SipMessage::Request(req) = msg {
        req.uri.to_string().hash(&mut h);
    }
    format!("rfc2543-{:016x}", h.finish())
}
