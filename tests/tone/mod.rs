//! A 1 kHz test tone at 8 kHz and the measurements the transcoding tests
//! make of it; tones and measurements at other rates for the audio tests.

#![allow(dead_code)]

/// `samples` of a 1 kHz sine of amplitude `amp` at 8 kHz.
pub fn tone(samples: usize, amp: f64) -> Vec<i16> {
    (0..samples)
        .map(|i| (amp * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 8000.0).sin()) as i16)
        .collect()
}

/// `samples` of a sine of `freq` Hz and amplitude `amp` at `rate` Hz,
/// starting at sample `from`.
pub fn sine(from: usize, samples: usize, freq: f64, rate: f64, amp: f64) -> Vec<i16> {
    (from..from + samples)
        .map(|i| (amp * (2.0 * std::f64::consts::PI * freq * i as f64 / rate).sin()) as i16)
        .collect()
}

/// Power of `x` at `freq` Hz (Goertzel), normalised by length.
pub fn goertzel(x: &[f64], freq: f64) -> f64 {
    goertzel_at(x, freq, 8000.0)
}

/// The share of `x`'s energy (sampled at `rate` Hz) at `freq` among 0.7,
/// 1, 1.3 and 2 times `freq`.
pub fn share_at(x: &[f64], freq: f64, rate: f64) -> f64 {
    goertzel_at(x, freq, rate)
        / [0.7, 1.0, 1.3, 2.0]
            .iter()
            .map(|k| goertzel_at(x, k * freq, rate))
            .sum::<f64>()
}

/// Power of `x` (sampled at `rate` Hz) at `freq` Hz, normalised by length.
pub fn goertzel_at(x: &[f64], freq: f64, rate: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * freq / rate;
    let (mut s1, mut s2) = (0.0, 0.0);
    for &v in x {
        let s = v + 2.0 * w.cos() * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    (s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2) / (x.len() as f64).powi(2)
}

/// Root mean square.
pub fn rms(x: &[f64]) -> f64 {
    (x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64).sqrt()
}

/// The share of `x`'s energy at 1 kHz among 700 Hz, 1, 1.3 and 2 kHz.
pub fn share_1k(x: &[f64]) -> f64 {
    goertzel(x, 1000.0)
        / [700.0, 1000.0, 1300.0, 2000.0]
            .iter()
            .map(|f| goertzel(x, *f))
            .sum::<f64>()
}
