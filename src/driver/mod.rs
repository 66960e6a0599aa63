//! The tokio glue: feeds the sans-IO UA core from sockets, commands and
//! time, and performs its outputs.

mod dispatch;
mod output;
mod signalling;
mod stats;

pub use signalling::{Control, Driver, DriverConfig};
pub use stats::{LiveStats, Published};
