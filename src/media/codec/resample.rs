//! Integer-ratio rate changes between G.711's 8 kHz and an application's
//! 16 or 48 kHz, with state carried from one frame to the next so frame
//! edges do not click. Up: linear interpolation between neighbouring
//! samples (one input sample of delay). Down: the mean of each group of
//! samples (a box filter: a crude low-pass that is enough for voice, at the
//! cost of some aliasing of content above 4 kHz). Nothing allocates.

/// Up-sampling by an integer factor, linearly interpolating.
#[derive(Debug, Clone)]
pub struct Upsampler {
    factor: usize,
    prev: i16,
}

impl Upsampler {
    /// `factor` output samples per input sample (1: a copy).
    pub fn new(factor: usize) -> Self {
        Upsampler {
            factor: factor.max(1),
            prev: 0,
        }
    }

    /// `input` up-sampled into `out` (as much of it as fits); returns the
    /// samples written. Output sample `j` of input `x` lies `(j + 1) /
    /// factor` of the way from the previous input sample to `x`.
    pub fn process(&mut self, input: &[i16], out: &mut [i16]) -> usize {
        let f = self.factor;
        let n = input.len().min(out.len() / f);
        for (&x, o) in input[..n].iter().zip(out.chunks_exact_mut(f)) {
            let (p, d) = (i32::from(self.prev), i32::from(x) - i32::from(self.prev));
            for (j, s) in o.iter_mut().enumerate() {
                *s = (p + d * (j as i32 + 1) / f as i32) as i16;
            }
            self.prev = x;
        }
        n * f
    }

    /// Forgets the last sample (after a gap filled otherwise).
    pub fn reset(&mut self) {
        self.prev = 0;
    }
}

/// Down-sampling by an integer factor, averaging each group of samples.
#[derive(Debug, Clone, Copy)]
pub struct Downsampler {
    factor: usize,
}

impl Downsampler {
    /// One output sample per `factor` input samples (1: a copy).
    pub fn new(factor: usize) -> Self {
        Downsampler { factor: factor.max(1) }
    }

    /// `input` down-sampled into `out`; returns the samples written (a
    /// trailing partial group is left out).
    pub fn process(&self, input: &[i16], out: &mut [i16]) -> usize {
        let f = self.factor;
        let mut n = 0;
        for (g, o) in input.chunks_exact(f).zip(out.iter_mut()) {
            *o = (g.iter().map(|&s| i32::from(s)).sum::<i32>() / f as i32) as i16;
            n += 1;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_interpolates_across_calls_and_down_averages() {
        let mut up = Upsampler::new(2);
        let mut out = [0i16; 4];
        assert_eq!(up.process(&[100, 200], &mut out), 4);
        assert_eq!(out, [50, 100, 150, 200]);
        assert_eq!(up.process(&[0], &mut out), 2);
        assert_eq!(out[..2], [100, 0]);
        let mut down = [0i16; 2];
        assert_eq!(Downsampler::new(3).process(&[3, 6, 9, 30, 0, 0, 7], &mut down), 2);
        assert_eq!(down, [6, 10]);
    }
}
