//! The users who may authenticate: per user and realm, the HA1 hashes
//! (`H(user:realm:password)`, RFC 7616 §3.4.2) for MD5 and SHA-256, never
//! the password. Read from a TOML file:
//!
//! ```toml
//! [[users]]
//! user = "alice"
//! realm = "rvoip"
//! ha1_md5 = "…32 hex digits…"
//! ha1_sha256 = "…64 hex digits…"
//! ```
//!
//! `rvoip-gw ha1 USER REALM` prints such an entry for a password read
//! from standard input.

use super::Algorithm;
use std::collections::HashMap;

/// One user's hashes.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Ha1 {
    md5: Option<String>,
    sha256: Option<String>,
}

impl Ha1 {
    /// The HA1 for `alg`, if the file has it.
    pub fn get(&self, alg: Algorithm) -> Option<&str> {
        match alg {
            Algorithm::Md5 => self.md5.as_deref(),
            Algorithm::Sha256 => self.sha256.as_deref(),
        }
    }
}

/// Every user, by (user, realm).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Credentials {
    users: HashMap<(String, String), Ha1>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Hashes never reach a log: only how many users there are.
        write!(f, "Credentials({} users)", self.users.len())
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    users: Vec<Entry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    user: String,
    realm: String,
    ha1_md5: Option<String>,
    ha1_sha256: Option<String>,
}

impl Credentials {
    /// Parses a credentials file; what is wrong with it, naming the entry.
    pub fn parse(text: &str) -> Result<Credentials, String> {
        let file: File = toml::from_str(text).map_err(|e| e.message().to_owned())?;
        let mut users = HashMap::new();
        for (i, e) in file.users.into_iter().enumerate() {
            let check = |h: &Option<String>, len: usize, key: &str| match h {
                Some(h) if h.len() != len || !h.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    Err(format!("users[{i}].{key}: not {len} hex digits"))
                }
                _ => Ok(h.as_ref().map(|h| h.to_ascii_lowercase())),
            };
            let md5 = check(&e.ha1_md5, 32, "ha1_md5")?;
            let sha256 = check(&e.ha1_sha256, 64, "ha1_sha256")?;
            if md5.is_none() && sha256.is_none() {
                return Err(format!("users[{i}]: give ha1_md5, ha1_sha256 or both"));
            }
            users.insert((e.user, e.realm), Ha1 { md5, sha256 });
        }
        Ok(Credentials { users })
    }

    /// Adds `user` in `realm` with both hashes of `password` (tests, and
    /// the `ha1` helper).
    pub fn with_password(mut self, user: &str, realm: &str, password: &str) -> Self {
        let ha1 = Ha1 {
            md5: Some(Algorithm::Md5.ha1(user, realm, password)),
            sha256: Some(Algorithm::Sha256.ha1(user, realm, password)),
        };
        self.users.insert((user.to_owned(), realm.to_owned()), ha1);
        self
    }

    /// `user`'s hashes in `realm`.
    pub fn get(&self, user: &str, realm: &str) -> Option<&Ha1> {
        self.users.get(&(user.to_owned(), realm.to_owned()))
    }

    /// How many users.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_hashes_and_its_mistakes_named() {
        let md5 = Algorithm::Md5.ha1("alice", "rvoip", "pw");
        let text = format!("[[users]]\nuser = \"alice\"\nrealm = \"rvoip\"\nha1_md5 = \"{md5}\"\n");
        let c = Credentials::parse(&text).unwrap();
        assert_eq!(
            c.get("alice", "rvoip").and_then(|h| h.get(Algorithm::Md5)),
            Some(md5.as_str())
        );
        assert_eq!(c.get("alice", "rvoip").and_then(|h| h.get(Algorithm::Sha256)), None);
        assert_eq!(format!("{c:?}"), "Credentials(1 users)", "no hash in Debug");
        let bad = "[[users]]\nuser = \"a\"\nrealm = \"r\"\nha1_md5 = \"xyz\"\n";
        assert_eq!(
            Credentials::parse(bad),
            Err("users[0].ha1_md5: not 32 hex digits".into())
        );
        let none = "[[users]]\nuser = \"a\"\nrealm = \"r\"\n";
        assert_eq!(
            Credentials::parse(none),
            Err("users[0]: give ha1_md5, ha1_sha256 or both".into())
        );
        assert!(Credentials::parse("[[users]]\nuser = \"a\"\npassword = \"p\"\n").is_err());
    }
}
