//! Whether plain relay is offloaded to the kernel (`media.kernel`): the
//! TC program of `media::kernel` forwards a call's RTP once both legs are
//! latched and nothing but header rewriting is needed (feature
//! `kernel-fastpath`; docs/kernel-fastpath.md).

use std::fmt;
use std::str::FromStr;

/// The kernel fast path's setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MediaKernel {
    /// Everything relayed in user space. The default.
    #[default]
    Off,
    /// The fast path where the kernel takes the program (and this build
    /// has it); else, said once, user space as with `Off`.
    Auto,
}

impl MediaKernel {
    /// The name `media.kernel` takes.
    pub fn name(self) -> &'static str {
        match self {
            MediaKernel::Off => "off",
            MediaKernel::Auto => "auto",
        }
    }
}

impl FromStr for MediaKernel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "off" => Ok(MediaKernel::Off),
            "auto" => Ok(MediaKernel::Auto),
            _ => Err(format!("{s:?} is neither \"off\" nor \"auto\"")),
        }
    }
}

impl fmt::Display for MediaKernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
