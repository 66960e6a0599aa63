use super::*;
use rand::{Rng, SeedableRng, rngs::SmallRng};
use std::time::Duration;

/// Against one plain heap: the same pops, in the same order, and the same
/// next deadline, over pushes near, in the ring, beyond it and in the past,
/// ties included, with time advancing by small and large steps.
#[test]
fn pops_as_one_heap_would() {
    for seed in 0..20 {
        let mut rng = SmallRng::seed_from_u64(seed);
        let t0 = Instant::now();
        let mut now = t0 + Duration::from_millis(rng.gen_range(0..5_000));
        let mut wheel = DeadlineHeap::default();
        let mut model: Heap<u32> = BinaryHeap::new();
        for step in 0..4_000u32 {
            for _ in 0..rng.gen_range(0..4) {
                let ms = match rng.gen_range(0..10) {
                    0 => rng.gen_range(0..200_000),
                    1 => 0,
                    2..=4 => rng.gen_range(30_000..34_000),
                    _ => rng.gen_range(0..1_000),
                };
                let at = if rng.gen_range(0..20) == 0 {
                    now.checked_sub(Duration::from_millis(ms % 3_000)).unwrap_or(now)
                } else {
                    now + Duration::from_millis(ms)
                };
                let key = step % 97;
                wheel.push(at, key);
                model.push(Reverse((at, key)));
            }
            assert_eq!(
                wheel.next(),
                model.peek().map(|Reverse((at, _))| *at),
                "seed {seed} step {step}"
            );
            now += match rng.gen_range(0..50) {
                0 => Duration::from_secs(rng.gen_range(1..150)),
                _ => Duration::from_millis(rng.gen_range(0..120)),
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
