//! The digest computation of RFC 7616 §3.4.1 (as SIP uses it, RFC 3261
//! §22.4 and RFC 8760): MD5 and SHA-256, lower-case hex, with `qop=auth`
//! or the RFC 2069 form without qop.

use md5::Md5;
use sha2::{Digest, Sha256};

/// A digest algorithm we speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `MD5`: what nearly every SIP device speaks.
    Md5,
    /// `SHA-256` (RFC 8760): offered first.
    Sha256,
}

impl Algorithm {
    /// Its name in `algorithm=`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha256 => "SHA-256",
        }
    }

    /// The algorithm an `algorithm=` value names (absent: MD5, §3.3).
    pub fn from_name(name: Option<&str>) -> Option<Algorithm> {
        match name {
            None => Some(Algorithm::Md5),
            Some(n) if n.eq_ignore_ascii_case("MD5") => Some(Algorithm::Md5),
            Some(n) if n.eq_ignore_ascii_case("SHA-256") => Some(Algorithm::Sha256),
            _ => None,
        }
    }

    /// `H(data)` as lower-case hex.
    pub fn hex(self, data: &[u8]) -> String {
        match self {
            Algorithm::Md5 => to_hex(&Md5::digest(data)),
            Algorithm::Sha256 => to_hex(&Sha256::digest(data)),
        }
    }

    /// `H(user:realm:password)`: what a credentials file keeps instead of
    /// the password.
    pub fn ha1(self, user: &str, realm: &str, password: &str) -> String {
        self.hex([user, ":", realm, ":", password].concat().as_bytes())
    }
}

/// The fields of an Authorization header that go into its `response`.
#[derive(Debug, Clone, Copy)]
pub struct Challenged<'a> {
    /// The request's method.
    pub method: &'a str,
    /// The `uri` parameter (the Request-URI as the client wrote it).
    pub uri: &'a str,
    /// Our nonce.
    pub nonce: &'a str,
    /// `nc`, `cnonce` and `qop` when a qop was used.
    pub qop: Option<(&'a str, &'a str, &'a str)>,
}

/// The `response` a client knowing `ha1` sends for `c`.
pub fn response(alg: Algorithm, ha1: &str, c: &Challenged) -> String {
    let ha2 = alg.hex([c.method, ":", c.uri].concat().as_bytes());
    let text = match c.qop {
        Some((nc, cnonce, qop)) => [ha1, ":", c.nonce, ":", nc, ":", cnonce, ":", qop, ":", &ha2].concat(),
        None => [ha1, ":", c.nonce, ":", &ha2].concat(),
    };
    alg.hex(text.as_bytes())
}

pub(super) fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7616 §3.9.1: the same request answered with SHA-256 and MD5.
    #[test]
    fn rfc_7616_examples() {
        let c = Challenged {
            method: "GET",
            uri: "/dir/index.html",
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            qop: Some(("00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth")),
        };
        let (user, realm, pass) = ("Mufasa", "http-auth@example.org", "Circle of Life");
        let sha = Algorithm::Sha256;
        assert_eq!(
            response(sha, &sha.ha1(user, realm, pass), &c),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
        let md5 = Algorithm::Md5;
        assert_eq!(
            response(md5, &md5.ha1(user, realm, pass), &c),
            "8ca523f5e9506fed4657c9700eebdbec"
        );
    }
}
