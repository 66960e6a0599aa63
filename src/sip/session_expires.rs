//! The headers of session timers (RFC 4028): `Session-Expires` (compact
//! `x`) with its `refresher` parameter, `Min-SE`, and whether a message
//! lists `timer` in `Supported` or `Require`.

use std::fmt::Write;

/// Who refreshes the session (the `refresher` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresher {
    /// The UAC of the INVITE or re-INVITE that set it.
    Uac,
    /// Its UAS.
    Uas,
}

/// A `Session-Expires` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionExpires {
    /// The session interval, in seconds.
    pub secs: u32,
    /// Who refreshes, if the message says.
    pub refresher: Option<Refresher>,
}

/// A delta-seconds value (RFC 3261 §25.1: 1*DIGIT; more than fits in 32
/// bits is taken as the largest, as §20.19 allows for Expires).
fn delta_seconds(text: &str) -> Option<u32> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(t.parse::<u64>().map_or(u32::MAX, |v| v.min(u64::from(u32::MAX)) as u32))
}

impl SessionExpires {
    /// Parses a `Session-Expires` value; the fault, named, when it is not
    /// one (for a 400).
    pub fn parse(value: &str) -> Result<SessionExpires, &'static str> {
        let mut parts = value.split(';');
        let secs = delta_seconds(parts.next().unwrap_or("")).ok_or("Session-Expires is not a number of seconds")?;
        let mut refresher = None;
        for p in parts {
            let (name, v) = p.split_once('=').unwrap_or((p, ""));
            if name.trim().eq_ignore_ascii_case("refresher") {
                refresher = Some(match v.trim() {
                    r if r.eq_ignore_ascii_case("uac") => Refresher::Uac,
                    r if r.eq_ignore_ascii_case("uas") => Refresher::Uas,
                    _ => return Err("Session-Expires refresher is neither uac nor uas"),
                });
            }
        }
        Ok(SessionExpires { secs, refresher })
    }

    /// The header value.
    pub fn to_value(self) -> String {
        let mut v = String::with_capacity(24);
        let _ = write!(v, "{}", self.secs);
        match self.refresher {
            Some(Refresher::Uac) => v.push_str(";refresher=uac"),
            Some(Refresher::Uas) => v.push_str(";refresher=uas"),
            None => {}
        }
        v
    }
}

/// Parses a `Min-SE` value (seconds); the fault, named, when it is not one.
pub fn min_se(value: &str) -> Result<u32, &'static str> {
    delta_seconds(value.split(';').next().unwrap_or("")).ok_or("Min-SE is not a number of seconds")
}

/// Whether the values of a `Supported` or `Require` header list `tag`.
pub fn lists<'a>(mut values: impl Iterator<Item = &'a str>, tag: &str) -> bool {
    values.any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(tag)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_expires_and_min_se_parse_and_render() {
        let se = SessionExpires::parse("1800;refresher=UAS;x=y").unwrap();
        assert_eq!((se.secs, se.refresher), (1800, Some(Refresher::Uas)));
        assert_eq!(se.to_value(), "1800;refresher=uas");
        assert_eq!(SessionExpires::parse(" 90 ").unwrap().refresher, None);
        assert_eq!(SessionExpires::parse("99999999999").unwrap().secs, u32::MAX);
        assert!(SessionExpires::parse("abc").is_err());
        assert!(SessionExpires::parse("-5").is_err());
        assert!(SessionExpires::parse("90;refresher=proxy").is_err());
        assert_eq!(min_se("120;foo"), Ok(120));
        assert!(min_se("").is_err());
        assert!(lists(["100rel, Timer"].into_iter(), "timer"));
        assert!(!lists(["100rel"].into_iter(), "timer"));
    }
}
