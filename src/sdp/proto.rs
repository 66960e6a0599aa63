//! The protocol on an audio m-line: the ones we speak, plain or secure.

/// The protocol of the audio stream's m-line, kept in the answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Proto {
    /// `RTP/AVP`.
    #[default]
    Avp,
    /// `RTP/AVPF` (answered as offered; no feedback is sent).
    Avpf,
    /// `RTP/SAVP`: SRTP with SDES keys (RFC 3711, RFC 4568).
    Savp,
    /// `RTP/SAVPF`: the same with feedback.
    Savpf,
}

impl Proto {
    /// The protocol named `name`, if we speak it (`UDP/TLS/RTP/SAVPF`,
    /// DTLS-SRTP, is not).
    pub fn from_name(name: &str) -> Option<Proto> {
        match name {
            "RTP/AVP" => Some(Proto::Avp),
            "RTP/AVPF" => Some(Proto::Avpf),
            "RTP/SAVP" => Some(Proto::Savp),
            "RTP/SAVPF" => Some(Proto::Savpf),
            _ => None,
        }
    }

    /// Its name on an m-line.
    pub fn name(self) -> &'static str {
        match self {
            Proto::Avp => "RTP/AVP",
            Proto::Avpf => "RTP/AVPF",
            Proto::Savp => "RTP/SAVP",
            Proto::Savpf => "RTP/SAVPF",
        }
    }

    /// Whether the profile is SRTP (the stream must not be sent plain).
    pub fn is_secure(self) -> bool {
        matches!(self, Proto::Savp | Proto::Savpf)
    }
}
