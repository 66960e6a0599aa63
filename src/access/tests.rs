//! The abuse table as a flood, a password guesser and a scanner meet it.

use super::{AbuseConfig, AbuseTable, BlockReason};
use std::net::IpAddr;
use std::time::{Duration, Instant};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn a_source_over_its_rate_is_blocked_for_the_block_time() {
    let cfg = AbuseConfig {
        requests_per_sec: 5,
        block: Duration::from_secs(60),
        ..AbuseConfig::default()
    };
    let mut t = AbuseTable::new(cfg);
    let t0 = Instant::now();
    let (a, b) = (ip("192.0.2.1"), ip("192.0.2.2"));
    for _ in 0..5 {
        assert_eq!(t.note_request(t0, a, None), None, "one second of burst");
    }
    assert_eq!(t.note_request(t0, a, None), Some(BlockReason::Rate));
    assert!(t.is_blocked(t0 + Duration::from_secs(59), a));
    assert!(!t.is_blocked(t0 + Duration::from_secs(61), a), "the block ends");
    assert_eq!(t.note_request(t0, b, None), None, "another source is not touched");
}

#[test]
fn failed_authentications_and_scanners_block_their_source() {
    let mut t = AbuseTable::new(AbuseConfig {
        auth_failures: 3,
        ..AbuseConfig::default()
    });
    let t0 = Instant::now();
    let a = ip("198.51.100.7");
    assert_eq!(t.note_auth_failure(t0, a), None);
    assert_eq!(t.note_auth_failure(t0, a), None);
    // A minute later the count starts again.
    let later = t0 + Duration::from_secs(61);
    assert_eq!(t.note_auth_failure(later, a), None);
    assert_eq!(t.note_auth_failure(later, a), None);
    assert_eq!(t.note_auth_failure(later, a), Some(BlockReason::AuthFailures));
    assert!(t.is_blocked(later, a));
    let s = ip("198.51.100.8");
    assert_eq!(
        t.note_request(t0, s, Some("Friendly-Scanner/1.0")),
        Some(BlockReason::UserAgent)
    );
    assert_eq!(t.note_request(t0, ip("198.51.100.9"), Some("Linphone/5")), None);
}
