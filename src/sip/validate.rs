//! RFC 3261 §8.1.1 / §8.2: the mandatory headers, each checked with a
//! reason that becomes the 400's phrase.

use super::core::CoreText;
use super::{Core, InvalidMessage, Message, Method, Via, header_param, uri_of};
use std::hash::{Hash, Hasher};

/// The RFC 3261 branch prefix (§8.1.1.7).
pub const MAGIC_COOKIE: &str = "z9hG4bK";

/// The mandatory headers, found in one pass over the message.
#[derive(Default)]
struct Found<'a> {
    via: Option<&'a str>,
    from: Option<&'a str>,
    to: Option<&'a str>,
    call_id: Option<&'a str>,
    cseq: Option<&'a str>,
    max_forwards: Option<&'a str>,
    content_length: bool,
    duplicate: Option<&'static str>,
}

fn find(msg: &Message) -> Found<'_> {
    let mut f = Found::default();
    let set = |slot: &mut Option<&'static str>, value: &'static str, seen: bool| {
        if seen && slot.is_none() {
            *slot = Some(value);
        }
    };
    for (name, v) in msg.lines() {
        let dup = &mut f.duplicate;
        let eq = |n: &str| name.eq_ignore_ascii_case(n);
        match name.len() {
            3 if eq("Via") => {
                f.via.get_or_insert(v);
            }
            4 if eq("From") => set(dup, "From", f.from.replace(v).is_some()),
            2 if eq("To") => set(dup, "To", f.to.replace(v).is_some()),
            7 if eq("Call-ID") => set(dup, "Call-ID", f.call_id.replace(v).is_some()),
            4 if eq("CSeq") => set(dup, "CSeq", f.cseq.replace(v).is_some()),
            12 if eq("Max-Forwards") => set(dup, "Max-Forwards", f.max_forwards.replace(v).is_some()),
            14 if eq("Content-Length") => set(dup, "Content-Length", std::mem::replace(&mut f.content_length, true)),
            _ => {}
        }
    }
    f
}

/// Checks a parsed message and extracts its [`Core`].
pub fn validate(msg: &Message) -> Result<Core, InvalidMessage> {
    validate_with(msg, None)
}

/// [`validate`], given the message's top Via already parsed from its
/// first Via value (`None`: parsed here), so that it is not read twice.
pub fn validate_with(msg: &Message, parsed: Option<&Via<'_>>) -> Result<Core, InvalidMessage> {
    let f = find(msg);
    let via_value = f.via.ok_or(InvalidMessage::Missing("Via"))?;
    let owned;
    let via = match parsed {
        Some(via) => via,
        None => {
            owned = Via::parse(via_value).ok_or(InvalidMessage::Malformed("Via"))?;
            &owned
        }
    };
    let from = f.from.ok_or(InvalidMessage::Missing("From"))?;
    let to = f.to.ok_or(InvalidMessage::Missing("To"))?;
    let call_id = f.call_id.ok_or(InvalidMessage::Missing("Call-ID"))?;
    let cseq_value = f.cseq.ok_or(InvalidMessage::Missing("CSeq"))?;
    if let Some(name) = f.duplicate {
        return Err(InvalidMessage::Duplicate(name));
    }
    name_addr(from).ok_or(InvalidMessage::Malformed("From"))?;
    name_addr(to).ok_or(InvalidMessage::Malformed("To"))?;
    if call_id.is_empty() || call_id.contains(char::is_whitespace) {
        return Err(InvalidMessage::Malformed("Call-ID"));
    }
    let (cseq, cseq_method) = cseq(cseq_value).ok_or(InvalidMessage::Malformed("CSeq"))?;
    if let Some(method) = msg.method() {
        if method != cseq_method {
            return Err(InvalidMessage::CSeqMethodMismatch);
        }
        // RFC 2543 had no Max-Forwards; RFC 4475 §3.4.1 expects such a
        // request to be processed. A present one must be a number.
        if let Some(mf) = f.max_forwards {
            mf.parse::<u8>()
                .map_err(|_| InvalidMessage::Malformed("Max-Forwards"))?;
        }
    }
    let from_tag = header_param(from, "tag").filter(|t| !t.is_empty());
    let to_tag = header_param(to, "tag").filter(|t| !t.is_empty());
    let key;
    let branch = match via.param("branch") {
        Some(b) if b.starts_with(MAGIC_COOKIE) => b,
        other => {
            key = rfc2543_key(msg, other, call_id, cseq, from_tag);
            &key
        }
    };
    let text = CoreText {
        call_id,
        branch,
        via,
        from_tag,
        to_tag,
    };
    Ok(Core::new(text, cseq, cseq_method))
}

fn name_addr(value: &str) -> Option<()> {
    let b = value.as_bytes();
    let mut quotes = 0usize;
    for i in memchr::memchr2_iter(b'"', b';', b) {
        match b[i] {
            b'"' if i == 0 || b[i - 1] != b'\\' => quotes += 1,
            b';' if b.get(i + 1) == Some(&b';') => return None,
            _ => {}
        }
    }
    if quotes % 2 == 1 {
        return None;
    }
    let uri = uri_of(value);
    let colon = memchr::memchr(b':', uri.as_bytes())?;
    let blank = uri.bytes().any(|c| c.is_ascii_whitespace()) || (!uri.is_ascii() && uri.contains(char::is_whitespace));
    (colon > 0 && colon + 1 < uri.len() && !blank).then_some(())
}

fn cseq(value: &str) -> Option<(u32, Method)> {
    let mut parts = value.split_whitespace();
    let num: u32 = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let method: Method = super::method_of(name).or_else(|| name.parse().ok())?;
    (num < 1 << 31 && parts.next().is_none()).then_some((num, method))
}

/// RFC 3261 §17.2.3's matching for requests without the magic cookie,
/// folded into a synthetic branch (ACK and CANCEL share the INVITE's).
fn rfc2543_key(msg: &Message, branch: Option<&str>, call_id: &str, cseq: u32, tag: Option<&str>) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (branch, call_id, cseq, tag, msg.header("Via")).hash(&mut h);
    if msg.method().is_some() {
        msg.uri().hash(&mut h);
    }
    format!("rfc2543-{:016x}", h.finish())
}
