//! The media plane: pinned worker threads relaying and echoing RTP/RTCP,
//! with packet logic as plain functions over `&mut [u8]`.

pub mod codec;
pub mod command;
pub mod plane;
pub mod rtp;
mod sched;
pub mod worker;

pub use command::{LegConfig, LegStats, MediaCommand, MediaEvent, Side, worker_of};
pub use plane::{MediaConfig, MediaPlane};
pub use worker::WorkerConfig;
