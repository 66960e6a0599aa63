//! G.711 against the standard's reference points, idempotence over every
//! code, and a 1 kHz tone's SNR through each law.

use rvoip::test_exports::media::codec::g711::*;

#[test]
fn reference_values() {
    assert_eq!(
        (
            ulaw_to_linear(0x00),
            ulaw_to_linear(0x80),
            ulaw_to_linear(0xff),
            ulaw_to_linear(0x7f)
        ),
        (-32124, 32124, 0, 0)
    );
    assert_eq!(
        (
            alaw_to_linear(0xd5),
            alaw_to_linear(0x55),
            alaw_to_linear(0xaa),
            alaw_to_linear(0x2a)
        ),
        (8, -8, 32256, -32256)
    );
    assert_eq!((linear_to_ulaw(0), linear_to_alaw(0)), (0xff, 0xd5));
    assert_eq!((linear_to_ulaw(i16::MAX), linear_to_ulaw(i16::MIN)), (0x80, 0x00));
    assert_eq!((linear_to_alaw(i16::MAX), linear_to_alaw(i16::MIN)), (0xaa, 0x2a));
}

#[test]
fn every_code_round_trips() {
    for c in 0..=255u8 {
        let u = ulaw_to_linear(c);
        assert_eq!(ulaw_to_linear(linear_to_ulaw(u)), u, "μ-law code {c:#04x}");
        let a = alaw_to_linear(c);
        assert_eq!(alaw_to_linear(linear_to_alaw(a)), a, "A-law code {c:#04x}");
    }
}

fn snr_db(orig: &[i16], got: &[i16]) -> f64 {
    let s: f64 = orig.iter().map(|&x| (x as f64).powi(2)).sum();
    let n: f64 = orig.iter().zip(got).map(|(&x, &y)| (x as f64 - y as f64).powi(2)).sum();
    10.0 * (s / n).log10()
}

#[test]
fn tone_snr_matches_g711_quality() {
    // 1 kHz at -10 dBFS, 8 kHz sampling, one second.
    let tone: Vec<i16> = (0..8000)
        .map(|i| (10362.0 * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 8000.0).sin()) as i16)
        .collect();
    let mut bytes = vec![0u8; tone.len()];
    let mut back = vec![0i16; tone.len()];
    encode_ulaw(&tone, &mut bytes);
    decode_ulaw(&bytes, &mut back);
    let u = snr_db(&tone, &back);
    encode_alaw(&tone, &mut bytes);
    decode_alaw(&bytes, &mut back);
    let a = snr_db(&tone, &back);
    // G.711 gives about 38 dB SNR for a full-band signal at this level.
    assert!(u > 33.0 && a > 33.0, "SNR μ-law {u:.1} dB, A-law {a:.1} dB");
}
