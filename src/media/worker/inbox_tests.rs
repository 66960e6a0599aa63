use super::{Inbox, Mailbox};
use crate::media::{LegConfig, MediaCommand};
use std::sync::Arc;
use std::time::Duration;

/// Pushes a command that wants the worker soon (DTMF to send, as an
/// addition would): whether the sender must write the worker's eventfd.
fn send(inbox: &Inbox, call: u64) -> bool {
    let (side, digits, duration_ms) = (crate::media::Side::A, "1".into(), 100);
    inbox
        .push(MediaCommand::SendDtmf {
            call,
            side,
            digits,
            duration_ms,
        })
        .unwrap()
}

/// One turn's start as the worker takes it: how many commands it took.
fn turn(m: &mut Mailbox) -> usize {
    m.before_drain();
    let mut n = 0;
    while m.pop().is_some() {
        n += 1;
    }
    if m.after_drain() {
        while m.pop().is_some() {
            n += 1;
        }
        m.after_drain();
    }
    n
}

#[test]
fn a_worker_that_found_commands_lingers_and_is_not_woken_until_a_turn_finds_none() {
    let inbox = Arc::new(Inbox::new(16));
    let mut m = Mailbox::new(inbox.clone());
    let full = Duration::from_millis(250);
    assert_eq!(turn(&mut m), 0);
    assert_eq!(m.wait(full), full, "idle: sleeps until woken");
    assert!(send(&inbox, 1), "the first command wakes it");
    assert!(!send(&inbox, 2), "a wake-up is on its way");
    assert_eq!(turn(&mut m), 2);
    assert_eq!(m.wait(full), Mailbox::LINGER, "it found commands: it lingers");
    assert!(!send(&inbox, 3), "a lingering worker is not woken");
    assert!(!send(&inbox, 4));
    assert_eq!(turn(&mut m), 2, "it took them after the linger");
    assert_eq!(m.wait(full), Mailbox::LINGER);
    assert_eq!(turn(&mut m), 0);
    assert_eq!(m.wait(full), full, "a linger that found nothing ends it");
    assert!(send(&inbox, 5), "so the next command wakes it again");
}

#[test]
fn a_removal_wakes_no_one_and_leaves_the_next_command_its_wake_up() {
    let inbox = Arc::new(Inbox::new(16));
    let mut m = Mailbox::new(inbox.clone());
    assert!(
        !inbox.push(MediaCommand::RemoveCall { call: 1 }).unwrap(),
        "a removal can wait for the next turn"
    );
    assert!(send(&inbox, 2), "so the command after it still wakes the worker");
    assert!(!send(&inbox, 3));
    assert_eq!(turn(&mut m), 3);
}

/// An inbox and a worker lingering after a turn that took one command.
fn lingering() -> (Arc<Inbox>, Mailbox) {
    let inbox = Arc::new(Inbox::new(16));
    let mut m = Mailbox::new(inbox.clone());
    assert!(send(&inbox, 1));
    assert_eq!(turn(&mut m), 1);
    (inbox, m)
}

/// A call relayed between our ports `pa` and `pb`.
fn add(call: u64, pa: u16, pb: u16) -> MediaCommand {
    let peer = "127.0.0.1:9".parse().unwrap();
    let (a, b) = (LegConfig::pcmu(pa, peer), Some(LegConfig::pcmu(pb, peer)));
    MediaCommand::AddCall { call, a, b }
}

#[test]
fn a_call_on_a_port_not_parked_wakes_even_a_lingering_worker() {
    let (inbox, m) = lingering();
    assert_eq!(m.wait(Duration::from_secs(1)), Mailbox::LINGER, "it lingers");
    assert!(
        inbox.push(add(2, 4000, 4002)).unwrap(),
        "no socket on either port: bind now"
    );
    inbox.parked.set(4000, true);
    assert!(inbox.push(add(3, 4000, 4002)).unwrap(), "one leg still needs a socket");
    inbox.parked.set(4002, true);
    assert!(
        !inbox.push(add(4, 4000, 4002)).unwrap(),
        "both parked: the linger takes it"
    );
    inbox.parked.set(4000, false);
    assert!(inbox.push(add(5, 4000, 4002)).unwrap(), "taken back: not parked");
    assert!(inbox.parked.has(4002) && !inbox.parked.has(4000) && !inbox.parked.has(4003));
}

#[test]
fn no_command_is_left_unseen_as_a_linger_ends() {
    let (inbox, mut m) = lingering();
    // The turn that ends the linger: its drain finds nothing, then a
    // command comes, while `woken` is still set, so no one wakes it...
    m.before_drain();
    assert!(m.pop().is_none());
    assert!(!send(&inbox, 2), "still lingering: no wake-up");
    // ...which is why it drains again once `woken` is cleared.
    assert!(m.after_drain(), "the linger found nothing: drain again");
    assert_eq!(m.pop().map(|c| c.call()), Some(2), "the command is taken");
    assert!(!m.after_drain());
    assert_eq!(m.wait(Duration::from_secs(1)), Mailbox::LINGER, "and it lingers on");
    // A command after the clearing wakes it.
    m.before_drain();
    assert!(m.pop().is_none());
    assert!(m.after_drain());
    assert!(send(&inbox, 3), "woken: the linger is over");
    assert_eq!(m.pop().map(|c| c.call()), Some(3));
}

#[test]
fn each_command_carries_when_it_was_queued() {
    let inbox = Arc::new(Inbox::new(2));
    let mut m = Mailbox::new(inbox.clone());
    let before = crate::udp_batch::realtime_ns();
    inbox.push(MediaCommand::RemoveCall { call: 1 }).unwrap();
    inbox.push(MediaCommand::RemoveCall { call: 2 }).unwrap();
    assert!(inbox.push(MediaCommand::RemoveCall { call: 3 }).is_err(), "bounded");
    let after = crate::udp_batch::realtime_ns();
    assert_eq!(m.pop().map(|c| c.call()), Some(1));
    assert!((before..=after).contains(&m.queued_ns()));
}
