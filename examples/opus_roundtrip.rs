//! A voice recording through the gateway's transcoding path, for
//! perf/opus_quality.sh: 8 kHz mono 16-bit PCM is coded as the PCMU
//! caller sends it, re-coded PCMU -> Opus by the gateway's `Transcoder`
//! at the given encoder complexity and bitrate, re-coded Opus -> PCMU by a second one
//! (the far end's Opus coming back), and decoded to PCM again. With
//! `--complexity g711` only the PCMU coding is applied (the reference a
//! plain relayed call gets). Prints the encoder's mean time per frame and
//! the Opus bytes per frame.
//!
//!     opus_roundtrip IN.wav OUT.wav --complexity 1 --bitrate 24000

use clap::Parser;
use rvoip::media::{AudioCodec, OpusSettings};
use rvoip::test_exports::media::codec::{Transcoder, g711};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// 8 kHz mono 16-bit WAV in.
    input: String,
    /// WAV out, the same format.
    output: String,
    /// Opus encoder complexity 0-10, or `g711` for PCMU alone.
    #[arg(long, default_value = "1")]
    complexity: String,
    /// Opus bitrate, bit/s (0: libopus's choice).
    #[arg(long, default_value_t = 24_000)]
    bitrate: u32,
}

const FRAME: usize = 160;

fn main() {
    let args = Args::parse();
    let mut reader = hound::WavReader::open(&args.input).expect("input WAV");
    let spec = reader.spec();
    assert!(
        spec.sample_rate == 8000 && spec.channels == 1 && spec.bits_per_sample == 16,
        "input must be 8 kHz mono 16-bit, is {spec:?}"
    );
    let pcm: Vec<i16> = reader.samples::<i16>().map(|s| s.expect("sample")).collect();
    let opus = args.complexity != "g711";
    let complexity: u8 = if opus {
        args.complexity.parse().expect("--complexity: 0-10 or g711")
    } else {
        0
    };
    let settings = OpusSettings {
        complexity,
        bitrate: args.bitrate,
    };
    let mut to_opus = Transcoder::new(AudioCodec::Pcmu, AudioCodec::Opus, settings).expect("encoder");
    let mut to_pcmu = Transcoder::new(AudioCodec::Opus, AudioCodec::Pcmu, settings).expect("decoder");
    let mut out = hound::WavWriter::create(&args.output, spec).expect("output WAV");
    let (mut ulaw, mut coded, mut back, mut frame) = ([0u8; FRAME], [0u8; 400], [0u8; 960], [0i16; FRAME]);
    let (mut spent, mut frames, mut bytes) = (Duration::ZERO, 0u32, 0usize);
    for chunk in pcm.chunks(FRAME) {
        frame[..chunk.len()].copy_from_slice(chunk);
        frame[chunk.len()..].fill(0);
        g711::encode_ulaw(&frame, &mut ulaw);
        let heard = if opus {
            let t = Instant::now();
            let n = to_opus.transcode(&ulaw, &mut coded).expect("encode");
            spent += t.elapsed();
            frames += 1;
            bytes += n;
            let m = to_pcmu.transcode(&coded[..n], &mut back).expect("decode");
            &back[..m]
        } else {
            &ulaw[..]
        };
        g711::decode_ulaw(heard, &mut frame);
        for &s in &frame[..chunk.len()] {
            out.write_sample(s).expect("write");
        }
    }
    out.finalize().expect("finalize");
    if frames > 0 {
        println!(
            "frames {frames} encode_us_per_frame {:.1} opus_bytes_per_frame {:.1}",
            spent.as_secs_f64() * 1e6 / f64::from(frames),
            bytes as f64 / f64::from(frames)
        );
    }
}
