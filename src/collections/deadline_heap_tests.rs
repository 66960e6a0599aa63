use super::*;
use rand::{Rng, SeedableRng, rngs::SmallRng};

/// A deadline `ms` from `now`, sometimes in the past, sometimes on or next
/// to a tick's edge.
fn deadline(rng: &mut SmallRng, now: Instant, origin: Option<Instant>) -> Instant {
    if let Some(o) = origin.filter(|_| rng.gen_range(0..8) == 0) {
        let edge = (rng.gen_range(0..2_000u64) << TICK_SHIFT) as i128 + rng.gen_range(-2..=2);
        return o + Duration::from_nanos(edge.max(0) as u64);
    }
    let ms = match rng.gen_range(0..10) {
        0 => rng.gen_range(0..200_000),
        1 => 0,
        2..=4 => rng.gen_range(30_000..34_000),
        _ => rng.gen_range(0..1_000),
    };
    let d = Duration::from_millis(ms) + Duration::from_nanos(rng.gen_range(0..1_000_000));
    if rng.gen_range(0..20) == 0 {
        now.checked_sub(d / 50).unwrap_or(now)
    } else {
        now + d
    }
}

/// Against one plain heap: the same pops, in the same order, and the same
/// next deadline, over pushes near, in the ring, beyond it, in the past and
/// on tick edges, equal deadlines with several keys, bursts, a first
/// deadline far ahead, and time stepping forward (small and large steps)
/// and now and then back.
#[test]
fn pops_as_one_heap_would() {
    for seed in 0..30 {
        let mut rng = SmallRng::seed_from_u64(seed);
        let t0 = Instant::now();
        let mut now = t0 + Duration::from_millis(rng.gen_range(0..5_000));
        let mut wheel = DeadlineHeap::default();
        let mut model: Heap<u8> = BinaryHeap::new();
        if seed % 3 == 0 {
            let far = now + Duration::from_secs(rng.gen_range(30..400));
            wheel.push(far, 9);
            model.push(Reverse((far, 9)));
        }
        for step in 0..3_000 {
            let n = if rng.gen_range(0..200) == 0 {
                rng.gen_range(500..1_500)
            } else {
                rng.gen_range(0..4)
            };
            for _ in 0..n {
                let at = deadline(&mut rng, now, wheel.origin);
                let key = rng.gen_range(0..4);
                wheel.push(at, key);
                model.push(Reverse((at, key)));
            }
            assert_eq!(
                wheel.next(),
                model.peek().map(|Reverse((at, _))| *at),
                "seed {seed} step {step}"
            );
            now = match rng.gen_range(0..60) {
                0 => now + Duration::from_secs(rng.gen_range(1..150)),
                1 => now
                    .checked_sub(Duration::from_millis(rng.gen_range(0..300)))
                    .unwrap_or(now),
                _ => now + Duration::from_nanos(rng.gen_range(0..120_000_000)),
            };
            loop {
                let want = match model.peek() {
                    Some(Reverse((at, _))) if *at <= now => model.pop().map(|Reverse(e)| e),
                    _ => None,
                };
                assert_eq!(wheel.pop_due_entry(now), want, "seed {seed} step {step}");
                if want.is_none() {
                    break;
                }
            }
            if step % 500 == 0 {
                wheel.shrink();
            }
        }
    }
}

#[test]
fn empty_and_single() {
    let t0 = Instant::now();
    let mut h = DeadlineHeap::<u8>::default();
    assert_eq!((h.next(), h.pop_due(t0)), (None, None));
    h.push(t0 + Duration::from_secs(500), 1);
    assert_eq!(h.next(), Some(t0 + Duration::from_secs(500)));
    assert_eq!(h.pop_due(t0 + Duration::from_secs(499)), None);
    assert_eq!(h.pop_due(t0 + Duration::from_secs(500)), Some(1));
    assert_eq!((h.next(), h.pop_due(t0 + Duration::from_secs(900))), (None, None));
    h.shrink();
}
