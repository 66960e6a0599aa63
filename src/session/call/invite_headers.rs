//! The extension headers an INVITE of ours carries, written in one place:
//! the extensions we support and the session timer asked (RFC 4028:
//! `Session-Expires`, with the refresher when we name one, and `Min-SE`).
//! A new INVITE lends them from the stack as it is written (no string of
//! their own per call); a refresh or a 422 retry takes them owned.

use crate::session::SessionTimerConfig;
use crate::sip::{Refresher, decimal};

/// What a new INVITE says it supports.
const NEW_INVITE: &str = "100rel, timer";

/// An INVITE's extension headers, ready to lend.
pub(super) struct InviteHeaders {
    supported: Option<&'static str>,
    /// `Session-Expires` then `Min-SE`, each written at the start of its
    /// buffer, with its length; `None` when no timer is asked.
    values: Option<[([u8; 40], usize); 2]>,
}

impl InviteHeaders {
    /// A new INVITE's: what we support and the timer `cfg` asks for
    /// (none when `cfg.expires` is 0), the refresher left to the peer.
    pub(super) fn new(cfg: &SessionTimerConfig) -> Self {
        Self::asking(Some(NEW_INVITE), cfg.expires, cfg.min_se, None)
    }

    /// `Supported` as given, and a timer of `expires` seconds (none when
    /// 0) with `min_se` and the refresher named if any.
    pub(super) fn asking(
        supported: Option<&'static str>,
        expires: u32,
        min_se: u32,
        refresher: Option<Refresher>,
    ) -> Self {
        let suffix = match refresher {
            Some(Refresher::Uac) => ";refresher=uac",
            Some(Refresher::Uas) => ";refresher=uas",
            None => "",
        };
        let value = |n: u32, suffix: &str| {
            let (mut buf, mut digits) = ([0u8; 40], [0u8; 20]);
            let d = decimal(u64::from(n), &mut digits);
            buf[..d.len()].copy_from_slice(d);
            buf[d.len()..d.len() + suffix.len()].copy_from_slice(suffix.as_bytes());
            (buf, d.len() + suffix.len())
        };
        InviteHeaders {
            supported,
            values: (expires > 0).then(|| [value(expires, suffix), value(min_se, "")]),
        }
    }

    /// The (name, value) pairs, in the order they are written: the first
    /// `n` of the array.
    pub(super) fn pairs(&self) -> ([(&'static str, &str); 3], usize) {
        let mut out = [("", ""); 3];
        let mut n = 0;
        let mut push = |name, value| {
            out[n] = (name, value);
            n += 1;
        };
        if let Some(s) = self.supported {
            push("Supported", s);
        }
        if let Some([se, min]) = &self.values {
            push("Session-Expires", text(se));
            push("Min-SE", text(min));
        }
        (out, n)
    }

    /// The pairs as owned strings, for a request built from them.
    pub(super) fn owned(&self) -> Vec<(String, String)> {
        let (pairs, n) = self.pairs();
        pairs[..n]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }
}

/// A value written by [`InviteHeaders::asking`].
fn text((buf, len): &([u8; 40], usize)) -> &str {
    std::str::from_utf8(&buf[..*len]).unwrap_or("0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invite_asks_for_the_configured_timer_or_none() {
        let asked = InviteHeaders::new(&SessionTimerConfig {
            expires: 1800,
            min_se: 90,
        });
        let (pairs, n) = asked.pairs();
        assert_eq!(
            &pairs[..n],
            [
                ("Supported", "100rel, timer"),
                ("Session-Expires", "1800"),
                ("Min-SE", "90")
            ]
        );
        let none = InviteHeaders::new(&SessionTimerConfig { expires: 0, min_se: 90 });
        let (pairs, n) = none.pairs();
        assert_eq!(&pairs[..n], [("Supported", "100rel, timer")]);
    }

    #[test]
    fn a_refresh_names_its_refresher_as_the_session_expires_value_has_it() {
        let refresh = InviteHeaders::asking(Some("timer"), 4294967295, 90, Some(Refresher::Uac));
        assert_eq!(
            refresh.owned(),
            [
                ("Supported".to_owned(), "timer".to_owned()),
                ("Session-Expires".to_owned(), "4294967295;refresher=uac".to_owned()),
                ("Min-SE".to_owned(), "90".to_owned())
            ]
        );
        let se = crate::sip::SessionExpires {
            secs: 4294967295,
            refresher: Some(Refresher::Uac),
        };
        assert_eq!(refresh.pairs().0[1].1, se.to_value());
        let retry = InviteHeaders::asking(None, 120, 120, None);
        assert_eq!(
            &retry.pairs().0[..retry.pairs().1],
            [("Session-Expires", "120"), ("Min-SE", "120")]
        );
    }
}
