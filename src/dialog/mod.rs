//! Dialogs (RFC 3261 §12): ids and tags, route set, CSeq ordering, and the
//! requests and responses sent within one. Touches no socket.

mod build;
mod state;

pub use build::{ok_with_body, response_in};
pub use state::Dialog;
