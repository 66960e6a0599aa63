//! `a=crypto` (RFC 4568 SDES): a tag, a suite and an inline master key
//! and salt, read and written. A line we cannot use is refused naming why
//! (unknown suite, bad base64, a key of the wrong length, MKI); the key
//! is never printed.

use super::{MasterKey, Suite};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// One `a=crypto` attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crypto {
    /// Its tag (the answer names the offer's).
    pub tag: u32,
    /// The suite.
    pub suite: Suite,
    /// Master key and salt (`MasterKey`'s Debug hides them).
    pub key: MasterKey,
}

/// Why an `a=crypto` line was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// Not `tag suite key-params`.
    #[error("a=crypto: not \"tag suite inline:key\"")]
    Shape,
    /// A suite we do not have.
    #[error("a=crypto: unknown suite {0}")]
    Suite(String),
    /// Not `inline:`, or not base64.
    #[error("a=crypto: key is not inline base64")]
    Base64,
    /// Not 30 bytes of key and salt.
    #[error("a=crypto: key and salt are {0} bytes, not 30")]
    Length(usize),
    /// A master key identifier (MKI), which we do not support.
    #[error("a=crypto: MKI not supported")]
    Mki,
}

impl Crypto {
    /// Parses the value of an `a=crypto:` attribute (after the colon).
    pub fn parse(value: &str) -> Result<Crypto, CryptoError> {
        let mut f = value.split_whitespace();
        let (tag, suite, params) = (f.next(), f.next(), f.next());
        let (Some(tag), Some(suite), Some(params)) = (tag, suite, params) else {
            return Err(CryptoError::Shape);
        };
        let tag = tag.parse::<u32>().map_err(|_| CryptoError::Shape)?;
        let suite = Suite::from_name(suite).ok_or_else(|| CryptoError::Suite(suite.to_owned()))?;
        // Several key-params (';'): the first is the key in use.
        let first = params.split(';').next().unwrap_or_default();
        let inline = first.strip_prefix("inline:").ok_or(CryptoError::Base64)?;
        let mut parts = inline.split('|');
        let b64 = parts.next().unwrap_or_default();
        // A lifetime ("2^31" or a number) may follow; an MKI ("1:4") may not.
        if parts.any(|p| p.contains(':')) {
            return Err(CryptoError::Mki);
        }
        let bytes = STANDARD.decode(b64).map_err(|_| CryptoError::Base64)?;
        let key = MasterKey::from_bytes(&bytes).ok_or(CryptoError::Length(bytes.len()))?;
        Ok(Crypto { tag, suite, key })
    }

    /// The attribute's value: `tag suite inline:base64(key||salt)`.
    pub fn render(&self) -> String {
        let mut both = [0u8; 30];
        both[..16].copy_from_slice(&self.key.key);
        both[16..].copy_from_slice(&self.key.salt);
        format!("{} {} inline:{}", self.tag, self.suite.name(), STANDARD.encode(both))
    }

    /// A fresh key and salt from the OS's random source, for `suite`.
    pub fn fresh(tag: u32, suite: Suite) -> Result<Crypto, std::io::Error> {
        let mut both = [0u8; 30];
        getrandom(&mut both)?;
        let key = MasterKey::from_bytes(&both).expect("invariant: 30 bytes");
        Ok(Crypto { tag, suite, key })
    }
}

/// Fills `buf` from the OS (getrandom(2)).
fn getrandom(buf: &mut [u8]) -> Result<(), std::io::Error> {
    use rand::RngCore;
    rand::rngs::OsRng
        .try_fill_bytes(buf)
        .map_err(|e| std::io::Error::other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4568 §9.1's example line.
    const EXAMPLE: &str = "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4";

    #[test]
    fn lines_are_read_written_and_refused_naming_why() {
        assert_eq!(Crypto::parse(EXAMPLE), Err(CryptoError::Mki));
        let line = EXAMPLE.replace("|1:4", "");
        let c = Crypto::parse(&line).unwrap();
        assert_eq!((c.tag, c.suite), (1, Suite::AesCm128HmacSha1_80));
        assert_eq!(Crypto::parse(&c.render()).unwrap(), c, "{}", c.render());
        assert_eq!(c.render(), line.replace("|2^20", ""));
        assert!(
            !format!("{c:?}").contains("PS1u") && !format!("{:?}", c.key).contains('['),
            "no key in Debug"
        );
        let bad = [
            ("1 AES_CM_128_HMAC_SHA1_80", CryptoError::Shape),
            ("x AES_CM_128_HMAC_SHA1_80 inline:AAAA", CryptoError::Shape),
            (
                "1 F8_128_HMAC_SHA1_80 inline:AAAA",
                CryptoError::Suite("F8_128_HMAC_SHA1_80".into()),
            ),
            ("1 AES_CM_128_HMAC_SHA1_32 inline:@@@@", CryptoError::Base64),
            ("1 AES_CM_128_HMAC_SHA1_32 outline:AAAA", CryptoError::Base64),
            ("1 AES_CM_128_HMAC_SHA1_32 inline:AAAA", CryptoError::Length(3)),
        ];
        for (line, why) in bad {
            assert_eq!(Crypto::parse(line), Err(why), "{line}");
        }
    }

    #[test]
    fn fresh_keys_differ() {
        let (a, b) = (
            Crypto::fresh(1, Suite::AesCm128HmacSha1_32).unwrap(),
            Crypto::fresh(1, Suite::AesCm128HmacSha1_32).unwrap(),
        );
        assert_ne!(a.key, b.key);
    }
}
