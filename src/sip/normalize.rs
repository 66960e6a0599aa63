//! Normalising what RFC 3261 lets a sender space out: a Via value may have
//! linear white space around its `/`, `;`, `=` separators (SWS, §25.1);
//! the rest of the stack reads the compact form.

use std::borrow::Cow;

/// A Via value without white space around `/`, `;` and `=` (quoted
/// strings untouched); borrowed when there is nothing to remove.
pub fn via(value: &str) -> Cow<'_, str> {
    // Only the bytes around each blank need looking at.
    let b = value.as_bytes();
    let spaced = memchr::memchr2_iter(b' ', b'\t', b).any(|i| {
        let sep = |j: Option<usize>| {
            j.and_then(|j| b.get(j))
                .is_some_and(|c| matches!(c, b'/' | b';' | b'='))
        };
        sep(i.checked_sub(1)) || sep(Some(i + 1))
    });
    if !spaced {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut quoted = false;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            quoted = !quoted;
        }
        if !quoted && c.is_whitespace() {
            let next_sep = chars
                .peek()
                .is_some_and(|n| matches!(n, '/' | ';' | '=') || n.is_whitespace());
            let prev_sep = out.ends_with(['/', ';', '=']);
            if next_sep || prev_sep {
                continue;
            }
        }
        out.push(c);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn spaced_via_is_compacted() {
        assert_eq!(
            super::via("SIP  /   2.0 /UDP    192.0.2.2;branch=1"),
            "SIP/2.0/UDP 192.0.2.2;branch=1"
        );
        assert_eq!(
            super::via("SIP/2.0/TCP spindle.example.com ; branch = z9hG4bK9ikj8"),
            "SIP/2.0/TCP spindle.example.com;branch=z9hG4bK9ikj8"
        );
        assert_eq!(super::via("SIP/2.0/UDP h;x=\"a ; b\""), "SIP/2.0/UDP h;x=\"a ; b\"");
    }
}
