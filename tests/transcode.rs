//! Transcoding quality: a 1 kHz tone through PCMU -> Opus -> PCMU keeps its
//! frequency and level; timestamps scale between the 8 and 48 kHz clocks;
//! lost Opus frames are concealed.

use rvoip::media::AudioCodec;
use rvoip::media::OpusSettings;
use rvoip::test_exports::media::codec::{Transcoder, g711};

mod tone;
use tone::{goertzel, rms, tone};

#[test]
fn tone_through_pcmu_opus_pcmu_keeps_frequency_and_level() {
    let input = tone(8000 * 2, 8000.0);
    let mut to_opus = Transcoder::new(AudioCodec::Pcmu, AudioCodec::Opus, OpusSettings::default()).unwrap();
    let mut to_pcmu = Transcoder::new(AudioCodec::Opus, AudioCodec::Pcmu, OpusSettings::default()).unwrap();
    let (mut ulaw, mut opus, mut back) = ([0u8; 160], [0u8; 400], [0u8; 960]);
    let mut output = Vec::new();
    for frame in input.chunks(160) {
        g711::encode_ulaw(frame, &mut ulaw);
        let n = to_opus.transcode(&ulaw, &mut opus).unwrap();
        assert!(n > 0 && n < 200, "opus packet of {n} bytes");
        let m = to_pcmu.transcode(&opus[..n], &mut back).unwrap();
        assert_eq!(m, 160, "20 ms in, 20 ms out");
        output.extend(back[..m].iter().map(|&b| g711::ulaw_to_linear(b) as f64));
    }
    // Skip the first 200 ms (encoder start-up), compare the rest.
    let inp: Vec<f64> = input[1600..].iter().map(|&v| v as f64).collect();
    let out = &output[1600..];
    let level_db = 20.0 * (rms(out) / rms(&inp)).log10();
    let tone_share = goertzel(out, 1000.0)
        / (goertzel(out, 1000.0) + goertzel(out, 700.0) + goertzel(out, 1300.0) + goertzel(out, 2000.0));
    // Signal to noise: the 1 kHz component against everything else.
    let signal = 2.0 * goertzel(out, 1000.0).sqrt() * out.len() as f64 / out.len() as f64;
    let noise = (rms(out).powi(2) - (signal / std::f64::consts::SQRT_2).powi(2))
        .max(1e-9)
        .sqrt();
    let snr = 20.0 * ((signal / std::f64::consts::SQRT_2) / noise).log10();
    assert!(level_db.abs() < 1.0, "level changed by {level_db:.2} dB");
    assert!(tone_share > 0.99, "1 kHz holds {:.3} of the energy", tone_share);
    // Opus is perceptual, not waveform-matching: about 20 dB here at its
    // default narrowband bitrate; G.711 alone gives about 38 dB.
    assert!(snr > 15.0, "SNR {snr:.1} dB");
    eprintln!(
        "PCMU->Opus->PCMU ({}): level {level_db:+.2} dB, SNR {snr:.1} dB",
        rvoip::test_exports::media::codec::opus::BACKEND
    );
}

#[test]
fn timestamps_scale_between_clocks() {
    let up = Transcoder::new(AudioCodec::Pcmu, AudioCodec::Opus, OpusSettings::default()).unwrap();
    let down = Transcoder::new(AudioCodec::Opus, AudioCodec::Pcma, OpusSettings::default()).unwrap();
    assert_eq!(up.scale_ts(160), 960);
    assert_eq!(down.scale_ts(960), 160);
    assert_eq!(up.scale_ts(u32::MAX / 2), (u32::MAX / 2).wrapping_mul(6));
}

#[test]
fn lost_opus_frames_are_concealed_not_silent() {
    let input = tone(8000, 8000.0);
    let mut enc = Transcoder::new(AudioCodec::Pcmu, AudioCodec::Opus, OpusSettings::default()).unwrap();
    let mut dec = Transcoder::new(AudioCodec::Opus, AudioCodec::Pcmu, OpusSettings::default()).unwrap();
    let (mut ulaw, mut opus, mut back) = ([0u8; 160], [0u8; 400], [0u8; 960]);
    for frame in input.chunks(160).take(20) {
        g711::encode_ulaw(frame, &mut ulaw);
        let n = enc.transcode(&ulaw, &mut opus).unwrap();
        dec.transcode(&opus[..n], &mut back).unwrap();
    }
    let m = dec.conceal(&mut back).unwrap();
    let concealed: Vec<f64> = back[..m].iter().map(|&b| g711::ulaw_to_linear(b) as f64).collect();
    assert_eq!(m, 160);
    assert!(
        rms(&concealed) > 1000.0,
        "PLC continues the tone (rms {:.0})",
        rms(&concealed)
    );
}

#[test]
fn an_opus_peers_bitrate_limit_caps_ours_and_never_raises_it() {
    let ours = OpusSettings {
        complexity: 1,
        bitrate: 24_000,
    };
    assert_eq!(ours.capped(0, 8000), ours, "no limit given");
    assert_eq!(ours.capped(12_000, 8000).bitrate, 12_000);
    assert_eq!(ours.capped(64_000, 8000).bitrate, 24_000);
    assert_eq!(ours.capped(12_000, 8000).complexity, 1);
    let auto = OpusSettings { bitrate: 0, ..ours };
    assert_eq!(
        auto.capped(64_000, 8000).bitrate,
        0,
        "libopus's ~11 kbit/s is under it already"
    );
    assert_eq!(auto.capped(8_000, 8000).bitrate, 8_000);
    // At 48 kHz (an API application's audio) libopus would choose 51 kbit/s.
    assert_eq!(auto.capped(16_000, 48_000).bitrate, 16_000);
    assert_eq!(auto.capped(64_000, 48_000).bitrate, 0);
}

#[test]
fn the_bitrate_setting_sizes_the_opus_frames() {
    let mean_bytes = |bitrate| {
        let settings = OpusSettings { complexity: 1, bitrate };
        let mut t = Transcoder::new(AudioCodec::Pcmu, AudioCodec::Opus, settings).unwrap();
        // Noise (a fixed LCG), which VBR cannot code below its target
        // the way it codes a steady tone.
        let mut x = 1u32;
        let input: Vec<i16> = (0..16_000)
            .map(|_| {
                x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                ((x >> 16) as i16) / 4
            })
            .collect();
        let (mut ulaw, mut out, mut total) = ([0u8; 160], [0u8; 400], 0);
        for pcm in input.chunks(160) {
            g711::encode_ulaw(pcm, &mut ulaw);
            total += t.transcode(&ulaw, &mut out).unwrap();
        }
        total / 100
    };
    // 20 ms frames: 24 kbit/s is 60 bytes, 8 kbit/s 20 (VBR wanders).
    let (high, low) = (mean_bytes(24_000), mean_bytes(8_000));
    assert!((45..=75).contains(&high), "24 kbit/s: {high} bytes a frame");
    assert!((12..=26).contains(&low), "8 kbit/s: {low} bytes a frame");
}
