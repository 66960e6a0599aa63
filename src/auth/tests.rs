//! The authenticator as a client meets it: challenged, answering with
//! MD5 or SHA-256, getting it wrong, replaying, coming back late.

use super::*;
use crate::sip::Message;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn config(proxy: bool) -> AuthConfig {
    AuthConfig {
        realm: "rvoip".into(),
        proxy,
        nonce_lifetime: Duration::from_secs(300),
        algorithms: vec![Algorithm::Sha256, Algorithm::Md5],
        credentials: Arc::new(Credentials::default().with_password("alice", "rvoip", "secret")),
        secret: [9; 32],
    }
}

/// The nonce of a challenge header value.
fn nonce_of(challenge: &str) -> String {
    challenge
        .split("nonce=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

/// An Authorization for `user`/`password` answering `nonce` with `alg`.
fn authorization(alg: Algorithm, user: &str, password: &str, nonce: &str, nc: u32) -> String {
    let ha1 = alg.ha1(user, "rvoip", password);
    let nc = format!("{nc:08x}");
    let c = Challenged {
        method: "INVITE",
        uri: "sip:bob@127.0.0.1",
        nonce,
        qop: Some((&nc, "c0ffee", "auth")),
    };
    format!(
        "Digest username=\"{user}\", realm=\"rvoip\", nonce=\"{nonce}\", uri=\"sip:bob@127.0.0.1\", \
         response=\"{}\", algorithm={}, cnonce=\"c0ffee\", qop=auth, nc={nc}",
        response(alg, &ha1, &c),
        alg.name()
    )
}

fn headers(name: &str, value: String) -> Message {
    Message::of_headers(&[(name, &value)])
}

#[test]
fn a_client_answering_the_challenge_with_either_algorithm_is_let_in() {
    let t0 = Instant::now();
    let mut a = Authenticator::new(&config(false), t0);
    assert_eq!(a.status().code(), 401);
    let none = a.check(t0, "INVITE", &Message::of_headers(&[]));
    assert_eq!(
        none,
        Verdict::Challenge {
            stale: false,
            failed: false
        }
    );
    let [(name, sha), (_, md5)]: [_; 2] = a.challenges(t0, false).collect::<Vec<_>>().try_into().unwrap();
    assert_eq!(name, "WWW-Authenticate");
    assert!(
        sha.contains("algorithm=SHA-256") && md5.contains("algorithm=MD5"),
        "SHA-256 first"
    );
    assert!(sha.contains("qop=\"auth\"") && !sha.contains("stale"));
    // Each from a challenge of its own: every challenge has its nonce.
    let md5_later = a.challenges(t0, false).nth(1).unwrap().1;
    assert_ne!(nonce_of(&md5), nonce_of(&md5_later));
    for (alg, challenge) in [(Algorithm::Sha256, &sha), (Algorithm::Md5, &md5_later)] {
        let auth = authorization(alg, "alice", "secret", &nonce_of(challenge), 1);
        let verdict = a.check(t0, "INVITE", &headers("Authorization", auth));
        assert_eq!(verdict, Verdict::Authorized("alice".into()), "{alg:?}");
    }
}

#[test]
fn wrong_password_unknown_user_and_replay_fail_alike() {
    let t0 = Instant::now();
    let mut a = Authenticator::new(&config(false), t0);
    let nonce = nonce_of(&a.challenges(t0, false).next().unwrap().1);
    let mut check = |auth: String| a.check(t0, "INVITE", &headers("Authorization", auth));
    let failed = Verdict::Challenge {
        stale: false,
        failed: true,
    };
    assert_eq!(
        check(authorization(Algorithm::Sha256, "alice", "guess", &nonce, 1)),
        failed
    );
    assert_eq!(
        check(authorization(Algorithm::Sha256, "mallory", "secret", &nonce, 1)),
        failed
    );
    let good = authorization(Algorithm::Sha256, "alice", "secret", &nonce, 1);
    assert_eq!(check(good.clone()), Verdict::Authorized("alice".into()));
    assert_eq!(check(good), failed, "the same nonce count again is a replay");
    let next = authorization(Algorithm::Sha256, "alice", "secret", &nonce, 2);
    assert_eq!(
        check(next),
        Verdict::Authorized("alice".into()),
        "the next count is not"
    );
    let foreign = authorization(Algorithm::Sha256, "alice", "secret", &"0".repeat(64), 1);
    assert_eq!(check(foreign), failed, "a nonce we never issued");
}

#[test]
fn an_old_nonce_with_the_right_answer_is_stale() {
    let t0 = Instant::now();
    let mut a = Authenticator::new(&config(false), t0);
    let nonce = nonce_of(&a.challenges(t0, false).nth(1).unwrap().1);
    let later = t0 + Duration::from_secs(301);
    let right = authorization(Algorithm::Md5, "alice", "secret", &nonce, 1);
    let verdict = a.check(later, "INVITE", &headers("Authorization", right));
    assert_eq!(
        verdict,
        Verdict::Challenge {
            stale: true,
            failed: false
        }
    );
    assert!(a.challenges(later, true).next().unwrap().1.ends_with(", stale=true"));
    let wrong = authorization(Algorithm::Md5, "alice", "nope", &nonce, 1);
    let verdict = a.check(later, "INVITE", &headers("Authorization", wrong));
    assert_eq!(
        verdict,
        Verdict::Challenge {
            stale: false,
            failed: true
        },
        "stale only when right"
    );
}

#[test]
fn a_proxy_challenges_with_407_and_reads_proxy_authorization() {
    let t0 = Instant::now();
    let mut a = Authenticator::new(&config(true), t0);
    assert_eq!(a.status().code(), 407);
    let (name, challenge) = a.challenges(t0, false).next().unwrap();
    assert_eq!(name, "Proxy-Authenticate");
    let auth = authorization(Algorithm::Sha256, "alice", "secret", &nonce_of(&challenge), 1);
    let wrong_header = a.check(t0, "INVITE", &headers("Authorization", auth.clone()));
    assert_eq!(
        wrong_header,
        Verdict::Challenge {
            stale: false,
            failed: false
        }
    );
    let verdict = a.check(t0, "INVITE", &headers("Proxy-Authorization", auth));
    assert_eq!(verdict, Verdict::Authorized("alice".into()));
}

#[test]
fn unreadable_credentials_are_named() {
    let t0 = Instant::now();
    let mut a = Authenticator::new(&config(false), t0);
    let bad = headers("Authorization", "Digest username=\"alice\", realm=\"rvoip\"".into());
    assert_eq!(a.check(t0, "INVITE", &bad), Verdict::Malformed("no nonce"));
    let md6 = "Digest username=a, realm=rvoip, nonce=n, uri=u, response=r, algorithm=MD6";
    assert_eq!(
        a.check(t0, "INVITE", &headers("Authorization", md6.into())),
        Verdict::Malformed("unsupported algorithm")
    );
    assert!(
        format!("{:?}", config(false)).contains("Credentials(1 users)"),
        "no secret in Debug"
    );
    assert!(!format!("{:?}", config(false)).contains("secret:"));
}

/// Our UAC answering our UAS: every algorithm offered first, 401 and 407,
/// password or HA1 only; the kept challenge authorizes the next request.
#[test]
fn our_client_answers_our_challenges() {
    let t0 = Instant::now();
    for (proxy, algorithms) in [
        (false, vec![Algorithm::Sha256, Algorithm::Md5]),
        (true, vec![Algorithm::Md5]),
    ] {
        let mut a = Authenticator::new(
            &AuthConfig {
                proxy,
                algorithms,
                ..config(proxy)
            },
            t0,
        );
        let challenge_of = |a: &mut Authenticator| {
            let pairs: Vec<_> = a.challenges(t0, false).collect();
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
            Message::of_headers(&pairs)
        };
        let challenge = challenge_of(&mut a);
        let sha256 = Algorithm::Sha256.ha1("alice", "rvoip", "secret");
        for creds in [
            ClientCredentials::password("alice", "secret", None),
            ClientCredentials::ha1(
                "alice",
                "rvoip",
                Some(Algorithm::Md5.ha1("alice", "rvoip", "secret")),
                Some(sha256.clone()),
            ),
        ] {
            // Each client its own challenge (and so its own nonce counts).
            let mut answered = creds.answer(proxy, &challenge_of(&mut a)).unwrap();
            for (method, cnonce) in [("INVITE", "a1"), ("BYE", "a2")] {
                let value = answered.authorize(&creds, method, "sip:bob@127.0.0.1", cnonce);
                let verdict = a.check(t0, method, &headers(answered.header, value));
                assert_eq!(
                    verdict,
                    Verdict::Authorized("alice".into()),
                    "{method} proxy={proxy} {creds:?}"
                );
            }
        }
        let wrong_realm = ClientCredentials::password("alice", "secret", Some("elsewhere"));
        assert_eq!(wrong_realm.answer(proxy, &challenge), Err("another realm"));
        let md5_only = ClientCredentials::ha1("alice", "rvoip", None, Some(sha256));
        if !proxy {
            assert!(md5_only.answer(proxy, &challenge).is_ok(), "SHA-256 is offered first");
        } else {
            assert_eq!(md5_only.answer(proxy, &challenge), Err("no hash for that algorithm"));
        }
    }
    assert!(!format!("{:?}", ClientCredentials::password("alice", "secret", None)).contains("secret"));
}
