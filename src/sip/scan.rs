//! Scans for an ASCII delimiter over a `str`'s bytes. `str::find(char)`,
//! `split_once(char)`, `split(char)` and `trim()` go through char
//! patterns that cost several times more on the short texts of a SIP
//! message's start line, URIs and parameters: they were 17 % of the
//! instructions of a bridged call (perf/README, "SIP message path").
//! Each function here gives what its `str` namesake gives.

/// `s.find(b as char)` for an ASCII `b`.
#[inline]
pub fn find(s: &str, b: u8) -> Option<usize> {
    debug_assert!(b.is_ascii());
    memchr::memchr(b, s.as_bytes())
}

/// `s.split_once(b as char)` for an ASCII `b`.
#[inline]
pub fn split_once(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = find(s, b)?;
    Some((&s[..i], &s[i + 1..]))
}

/// `s.rsplit_once(b as char)` for an ASCII `b`.
#[inline]
pub fn rsplit_once(s: &str, b: u8) -> Option<(&str, &str)> {
    debug_assert!(b.is_ascii());
    let i = memchr::memrchr(b, s.as_bytes())?;
    Some((&s[..i], &s[i + 1..]))
}

/// `s` up to its first `b` (all of it when there is none).
#[inline]
pub fn before(s: &str, b: u8) -> &str {
    find(s, b).map_or(s, |i| &s[..i])
}

/// `s.split(b as char)` for an ASCII `b`.
#[inline]
pub fn pieces(s: &str, b: u8) -> Pieces<'_> {
    debug_assert!(b.is_ascii());
    Pieces { rest: Some(s), b }
}

/// The iterator of [`pieces`].
pub struct Pieces<'a> {
    rest: Option<&'a str>,
    b: u8,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        match split_once(s, self.b) {
            Some((piece, rest)) => {
                self.rest = Some(rest);
                Some(piece)
            }
            None => self.rest.take(),
        }
    }
}

/// `s.trim()`, exactly: ASCII white space off both ends at byte speed,
/// and `str::trim` only when an end left is not ASCII or is a vertical
/// tab (Unicode white space that `trim_ascii` keeps).
#[inline]
pub fn trim(s: &str) -> &str {
    let t = s.trim_ascii();
    let odd = |b: Option<&u8>| b.is_some_and(|&b| b >= 0x80 || b == 0x0b);
    if odd(t.as_bytes().first()) || odd(t.as_bytes().last()) {
        t.trim()
    } else {
        t
    }
}

/// `s.trim_end()`, exactly (see [`trim`]).
#[inline]
pub fn trim_end(s: &str) -> &str {
    let t = s.trim_ascii_end();
    if t.as_bytes().last().is_some_and(|&b| b >= 0x80 || b == 0x0b) {
        t.trim_end()
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_gives_what_its_str_namesake_gives() {
        let texts = [
            "",
            ";",
            "a;b;;c;",
            "sip:alice@example.com:5060;transport=tcp",
            " \t x \r\n",
            "\u{b} x \u{b}",
            "\u{3000}x\u{a0} ",
            " é ",
            "é;è",
            "@@",
            "\u{85}",
            "x\u{b}",
            "\x0c",
            "x\u{85}",
            " \u{b}",
        ];
        for s in texts {
            for b in [b';', b'@', b':', b' ', b'x'] {
                let c = b as char;
                assert_eq!(find(s, b), s.find(c), "{s:?} {c:?}");
                assert_eq!(split_once(s, b), s.split_once(c), "{s:?} {c:?}");
                assert_eq!(rsplit_once(s, b), s.rsplit_once(c), "{s:?} {c:?}");
                assert_eq!(before(s, b), s.split(c).next().unwrap(), "{s:?} {c:?}");
                assert_eq!(
                    pieces(s, b).collect::<Vec<_>>(),
                    s.split(c).collect::<Vec<_>>(),
                    "{s:?} {c:?}"
                );
            }
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(trim_end(s), s.trim_end(), "{s:?}");
        }
    }
}
