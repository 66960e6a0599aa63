//! The plane's kernel fast path (`media.kernel = "auto"`): the program
//! loaded and attached once at start, or why not, said once in the log;
//! the workers then relay in user space as with "off".

use super::MediaKernel;

/// What the plane keeps of the fast path: the program stays attached
/// while it is held.
#[cfg(feature = "kernel-fastpath")]
pub(super) type PlaneKernel = Option<super::kernel::KernelPath>;
/// What the plane keeps of the fast path: nothing in this build.
#[cfg(not(feature = "kernel-fastpath"))]
pub(super) type PlaneKernel = Option<()>;

/// Loads and attaches the program when `mode` asks for it.
#[cfg(feature = "kernel-fastpath")]
pub(super) fn start(mode: MediaKernel) -> PlaneKernel {
    use super::kernel::{KernelPath, forwards_ipv4, media_interfaces};
    if mode == MediaKernel::Off {
        return None;
    }
    let (names, off): (Vec<_>, Vec<_>) = media_interfaces().into_iter().partition(|n| forwards_ipv4(n));
    if !off.is_empty() {
        tracing::warn!(
            "media.kernel = \"auto\": {off:?} do not forward IPv4 (net.ipv4.conf.<if>.forwarding = 0): media arriving there is relayed in user space"
        );
    }
    if names.is_empty() {
        return None;
    }
    let attached = KernelPath::load().and_then(|mut k| {
        for name in &names {
            k.attach(name)?;
        }
        Ok(k)
    });
    match attached {
        Ok(k) => {
            tracing::info!("media.kernel = \"auto\": plain relay forwarded in the kernel on {names:?}");
            Some(k)
        }
        Err(e) => {
            tracing::warn!(
                "media.kernel = \"auto\": the kernel refused the fast path ({e}); media relayed in user space"
            );
            None
        }
    }
}

/// Says, once, that this build has no fast path when `mode` asks for it.
#[cfg(not(feature = "kernel-fastpath"))]
pub(super) fn start(mode: MediaKernel) -> PlaneKernel {
    if mode == MediaKernel::Auto {
        tracing::warn!(
            "media.kernel = \"auto\": built without the kernel-fastpath feature; media relayed in user space"
        );
    }
    None
}
