//! rvoip: a SIP media gateway. Users import [`api`]; the media plane
//! ([`media`]) is public too, for tools that relay RTP without SIP.
//! Everything else is the machinery behind them (see
//! docs/architecture.md).
#![warn(missing_docs)]

pub(crate) mod access;
pub mod api;
pub(crate) mod auth;
pub(crate) mod cluster;
pub(crate) mod collections;
pub(crate) mod dialog;
pub(crate) mod driver;
pub(crate) mod endpoint;
pub(crate) mod gateway;
pub(crate) mod ids;
pub(crate) mod limits;
pub(crate) mod locate;
pub mod media;
pub(crate) mod registrar;
pub(crate) mod sdp;
pub(crate) mod session;
pub(crate) mod sip;
pub(crate) mod status;
#[cfg(feature = "test-exports")]
pub mod test_exports;
pub(crate) mod transaction;
pub(crate) mod transport;
pub(crate) mod udp_batch;
