//! Splitting and trimming the ASCII text of SDP lines by byte, like
//! `str`'s `split_once`, `split`, `split_whitespace` and `trim` but without
//! the set-up of a `memchr` for the few bytes of a line (a third of the
//! SDP reader's time when it used them). For ASCII text only: on it,
//! [`is_space`] is exactly `char::is_whitespace`.

/// `s` split at its first `b` (an ASCII byte), like `str::split_once`
/// but without the set-up of a `memchr` for the few bytes of an SDP line.
pub fn cut(s: &str, b: u8) -> Option<(&str, &str)> {
    let at = s.bytes().position(|c| c == b)?;
    Some((&s[..at], &s[at + 1..]))
}

/// `s`'s pieces between each `b` (an ASCII byte), like `str::split`.
pub fn pieces(s: &str, b: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        let (piece, after) = cut(r, b).map_or((r, None), |(p, a)| (p, Some(a)));
        rest = after;
        Some(piece)
    })
}

/// White space as `char::is_whitespace` has it, for ASCII.
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `value`'s white-space separated words (ASCII text).
pub fn words(value: &str) -> impl Iterator<Item = &str> {
    let (b, mut i) = (value.as_bytes(), 0);
    std::iter::from_fn(move || {
        i += b[i..].iter().position(|c| !is_space(*c))?;
        let start = i;
        i += b[i..].iter().position(|c| is_space(*c)).unwrap_or(b.len() - i);
        Some(&value[start..i])
    })
}

/// `value` without white space at either end (ASCII text).
pub fn trim(value: &str) -> &str {
    let b = value.as_bytes();
    let start = b.iter().position(|c| !is_space(*c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !is_space(*c)).map_or(start, |e| e + 1);
    &value[start..end]
}
