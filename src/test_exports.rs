//! The crate's internals, re-exported for its own integration tests,
//! benches and fuzz targets only (as str0m does): built with the
//! `test-exports` feature, which the crate's dev-dependency on itself
//! turns on. Not an API: nothing here is stable or meant for users.
#![allow(missing_docs)]

pub mod access {
    pub use crate::access::*;
}
pub mod auth {
    pub use crate::auth::*;
}
pub mod dialog {
    pub use crate::dialog::*;
}
pub mod endpoint {
    pub use crate::endpoint::*;
}
pub mod gateway {
    pub use crate::gateway::*;
}
pub mod locate {
    pub use crate::locate::*;
}
pub mod ids {
    pub use crate::ids::*;
}
pub mod registrar {
    pub use crate::registrar::*;
}
pub mod sdp {
    pub use crate::sdp::*;
}
pub mod session {
    pub use crate::session::*;
}
pub mod steer {
    pub use crate::transport::steer::*;
}
pub mod sip {
    pub use crate::sip::*;
}
pub mod status {
    pub use crate::status::*;
}
pub mod transaction {
    pub use crate::transaction::*;
}
pub mod udp_batch {
    pub use crate::udp_batch::*;
}
pub mod media {
    //! The media plane's internals: codecs, the RTP/RTCP parsers and
    //! rewriters, and a call's [`Relay`], which decides each packet.
    pub mod codec {
        pub use crate::media::codec::{AudioCodec, Transcoder, g711, opus};
    }
    pub mod rtp {
        pub use crate::media::rtp::header::{RtpError, RtpHeader};
        pub use crate::media::rtp::{RxStats, write_header};
        pub mod header {
            pub use crate::media::rtp::header::*;
        }
        pub mod rtcp {
            pub use crate::media::rtp::rtcp::*;
        }
    }
    pub use crate::media::worker::{DropReason, InboundRtp, LateBound, Relay, SteppedWorker, Verdict};
}
