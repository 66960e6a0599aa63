//! The two faces of an endpoint: a server listens on a known address, a
//! client on an ephemeral one; both are a [`SipUa`] underneath.

use super::SipUa;

/// A SIP server (see [`super::create_sip_server`]).
pub struct SipServer(pub(crate) SipUa);
/// A SIP client (see [`super::create_sip_client`]).
pub struct SipClient(pub(crate) SipUa);

/// `Deref`/`DerefMut` to the [`SipUa`] inside a handle.
macro_rules! ua_handle {
    ($t:ty) => {
        impl std::ops::Deref for $t {
            type Target = SipUa;
            fn deref(&self) -> &SipUa {
                &self.0
            }
        }
        impl std::ops::DerefMut for $t {
            fn deref_mut(&mut self) -> &mut SipUa {
                &mut self.0
            }
        }
    };
}
pub(crate) use ua_handle;

ua_handle!(SipServer);
ua_handle!(SipClient);
