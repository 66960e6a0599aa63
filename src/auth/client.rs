//! The UAC side of digest authentication (RFC 3261 §22.2, §22.3): our
//! credentials for a trunk, the Authorization answering its challenge
//! (the first challenge, in the server's order, whose algorithm we can
//! answer: RFC 8760 §2.4), and the answered challenge kept to authorize
//! the dialog's later requests without another round trip.

use super::digest::{Algorithm, Challenged, response};
use super::params::digest_pairs;

/// What we prove ourselves with: a password, or only its HA1 hashes.
#[derive(Clone, PartialEq, Eq)]
enum Secret {
    Password(String),
    Ha1 {
        md5: Option<String>,
        sha256: Option<String>,
    },
}

/// Our credentials towards a server that challenges us.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    user: String,
    /// The realm we expect (`None`: whichever the server names).
    realm: Option<String>,
    secret: Secret,
    /// What a gateway's caller hears when the server refuses these.
    refused: crate::status::StatusCode,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password or a hash.
        write!(
            f,
            "ClientCredentials {{ user: {:?}, realm: {:?} }}",
            self.user, self.realm
        )
    }
}

/// A challenge answered, kept for the dialog's next requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    /// `Authorization` (after a 401) or `Proxy-Authorization` (a 407).
    pub header: &'static str,
    realm: String,
    nonce: String,
    opaque: Option<String>,
    alg: Algorithm,
    qop: bool,
    nc: u32,
}

impl ClientCredentials {
    /// `user` with `password`, in `realm` if given (any realm otherwise).
    pub fn password(user: &str, password: &str, realm: Option<&str>) -> Self {
        ClientCredentials {
            user: user.to_owned(),
            realm: realm.map(str::to_owned),
            secret: Secret::Password(password.to_owned()),
            refused: crate::status::StatusCode::FORBIDDEN,
        }
    }

    /// `user` in `realm` known by its HA1 hashes only.
    pub fn ha1(user: &str, realm: &str, md5: Option<String>, sha256: Option<String>) -> Self {
        ClientCredentials {
            user: user.to_owned(),
            realm: Some(realm.to_owned()),
            secret: Secret::Ha1 { md5, sha256 },
            refused: crate::status::StatusCode::FORBIDDEN,
        }
    }

    /// On a gateway route: the status its caller hears when the target
    /// refuses these credentials (challenges again, or in a realm we have
    /// none for); 403 unless set (503 lets the caller try elsewhere).
    pub fn refused_with(mut self, status: crate::status::StatusCode) -> Self {
        self.refused = status;
        self
    }

    /// The status set by [`refused_with`](Self::refused_with).
    pub fn refused(&self) -> crate::status::StatusCode {
        self.refused
    }

    fn ha1_for(&self, alg: Algorithm, realm: &str) -> Option<String> {
        match &self.secret {
            Secret::Password(p) => Some(alg.ha1(&self.user, realm, p)),
            Secret::Ha1 { md5, sha256 } => match alg {
                Algorithm::Md5 => md5.clone(),
                Algorithm::Sha256 => sha256.clone(),
            },
        }
    }

    /// The challenge of a 401 (`proxy`: a 407) in `headers` we can
    /// answer; why not otherwise (another realm, no algorithm we know).
    pub fn answer(&self, proxy: bool, headers: &crate::sip::Message) -> Result<Answered, &'static str> {
        let (name, header) = match proxy {
            true => ("Proxy-Authenticate", "Proxy-Authorization"),
            false => ("WWW-Authenticate", "Authorization"),
        };
        let mut why = "no challenge";
        for value in headers.headers(name) {
            let Ok(pairs) = digest_pairs(value) else { continue };
            let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
            let (Some(realm), Some(nonce)) = (get("realm"), get("nonce")) else {
                continue;
            };
            let Some(alg) = Algorithm::from_name(get("algorithm").as_deref()) else {
                why = "no algorithm we know";
                continue;
            };
            if self.realm.as_ref().is_some_and(|r| *r != realm) {
                why = "another realm";
                continue;
            }
            if self.ha1_for(alg, &realm).is_none() {
                why = "no hash for that algorithm";
                continue;
            }
            let qop = get("qop").is_some_and(|q| q.split(',').any(|o| o.trim().eq_ignore_ascii_case("auth")));
            let opaque = get("opaque");
            return Ok(Answered {
                header,
                realm,
                nonce,
                opaque,
                alg,
                qop,
                nc: 0,
            });
        }
        Err(why)
    }
}

/// Whether any challenge in `headers` says only the nonce was stale
/// (so a second challenge to the same request may be answered too).
pub fn says_stale(headers: &crate::sip::Message) -> bool {
    ["WWW-Authenticate", "Proxy-Authenticate"]
        .iter()
        .flat_map(|n| headers.headers(n))
        .any(|v| v.to_ascii_lowercase().replace(' ', "").contains("stale=true"))
}

impl Answered {
    /// The header value authorizing `method` to `uri`, with the next nonce
    /// count and `cnonce`.
    pub fn authorize(&mut self, creds: &ClientCredentials, method: &str, uri: &str, cnonce: &str) -> String {
        self.nc += 1;
        let nc = format!("{:08x}", self.nc);
        let ha1 = creds.ha1_for(self.alg, &self.realm).unwrap_or_default();
        let qop = self.qop.then_some((nc.as_str(), cnonce, "auth"));
        let c = Challenged {
            method,
            uri,
            nonce: &self.nonce,
            qop,
        };
        let mut v = format!(
            "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{uri}\", response=\"{}\", algorithm={}",
            creds.user,
            self.realm,
            self.nonce,
            response(self.alg, &ha1, &c),
            self.alg.name()
        );
        if self.qop {
            v.push_str(&format!(", qop=auth, nc={nc}, cnonce=\"{cnonce}\""));
        }
        if let Some(o) = &self.opaque {
            v.push_str(&format!(", opaque=\"{o}\""));
        }
        v
    }
}
