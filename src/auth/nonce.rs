//! Stateless nonces (RFC 7616 §3.3 leaves their form to the server): the
//! issue time in seconds since the endpoint started, a serial number (so
//! no two challenges share a nonce, and each client's nonce counts are
//! its own), and an HMAC-SHA256 of both under a per-process secret, all
//! hex. No table per challenge: a nonce we issued proves itself, and its
//! age says whether it is stale.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::time::Duration;

/// What a presented nonce is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceAge {
    /// Ours, and younger than the lifetime.
    Fresh,
    /// Ours, but older than the lifetime (`stale=true` if the response
    /// was right).
    Stale,
    /// Not one we issued.
    Foreign,
}

/// Issues and checks nonces.
pub struct Nonces {
    mac: Hmac<Sha256>,
    lifetime: Duration,
}

impl std::fmt::Debug for Nonces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key never reaches a log.
        write!(f, "Nonces(lifetime {:?})", self.lifetime)
    }
}

impl Nonces {
    /// Nonces signed with `secret`, valid for `lifetime`.
    pub fn new(secret: &[u8; 32], lifetime: Duration) -> Self {
        Nonces {
            mac: Hmac::new_from_slice(secret).expect("invariant: HMAC takes a key of any length"),
            lifetime,
        }
    }

    fn tag(&self, issued: u64, serial: u64) -> [u8; 16] {
        let mut mac = self.mac.clone();
        mac.update(&issued.to_be_bytes());
        mac.update(&serial.to_be_bytes());
        let full = mac.finalize().into_bytes();
        let mut tag = [0u8; 16];
        tag.copy_from_slice(&full[..16]);
        tag
    }

    /// Nonce number `serial`, issued `elapsed` after the endpoint started.
    pub fn issue(&self, elapsed: Duration, serial: u64) -> String {
        let issued = elapsed.as_secs();
        let mut s = format!("{issued:016x}{serial:016x}");
        s.push_str(&super::digest::to_hex(&self.tag(issued, serial)));
        s
    }

    /// What `nonce` is, `elapsed` after the endpoint started, and its
    /// serial number.
    pub fn check(&self, nonce: &str, elapsed: Duration) -> (NonceAge, u64) {
        let age = self.age(nonce, elapsed);
        let serial = nonce
            .get(16..32)
            .and_then(|s| u64::from_str_radix(s, 16).ok())
            .unwrap_or(0);
        (age, serial)
    }

    fn age(&self, nonce: &str, elapsed: Duration) -> NonceAge {
        use subtle::ConstantTimeEq;
        let (Some(time), Some(serial), Some(tag)) = (nonce.get(..16), nonce.get(16..32), nonce.get(32..)) else {
            return NonceAge::Foreign;
        };
        let (Ok(issued), Ok(serial)) = (u64::from_str_radix(time, 16), u64::from_str_radix(serial, 16)) else {
            return NonceAge::Foreign;
        };
        let expected = super::digest::to_hex(&self.tag(issued, serial));
        if nonce.len() != 64 || !bool::from(expected.as_bytes().ct_eq(tag.as_bytes())) {
            return NonceAge::Foreign;
        }
        if elapsed.as_secs().saturating_sub(issued) > self.lifetime.as_secs() {
            NonceAge::Stale
        } else {
            NonceAge::Fresh
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Nonces {
        fn check_age(&self, nonce: &str, elapsed: Duration) -> NonceAge {
            self.check(nonce, elapsed).0
        }
    }

    #[test]
    fn a_nonce_proves_itself_and_ages() {
        let n = Nonces::new(&[7; 32], Duration::from_secs(300));
        let t = Duration::from_secs(1000);
        let nonce = n.issue(t, 1);
        assert_ne!(nonce, n.issue(t, 2), "one nonce per challenge, within a second too");
        assert_eq!(n.check_age(&nonce, t + Duration::from_secs(300)), NonceAge::Fresh);
        assert_eq!(n.check_age(&nonce, t + Duration::from_secs(301)), NonceAge::Stale);
        let other = Nonces::new(&[8; 32], Duration::from_secs(300));
        assert_eq!(other.check_age(&nonce, t), NonceAge::Foreign, "another secret's nonce");
        let mut forged = nonce.clone();
        forged.replace_range(..16, &format!("{:016x}", 2000));
        assert_eq!(
            n.check_age(&forged, t),
            NonceAge::Foreign,
            "a changed time breaks the tag"
        );
        assert_eq!(n.check_age("short", t), NonceAge::Foreign);
    }
}
