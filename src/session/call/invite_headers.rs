//! The extension headers a new INVITE of ours carries: the extensions we
//! support (reliable provisionals, session timers) and the session timer
//! asked (RFC 4028: `Session-Expires`, `Min-SE`), their numbers written on
//! the stack and lent to the message as it is written: no string of
//! their own per call.

use crate::session::SessionTimerConfig;
use crate::sip::decimal;

/// A new INVITE's extension headers, ready to lend.
pub(super) struct InviteHeaders {
    /// The numbers' digits (asked interval, shortest accepted), each at
    /// the end of its buffer.
    digits: [[u8; 20]; 2],
    /// Where each number starts in its buffer; `None` when no timer is
    /// asked (`session_timer.expires = 0`).
    starts: Option<[usize; 2]>,
}

impl InviteHeaders {
    /// The headers `cfg` asks for.
    pub(super) fn new(cfg: &SessionTimerConfig) -> Self {
        let mut h = InviteHeaders {
            digits: [[0; 20]; 2],
            starts: None,
        };
        if cfg.expires > 0 {
            let SessionTimerConfig { expires, min_se } = *cfg;
            let [a, b] = &mut h.digits;
            h.starts = Some([
                20 - decimal(u64::from(expires), a).len(),
                20 - decimal(u64::from(min_se), b).len(),
            ]);
        }
        h
    }

    /// The (name, value) pairs, in the order they are written.
    pub(super) fn pairs(&self) -> ([(&'static str, &str); 3], usize) {
        let number = |i: usize, start: usize| std::str::from_utf8(&self.digits[i][start..]).unwrap_or("0");
        let supported = ("Supported", "100rel, timer");
        match self.starts {
            Some([a, b]) => (
                [supported, ("Session-Expires", number(0, a)), ("Min-SE", number(1, b))],
                3,
            ),
            None => ([supported, ("", ""), ("", "")], 1),
        }
    }
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
}
