//! G.711 μ-law and A-law (ITU-T G.711), sample by sample; decoding is a
//! 256-entry table built at compile time.

const BIAS: i32 = 0x84;
const CLIP: i32 = 32635;

/// Encodes one 16-bit linear sample to μ-law.
pub fn linear_to_ulaw(sample: i16) -> u8 {
    let mut pcm = sample as i32;
    let sign = if pcm < 0 {
        pcm = -pcm;
        0x80
    } else {
        0
    };
    pcm = pcm.min(CLIP) + BIAS;
    let exponent = 31 - ((pcm >> 7) as u32 | 1).leading_zeros() as i32;
    let mantissa = (pcm >> (exponent + 3)) & 0x0f;
    !(sign | (exponent << 4) | mantissa) as u8
}

const fn ulaw_decode(u: u8) -> i16 {
    let u = !u;
    let exponent = ((u >> 4) & 0x07) as i32;
    let mantissa = (u & 0x0f) as i32;
    let t = ((mantissa << 3) + BIAS) << exponent;
    (if u & 0x80 != 0 { BIAS - t } else { t - BIAS }) as i16
}

const fn alaw_decode(a: u8) -> i16 {
    let a = a ^ 0x55;
    let mut t = ((a & 0x0f) as i32) << 4;
    let seg = ((a & 0x70) >> 4) as i32;
    t += if seg == 0 { 8 } else { 0x108 };
    if seg > 1 {
        t <<= seg - 1;
    }
    (if a & 0x80 != 0 { t } else { -t }) as i16
}

const fn table(alaw: bool) -> [i16; 256] {
    let mut out = [0i16; 256];
    let mut i = 0;
    while i < 256 {
        out[i] = if alaw {
            alaw_decode(i as u8)
        } else {
            ulaw_decode(i as u8)
        };
        i += 1;
    }
    out
}

static ULAW: [i16; 256] = table(false);
static ALAW: [i16; 256] = table(true);

/// Decodes one μ-law byte.
pub fn ulaw_to_linear(u: u8) -> i16 {
    ULAW[u as usize]
}

/// Decodes one A-law byte.
pub fn alaw_to_linear(a: u8) -> i16 {
    ALAW[a as usize]
}

/// Encodes one 16-bit linear sample to A-law.
pub fn linear_to_alaw(sample: i16) -> u8 {
    let mut pcm = (sample as i32) >> 3;
    let mask = if pcm >= 0 {
        0xd5
    } else {
        pcm = -pcm - 1;
        0x55
    };
    let seg = 32 - ((pcm >> 5) as u32).leading_zeros() as i32;
    if seg >= 8 {
        return (0x7f ^ mask) as u8;
    }
    let shift = if seg < 2 { 1 } else { seg };
    let aval = (seg << 4) | ((pcm >> shift) & 0x0f);
    (aval ^ mask) as u8
}

/// μ-law bytes to linear samples; returns the samples written.
pub fn decode_ulaw(data: &[u8], out: &mut [i16]) -> usize {
    let n = data.len().min(out.len());
    for (o, d) in out[..n].iter_mut().zip(data) {
        *o = ulaw_to_linear(*d);
    }
    n
}

/// A-law bytes to linear samples; returns the samples written.
pub fn decode_alaw(data: &[u8], out: &mut [i16]) -> usize {
    let n = data.len().min(out.len());
    for (o, d) in out[..n].iter_mut().zip(data) {
        *o = alaw_to_linear(*d);
    }
    n
}

/// Linear samples to μ-law bytes; returns the bytes written.
pub fn encode_ulaw(pcm: &[i16], out: &mut [u8]) -> usize {
    let n = pcm.len().min(out.len());
    for (o, s) in out[..n].iter_mut().zip(pcm) {
        *o = linear_to_ulaw(*s);
    }
    n
}

/// Linear samples to A-law bytes; returns the bytes written.
pub fn encode_alaw(pcm: &[i16], out: &mut [u8]) -> usize {
    let n = pcm.len().min(out.len());
    for (o, s) in out[..n].iter_mut().zip(pcm) {
        *o = linear_to_alaw(*s);
    }
    n
}
