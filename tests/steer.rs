//! The kernel's steering of SIP datagrams to signalling shards: the
//! reuseport eBPF program emitted in `transport::steer` must place every
//! message where the Rust hash (`sip::shard_of_message`) does, or defer it
//! (an index out of range: the kernel picks, the shard hands it over).
//! Runs the program in the kernel (`BPF_PROG_TEST_RUN`) and over real
//! loopback sockets; needs CAP_BPF (root), as rvoip-gw's steering does.

use rvoip::test_exports::sip::{scan_call_id, shard_of_message};
use rvoip::test_exports::steer::{self, bind_group};
use std::collections::HashMap;

fn message(call_id: &str, form: usize) -> String {
    let header = match form % 6 {
        0 => format!("Call-ID: {call_id}"),
        1 => format!("i: {call_id}"),
        2 => format!("call-id:{call_id}"),
        3 => format!("CALL-ID: \t{call_id}  "),
        4 => format!("I:{call_id}"),
        _ => format!("Call-Id:   {call_id}"),
    };
    // Headers of varying length before the Call-ID, and a body after.
    let pad = "x".repeat(form * 7 % 300);
    let start = if form.is_multiple_of(2) {
        "INVITE sip:bob@example.com SIP/2.0"
    } else {
        "SIP/2.0 180 Ringing"
    };
    format!(
        "{start}\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-{form}\r\nFrom: <sip:alice@a>;tag={pad}\r\nTo: <sip:bob@b>\r\nCall-Info: <http://x>\r\n{header}\r\nCSeq: 1 INVITE\r\nContent-Length: 12\r\n\r\nCall-ID: no\r\n"
    )
}

fn call_ids() -> Vec<String> {
    (0..400)
        .map(|i| match i % 4 {
            0 => format!("{i}-1234@127.0.0.1"),
            1 => format!("{:x}{:x}", i * 7919, i * 104729),
            2 => format!("a84b4c76e66710-{i}@pc33.atlanta.com"),
            _ => format!("rvoip-{i}-{}", "z".repeat(i % 90)),
        })
        .collect()
}

#[test]
fn the_program_places_messages_as_the_rust_hash_does() {
    for shards in [2usize, 3, 4, 8] {
        let prog = steer::load(shards).expect("the kernel loads the steering program");
        for (i, id) in call_ids().iter().enumerate() {
            let m = message(id, i);
            let want = shard_of_message(m.as_bytes(), shards);
            assert_eq!(
                steer::test_run(&prog, m.as_bytes()).unwrap(),
                want as u32,
                "{shards} shards:\n{m}"
            );
        }
    }
}

#[test]
fn corpus_messages_are_placed_as_the_rust_hash_does_or_deferred() {
    let prog = steer::load(4).unwrap();
    let (mut placed, mut deferred) = (0, 0);
    for dir in ["tests/corpus/rfc4475", "tests/corpus/rfc5118"] {
        for f in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(f.unwrap().path()).unwrap();
            let got = steer::test_run(&prog, &bytes).unwrap();
            if got >= 4 {
                deferred += 1;
                continue;
            }
            placed += 1;
            assert!(scan_call_id(&bytes).is_some());
            assert_eq!(
                got as usize,
                shard_of_message(&bytes, 4),
                "{}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }
    eprintln!("corpus: {placed} placed, {deferred} deferred");
    assert!(placed > 40, "{placed} placed");
}

#[test]
fn messages_without_a_call_id_are_deferred() {
    let prog = steer::load(2).unwrap();
    for m in [
        &b"OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/UDP x\r\n\r\n"[..],
        b"INVITE sip:a SIP/2.0\r\nVia: x\r\n\r\nCall-ID: in-the-body\r\n\r\n",
        b"",
        b"\r\n\r\n",
        &[b'x'; 3000],
    ] {
        assert!(steer::test_run(&prog, m).unwrap() >= 2);
    }
}

/// Waits until one of `sockets` has a datagram, or 10 ms.
fn wait_readable(sockets: &[std::net::UdpSocket]) {
    use std::os::fd::AsRawFd;
    let mut fds: Vec<libc::pollfd> = (sockets.iter())
        .map(|s| libc::pollfd {
            fd: s.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    // SAFETY: `fds` holds one valid pollfd per open socket.
    unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 10) };
}

#[test]
fn every_datagram_reaches_the_socket_of_its_shard() {
    let shards = 4;
    let mut refused = None;
    let group = bind_group("127.0.0.1:0".parse().unwrap(), shards, &mut refused).unwrap();
    assert!(refused.is_none(), "{refused:?}");
    assert_eq!(group.sockets.len(), shards);
    let client = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let ids = call_ids();
    for (i, id) in ids.iter().enumerate() {
        client.send_to(message(id, i).as_bytes(), group.local).unwrap();
    }
    let mut per_shard = HashMap::new();
    let mut buf = [0u8; 4096];
    let mut got = 0;
    // Bounded: loopback loses nothing, but a failure must not hang.
    for _ in 0..500 {
        if got == ids.len() {
            break;
        }
        let before = got;
        for (k, s) in group.sockets.iter().enumerate() {
            while let Ok(n) = s.recv(&mut buf) {
                // No hand-over needed: the message is on its shard's socket.
                assert_eq!(shard_of_message(&buf[..n], shards), k);
                *per_shard.entry(k).or_insert(0) += 1;
                got += 1;
            }
        }
        if got == before {
            wait_readable(&group.sockets);
        }
    }
    assert_eq!(got, ids.len());
    assert_eq!(per_shard.len(), shards, "every shard got some: {per_shard:?}");
}
