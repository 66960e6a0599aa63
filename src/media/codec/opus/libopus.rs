//! The default Opus backend: `unsafe-libopus`.

use super::{OpusError, OpusSettings};
// The C API's names, as libopus spells them (the crate is a translation).
#[allow(clippy::unsafe_removed_from_name)]
use unsafe_libopus as ffi;

/// An Opus encoder for mono voice (8 kHz unless made [`at_rate`](Self::at_rate)).
pub struct OpusEncoder {
    st: *mut ffi::OpusEncoder,
}

// SAFETY: the encoder state is owned by this value alone and libopus keeps
// no thread-local state; moving it to a worker thread is sound.
unsafe impl Send for OpusEncoder {}

impl OpusEncoder {
    /// A VoIP encoder at 8 kHz mono, set as `opus` says.
    pub fn new(opus: OpusSettings) -> Result<Self, OpusError> {
        Self::at_rate(8000, opus)
    }

    /// A VoIP encoder of mono PCM at `rate` Hz (8, 12, 16, 24 or 48 kHz)
    /// set as `opus` says.
    pub fn at_rate(rate: u32, opus: OpusSettings) -> Result<Self, OpusError> {
        let mut err = 0;
        // SAFETY: valid arguments; the result is checked before use.
        let st = unsafe { ffi::opus_encoder_create(rate as i32, 1, ffi::OPUS_APPLICATION_VOIP, &mut err) };
        if st.is_null() || err != ffi::OPUS_OK {
            return Err(OpusError(err));
        }
        let enc = OpusEncoder { st };
        let bitrate = if opus.bitrate == 0 {
            ffi::OPUS_AUTO
        } else {
            opus.bitrate.min(512_000) as i32
        };
        enc.ctl(ffi::OPUS_SET_COMPLEXITY_REQUEST, i32::from(opus.complexity.min(10)))?;
        enc.ctl(ffi::OPUS_SET_BITRATE_REQUEST, bitrate)?;
        Ok(enc)
    }

    /// Sets the encoder's `request` to `value`.
    fn ctl(&self, request: i32, value: i32) -> Result<(), OpusError> {
        // SAFETY: `st` is a live encoder; these requests take one i32.
        let rc = unsafe { ffi::opus_encoder_ctl_impl(self.st, request, ffi::varargs!(value)) };
        if rc == ffi::OPUS_OK { Ok(()) } else { Err(OpusError(rc)) }
    }

    /// Encodes one frame (`pcm.len()` samples: 160 for 20 ms) into `out`;
    /// returns the packet length.
    pub fn encode(&mut self, pcm: &[i16], out: &mut [u8]) -> Result<usize, OpusError> {
        // SAFETY: pointers and lengths come from live slices.
        let n = unsafe {
            ffi::opus_encode(
                self.st,
                pcm.as_ptr(),
                pcm.len() as i32,
                out.as_mut_ptr(),
                out.len() as i32,
            )
        };
        if n < 0 { Err(OpusError(n)) } else { Ok(n as usize) }
    }
}

impl Drop for OpusEncoder {
    fn drop(&mut self) {
        // SAFETY: `st` came from opus_encoder_create and is freed once.
        unsafe { ffi::opus_encoder_destroy(self.st) }
    }
}

/// An Opus decoder producing mono PCM (8 kHz unless made
/// [`at_rate`](Self::at_rate)).
pub struct OpusDecoder {
    st: *mut ffi::OpusDecoder,
}

// SAFETY: as for the encoder.
unsafe impl Send for OpusDecoder {}

impl OpusDecoder {
    /// A decoder at 8 kHz mono.
    pub fn new() -> Result<Self, OpusError> {
        Self::at_rate(8000)
    }

    /// A decoder producing mono PCM at `rate` Hz (8, 12, 16, 24 or 48 kHz).
    pub fn at_rate(rate: u32) -> Result<Self, OpusError> {
        let mut err = 0;
        // SAFETY: valid arguments; the result is checked before use.
        let st = unsafe { ffi::opus_decoder_create(rate as i32, 1, &mut err) };
        if st.is_null() || err != ffi::OPUS_OK {
            return Err(OpusError(err));
        }
        Ok(OpusDecoder { st })
    }

    /// Decodes one packet into `out`; returns the samples written.
    pub fn decode(&mut self, packet: &[u8], out: &mut [i16]) -> Result<usize, OpusError> {
        // SAFETY: pointers and lengths come from live slices.
        let n = unsafe {
            ffi::opus_decode(
                self.st,
                packet.as_ptr(),
                packet.len() as i32,
                out.as_mut_ptr(),
                out.len() as i32,
                0,
            )
        };
        if n < 0 { Err(OpusError(n)) } else { Ok(n as usize) }
    }

    /// Packet-loss concealment for one lost frame of `out.len()` samples.
    pub fn conceal(&mut self, out: &mut [i16]) -> Result<usize, OpusError> {
        // SAFETY: a null packet asks libopus for concealment.
        let n = unsafe { ffi::opus_decode(self.st, std::ptr::null(), 0, out.as_mut_ptr(), out.len() as i32, 0) };
        if n < 0 { Err(OpusError(n)) } else { Ok(n as usize) }
    }
}

impl Drop for OpusDecoder {
    fn drop(&mut self) {
        // SAFETY: `st` came from opus_decoder_create and is freed once.
        unsafe { ffi::opus_decoder_destroy(self.st) }
    }
}
