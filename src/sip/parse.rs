//! Bytes to an rsip message: our framing and normalisation first, then
//! rsip's tokenizer on the normalised head.

use super::{ParseError, RawMessage, SipMessage, framing};

const METHODS: [&str; 14] = [
    "ACK",
    "BYE",
    "CANCEL",
    "INFO",
    "INVITE",
    "MESSAGE",
    "NOTIFY",
    "OPTIONS",
    "PRACK",
    "PUBLISH",
    "REFER",
    "REGISTER",
    "SUBSCRIBE",
    "UPDATE",
];

/// Parses one whole message (a datagram, or a message framed from a stream).
pub fn parse(buf: &[u8]) -> Result<SipMessage, ParseError> {
    let raw = framing::split(buf)?;
    check_start_line(&raw)?;
    let mut head = String::with_capacity(buf.len() + 64);
    head.push_str(&raw.start);
    head.push_str("\r\n");
    for (name, value) in &raw.headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    match SipMessage::try_from(head.as_bytes()) {
        Ok(mut msg) => {
            *msg.body_mut() = raw.body;
            Ok(msg)
        }
        Err(_) => {
            let reason = if raw.is_request() {
                "Malformed Request-URI"
            } else {
                "Malformed status line"
            };
            Err(ParseError::Syntax {
                reason: reason.to_owned(),
                raw: Box::new(raw),
            })
        }
    }
}

fn check_start_line(raw: &RawMessage) -> Result<(), ParseError> {
    let syntax = |reason: &str| ParseError::Syntax {
        reason: reason.to_owned(),
        raw: Box::new(raw.clone()),
    };
    if !raw.is_request() {
        let mut parts = raw.start.splitn(3, ' ');
        let (_, code) = (parts.next(), parts.next().unwrap_or(""));
        return match code.parse::<u16>() {
            Ok(c) if (100..700).contains(&c) => Ok(()),
            _ => Err(syntax("Malformed status line")),
        };
    }
    let parts: Vec<&str> = raw.start.split(' ').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(syntax("Malformed request line"));
    }
    if !parts[2].eq_ignore_ascii_case("SIP/2.0") {
        return Err(if parts[2].starts_with("SIP/") {
            ParseError::BadVersion(Box::new(raw.clone()))
        } else {
            syntax("Malformed request line")
        });
    }
    if !METHODS.contains(&parts[0]) {
        return Err(
            if parts[0]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
            {
                ParseError::UnknownMethod(Box::new(raw.clone()))
            } else {
                syntax("Malformed method")
            },
        );
    }
    Ok(())
}
