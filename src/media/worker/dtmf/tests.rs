use super::*;

/// Every packet `out` sends over `ticks` ticks (`None`: a tick of voice).
fn run(out: &mut DtmfOut, ticks: usize) -> Vec<Option<EventPacket>> {
    (0..ticks).map(|_| out.next(TICK_UNITS)).collect()
}

fn duration(p: &EventPacket) -> u16 {
    u16::from_be_bytes([p.payload[2], p.payload[3]])
}

#[test]
fn a_digit_is_held_ended_three_times_then_a_gap() {
    let mut out = DtmfOut::default();
    out.push("1#x", 100);
    let packets = run(&mut out, 30);
    let first: Vec<_> = packets[..8].iter().map(|p| p.unwrap()).collect();
    assert!(
        first[0].first && first[1..].iter().all(|p| !p.first),
        "the first marked"
    );
    assert_eq!(first[0].payload, [1, 10, 0, 160]);
    assert_eq!(first[4].payload, [1, 10, 3, 32], "800 units held");
    assert!(
        first[5..].iter().all(|p| p.payload == [1, 0x80 | 10, 3, 32]),
        "three ends"
    );
    assert!(packets[8..11].iter().all(Option::is_none), "60 ms of voice");
    assert_eq!(packets[11].unwrap().payload[0], 11, "then #");
    assert!(packets[22..].iter().all(Option::is_none), "x is no digit");
    assert!(out.is_idle());
}

#[test]
fn a_digit_is_held_for_its_duration_and_ends_with_it_exactly() {
    // An INFO's Duration=160: eight updates (160 .. 1280), three ends.
    let mut out = DtmfOut::default();
    out.push("5", 160);
    let p: Vec<_> = run(&mut out, 11).into_iter().map(Option::unwrap).collect();
    let d: Vec<u16> = p.iter().map(duration).collect();
    assert_eq!(d, [160, 320, 480, 640, 800, 960, 1120, 1280, 1280, 1280, 1280]);
    assert_eq!(p.iter().filter(|p| p.payload[1] & 0x80 != 0).count(), 3);
    assert!(out.next(TICK_UNITS).is_none());
    // Duration=250: 13 packets, the last update capped at 2,000 (250 ms),
    // the ends carrying 2,000.
    let mut out = DtmfOut::default();
    out.push("9", 250);
    let p: Vec<_> = run(&mut out, 16).into_iter().map(Option::unwrap).collect();
    assert_eq!(duration(&p[11]), 1920);
    assert_eq!(duration(&p[12]), 2000);
    assert!(p[13..].iter().all(|p| p.payload == [9, 0x8a, 0x07, 0xd0]));
    // Out of range: held 40 ms at least, 8 s at most.
    let mut out = DtmfOut::default();
    out.push("0", 0);
    out.push("0", 60_000);
    let short: Vec<_> = run(&mut out, 5).into_iter().map(Option::unwrap).collect();
    assert_eq!(
        short.iter().map(duration).collect::<Vec<_>>(),
        [160, 320, 320, 320, 320]
    );
    let long = run(&mut out, 3 + 400 + 3);
    assert_eq!(duration(&long[long.len() - 1].unwrap()), 64_000);
}

#[test]
fn a_flood_of_digits_is_bounded() {
    let mut out = DtmfOut::default();
    out.push(&"1".repeat(1000), 100);
    assert_eq!(out.queue.len(), MAX_QUEUED);
    out.clear();
    assert!(out.is_idle() && out.next(TICK_UNITS).is_none());
}

#[test]
fn each_digit_heard_once_at_its_end() {
    let mut inp = DtmfIn::default();
    assert_eq!(inp.hear(&[11, 0x8a, 3, 32], 500), Some(('#', 100)));
    assert_eq!(inp.hear(&[11, 0x8a, 3, 32], 500), None, "the second end packet");
    assert_eq!(inp.hear(&[11, 0x8a, 3, 32], 500), None, "the third");
    assert_eq!(inp.hear(&[11, 0x0a, 1, 64], 500), None, "an update retransmitted late");
    assert_eq!(inp.hear(&[5, 0x0a, 0, 160], 900), None, "not ended yet");
    assert_eq!(inp.hear(&[5, 0x0a, 0, 160], 900), None, "an update twice");
    assert_eq!(inp.hear(&[5, 0x8a, 1, 64], 900), Some(('5', 40)));
    assert_eq!(inp.hear(&[11, 0x8a, 3, 32], 500), None, "a late end of an older digit");
    assert_eq!(inp.hear(&[5, 0x8a], 1000), None, "too short to read");
}

#[test]
fn a_digit_whose_ends_are_lost_ends_with_voice_or_the_next_digit() {
    let mut inp = DtmfIn::default();
    assert_eq!(inp.voice(), None, "voice with no digit open");
    assert_eq!(inp.hear(&[7, 0x0a, 0, 160], 1300), None);
    // Voice interleaved with the digit's updates does not end it.
    for k in 2..6u16 {
        assert_eq!(inp.voice(), None);
        let d = (k * 160).to_be_bytes();
        assert_eq!(inp.hear(&[7, 0x0a, d[0], d[1]], 1300), None);
    }
    assert_eq!(inp.voice(), None);
    assert_eq!(inp.voice(), None);
    assert_eq!(inp.voice(), Some(('7', 100)), "three voice packets in a row");
    assert_eq!(inp.voice(), None);
    assert_eq!(inp.hear(&[7, 0x8a, 3, 32], 1300), None, "its end, late: not again");
    assert_eq!(inp.hear(&[8, 0x0a, 1, 64], 1700), None);
    assert_eq!(inp.hear(&[9, 0x0a, 0, 160], 2100), Some(('8', 40)), "8 ended by 9");
}

#[test]
fn digits_and_events_map_both_ways() {
    for (d, e) in [('0', 0), ('9', 9), ('*', 10), ('#', 11), ('A', 12), ('D', 15)] {
        assert_eq!((event_of(d), digit_of(e)), (Some(e), Some(d)));
    }
    assert_eq!((event_of('x'), digit_of(16)), (None, None));
}
