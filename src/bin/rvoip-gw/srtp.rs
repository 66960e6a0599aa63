//! `srtp = "off" | "optional" | "mandatory"` in the configuration, for
//! the listeners (`sip.srtp`, `tls.srtp`) and each route.

use serde::Deserialize;

/// `srtp = "off" | "optional" | "mandatory"`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Srtp {
    #[default]
    /// Plain RTP.
    Off,
    /// SRTP when the peer offers it; offers best effort.
    Optional,
    /// SRTP only.
    Mandatory,
}

impl Srtp {
    /// The library's policy.
    pub fn policy(self) -> rvoip::api::SrtpPolicy {
        match self {
            Srtp::Off => rvoip::api::SrtpPolicy::Off,
            Srtp::Optional => rvoip::api::SrtpPolicy::Optional,
            Srtp::Mandatory => rvoip::api::SrtpPolicy::Mandatory,
        }
    }
}
