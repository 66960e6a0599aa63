//! The headers of a transfer: Refer-To (RFC 3515 §2.1), the Replaces
//! header it may carry for an attended transfer (RFC 3891 §6.1, as a
//! URI header, escaped) and Refer-Sub (RFC 4488), read into plain data or
//! a reason that names the fault (the 400's reason phrase).

/// A Refer-To's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferTo {
    /// The URI to call, without its headers.
    pub uri: String,
    /// The dialog an attended transfer replaces, if it names one.
    pub replaces: Option<Replaces>,
}

/// A Replaces value: the dialog as its sender's peer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaces {
    /// Its Call-ID.
    pub call_id: String,
    /// The tag of the side that will receive the INVITE with Replaces.
    pub to_tag: String,
    /// The tag of the other side.
    pub from_tag: String,
    /// `early-only`: replace it only while it is early.
    pub early_only: bool,
}

/// `%XX` escapes decoded (a URI header's value, RFC 3261 §19.1.2).
fn unescape(s: &str) -> Result<String, ()> {
    let (mut out, b) = (Vec::with_capacity(s.len()), s.as_bytes());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or(())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| ())?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ())
}

impl Replaces {
    /// Reads a Replaces value: `call-id;to-tag=..;from-tag=..[;early-only]`.
    pub fn parse(value: &str) -> Result<Self, &'static str> {
        const BAD: &str = "Bad Replaces";
        let mut parts = value.split(';').map(str::trim);
        let call_id = parts.next().filter(|c| !c.is_empty() && !c.contains(' ')).ok_or(BAD)?;
        let (mut to_tag, mut from_tag, mut early_only) = (None, None, false);
        for p in parts {
            match p.split_once('=') {
                Some((k, v)) if k.eq_ignore_ascii_case("to-tag") && !v.is_empty() => to_tag = Some(v),
                Some((k, v)) if k.eq_ignore_ascii_case("from-tag") && !v.is_empty() => from_tag = Some(v),
                None if p.eq_ignore_ascii_case("early-only") => early_only = true,
                Some((k, _)) if k.eq_ignore_ascii_case("to-tag") || k.eq_ignore_ascii_case("from-tag") => {
                    return Err(BAD);
                }
                _ => {}
            }
        }
        Ok(Replaces {
            call_id: call_id.to_owned(),
            to_tag: to_tag.ok_or(BAD)?.to_owned(),
            from_tag: from_tag.ok_or(BAD)?.to_owned(),
            early_only,
        })
    }
}

impl ReferTo {
    /// Reads a Refer-To value (name-addr or addr-spec): a SIP, SIPS or
    /// tel URI, its Replaces header if any; other URI headers dropped.
    pub fn parse(value: &str) -> Result<Self, &'static str> {
        const BAD: &str = "Bad Refer-To";
        let uri = super::uri_of(value.trim());
        let (base, headers) = uri.split_once('?').unwrap_or((uri, ""));
        let scheme = base.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        let host = base.split_once(':').map_or("", |(_, rest)| rest);
        if !matches!(scheme.as_deref(), Some("sip" | "sips" | "tel"))
            || host.is_empty()
            || base.contains([' ', '<', '>'])
        {
            return Err(BAD);
        }
        let mut replaces = None;
        for h in headers.split('&').filter(|h| !h.is_empty()) {
            let (name, v) = h.split_once('=').ok_or(BAD)?;
            if name.eq_ignore_ascii_case("Replaces") {
                let v = unescape(v).map_err(|_| "Bad Replaces")?;
                replaces = Some(Replaces::parse(&v)?);
            }
        }
        Ok(ReferTo {
            uri: base.to_owned(),
            replaces,
        })
    }
}

/// Whether a REFER asks for no implicit subscription (`Refer-Sub: false`,
/// RFC 4488); a value other than true or false is a fault.
pub fn refer_sub(value: Option<&str>) -> Result<bool, &'static str> {
    match value.map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase()) {
        None => Ok(true),
        Some(v) if v == "true" => Ok(true),
        Some(v) if v == "false" => Ok(false),
        Some(_) => Err("Bad Refer-Sub"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let r = ReferTo::parse("\"Carol\" <sip:carol@example.net;transport=tcp>;x=1").unwrap();
        assert_eq!(r.uri, "sip:carol@example.net;transport=tcp");
        assert_eq!(r.replaces, None);
        assert_eq!(
            ReferTo::parse("sip:bob@127.0.0.1:5070").unwrap().uri,
            "sip:bob@127.0.0.1:5070"
        );
        for bad in ["", "<>", "http://x", "<sip:>", "sip:a b@x", "<sip:c@x?Replaces>"] {
            assert_eq!(ReferTo::parse(bad), Err("Bad Refer-To"), "{bad}");
        }
    }

    #[test]
    fn attended() {
        let v = "<sip:carol@h?Replaces=abc%40h%3Bto-tag%3D7%3Bfrom-tag%3D9%3Bearly-only&Require=replaces>";
        let r = ReferTo::parse(v).unwrap();
        assert_eq!(r.uri, "sip:carol@h");
        let rep = r.replaces.unwrap();
        assert_eq!(
            (rep.call_id.as_str(), rep.to_tag.as_str(), rep.from_tag.as_str()),
            ("abc@h", "7", "9")
        );
        assert!(rep.early_only);
        for bad in [
            "<sip:c@h?Replaces=abc%3Bto-tag%3D7>",
            "<sip:c@h?Replaces=%ZZ>",
            "<sip:c@h?Replaces=%3Bto-tag%3D1%3Bfrom-tag%3D2>",
        ] {
            assert_eq!(ReferTo::parse(bad), Err("Bad Replaces"), "{bad}");
        }
    }

    #[test]
    fn subscription() {
        assert_eq!(refer_sub(None), Ok(true));
        assert_eq!(refer_sub(Some(" False ")), Ok(false));
        assert_eq!(refer_sub(Some("maybe")), Err("Bad Refer-Sub"));
    }
}
