//! Waiting for API events in tests: with a deadline, and with or without
//! the call detail records.

#![allow(dead_code)]

use rvoip::api::{CallEvent, SipUa};
use std::time::Duration;

/// The next event, call detail records included.
pub async fn next_any(ua: &mut SipUa) -> CallEvent {
    tokio::time::timeout(Duration::from_secs(10), ua.next_event())
        .await
        .expect("event in time")
        .expect("endpoint alive")
}

/// The next call-progress event (records skipped).
pub async fn next(ua: &mut SipUa) -> CallEvent {
    loop {
        match next_any(ua).await {
            CallEvent::Record(_) => continue,
            ev => return ev,
        }
    }
}
