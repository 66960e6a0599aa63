//! The two faces of an endpoint: a server listens on a known address, a
//! client on an ephemeral one; both are a [`SipUa`] underneath.

use super::SipUa;

/// A SIP server (see [`super::create_sip_server`]).
pub struct SipServer(pub(crate) SipUa);
/// A SIP client (see [`super::create_sip_client`]).
pub struct SipClient(pub(crate) SipUa);

impl std::ops::Deref for SipServer {
    type Target = SipUa;
    fn deref(&self) -> &SipUa {
        &self.0
    }
}
impl std::ops::DerefMut for SipServer {
    fn deref_mut(&mut self) -> &mut SipUa {
        &mut self.0
    }
}
impl std::ops::Deref for SipClient {
    type Target = SipUa;
    fn deref(&self) -> &SipUa {
        &self.0
    }
}
impl std::ops::DerefMut for SipClient {
    fn deref_mut(&mut self) -> &mut SipUa {
        &mut self.0
    }
}
