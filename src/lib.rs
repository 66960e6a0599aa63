//! rvoip: a SIP media gateway. Users import [`api`]; everything else is the
//! machinery behind it.
#![warn(missing_docs)]

pub mod api;
pub(crate) mod dialog;
pub(crate) mod driver;
#[doc(hidden)]
pub mod endpoint;
#[doc(hidden)]
pub mod gateway;
#[doc(hidden)]
pub mod ids;
#[doc(hidden)]
pub mod limits;
#[doc(hidden)]
pub mod media;
#[doc(hidden)]
pub mod sdp;
#[doc(hidden)]
pub mod session;
#[doc(hidden)]
pub mod sip;
#[doc(hidden)]
pub mod transaction;
pub(crate) mod transport;
