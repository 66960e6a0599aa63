//! The parameters of a `Digest` Authorization (or Proxy-Authorization)
//! header (RFC 7616 §3.4, RFC 3261 §25.1 `digest-response`): `key=value`
//! pairs, values as tokens or quoted strings with `\` escapes.

/// What a client's Authorization says, borrowed from the header where it
/// can be (a quoted value with escapes is unescaped).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DigestParams {
    /// `username`.
    pub username: String,
    /// `realm`.
    pub realm: String,
    /// `nonce`.
    pub nonce: String,
    /// `uri`.
    pub uri: String,
    /// `response`.
    pub response: String,
    /// `algorithm`, if given.
    pub algorithm: Option<String>,
    /// `cnonce`, with a qop.
    pub cnonce: Option<String>,
    /// `qop`, if given.
    pub qop: Option<String>,
    /// `nc`, with a qop.
    pub nc: Option<String>,
    /// `opaque`, if given.
    pub opaque: Option<String>,
}

/// The `key=value` pairs of a `Digest` header value (keys lower-cased,
/// values unquoted); the reason it is malformed otherwise.
pub fn digest_pairs(value: &str) -> Result<Vec<(String, String)>, &'static str> {
    let value = value.trim();
    let (scheme, mut rest) = value.split_once(char::is_whitespace).ok_or("not a Digest credential")?;
    if !scheme.eq_ignore_ascii_case("Digest") {
        return Err("not a Digest credential");
    }
    let mut pairs = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        if rest.is_empty() {
            return Ok(pairs);
        }
        let (key, after) = rest.split_once('=').ok_or("a parameter without a value")?;
        let (val, after) = value_of(after.trim_start())?;
        rest = after;
        pairs.push((key.trim().to_ascii_lowercase(), val));
    }
}

impl DigestParams {
    /// Parses a header value; the reason it is malformed otherwise (for a
    /// 400 that names it).
    pub fn parse(value: &str) -> Result<DigestParams, &'static str> {
        let mut p = DigestParams::default();
        let mut seen = [false; 4];
        for (key, val) in digest_pairs(value)? {
            let (slot, i) = match key.as_str() {
                "username" => (&mut p.username, 0),
                "nonce" => (&mut p.nonce, 1),
                "uri" => (&mut p.uri, 2),
                "response" => (&mut p.response, 3),
                "realm" => {
                    p.realm = val;
                    continue;
                }
                "algorithm" => {
                    p.algorithm = Some(val);
                    continue;
                }
                "cnonce" => {
                    p.cnonce = Some(val);
                    continue;
                }
                "qop" => {
                    p.qop = Some(val);
                    continue;
                }
                "nc" => {
                    p.nc = Some(val);
                    continue;
                }
                "opaque" => {
                    p.opaque = Some(val);
                    continue;
                }
                _ => continue, // auth-param: ignored (RFC 7616 §3.4)
            };
            *slot = val;
            seen[i] = true;
        }
        let missing = ["no username", "no nonce", "no uri", "no response"];
        if let Some(i) = seen.iter().position(|s| !s) {
            return Err(missing[i]);
        }
        if p.qop.is_some() && (p.nc.is_none() || p.cnonce.is_none()) {
            return Err("qop without nc and cnonce");
        }
        Ok(p)
    }
}

/// A token or quoted-string at the start of `s`, and what follows it.
fn value_of(s: &str) -> Result<(String, &str), &'static str> {
    let Some(quoted) = s.strip_prefix('"') else {
        let end = s.find([',', ' ', '\t']).unwrap_or(s.len());
        return Ok((s[..end].to_owned(), &s[end..]));
    };
    let mut out = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &quoted[i + 1..])),
            '\\' => out.push(chars.next().ok_or("an unterminated quoted string")?.1),
            c => out.push(c),
        }
    }
    Err("an unterminated quoted string")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_clients_send_and_names_what_is_missing() {
        let p = DigestParams::parse(
            "Digest username=\"alice\",realm=\"rvoip\", nonce=\"abc\", uri=\"sip:bob@10.0.0.1\", \
             response=\"0123\", algorithm=SHA-256, cnonce=\"x\\\"y\", qop=auth, nc=00000001, opaque=\"o\"",
        )
        .unwrap();
        assert_eq!(
            (p.username.as_str(), p.realm.as_str(), p.uri.as_str()),
            ("alice", "rvoip", "sip:bob@10.0.0.1")
        );
        assert_eq!(p.algorithm.as_deref(), Some("SHA-256"));
        assert_eq!(p.cnonce.as_deref(), Some("x\"y"));
        assert_eq!((p.qop.as_deref(), p.nc.as_deref()), (Some("auth"), Some("00000001")));
        assert_eq!(
            DigestParams::parse("Basic YWxhZGRpbg=="),
            Err("not a Digest credential")
        );
        assert_eq!(
            DigestParams::parse("Digest username=\"a\", nonce=\"n\", uri=\"u\""),
            Err("no response")
        );
        assert_eq!(
            DigestParams::parse("Digest username=\"a"),
            Err("an unterminated quoted string")
        );
        let no_nc = "Digest username=a, nonce=n, uri=u, response=r, qop=auth";
        assert_eq!(DigestParams::parse(no_nc), Err("qop without nc and cnonce"));
    }
}
