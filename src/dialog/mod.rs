//! Dialogs (RFC 3261 §12): ids and tags, route set, CSeq ordering, and the
//! requests and responses sent within one. Touches no socket.

mod build;
mod key;
mod next_hop;
mod refresh;
mod request;
mod state;
mod text;
#[cfg(test)]
mod uac_tests;

pub use build::{response_bytes_in, response_in, with_sdp};
pub use key::{DialogKey, DialogKeyer};
pub use state::Dialog;
