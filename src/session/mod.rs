//! The UA core: calls (each with its dialog, offer/answer state, timers
//! and media port) and what routes messages, commands and time to them.
//! Never builds a SIP message itself: it asks `dialog` and `sip`.
//!
//! Loop contract (sans-IO): `handle_datagram`, `handle_command`,
//! `handle_media_event` and `handle_timeout` take `now`; drain
//! `poll_media`, `poll_transmit` and `poll_event`; sleep until
//! `poll_timeout`. [`crate::endpoint::Endpoint`] wraps it with the gateway.

mod access;
mod admission;
mod adopt;
mod bridge;
mod byes;
mod call;
mod checks;
mod command;
mod config;
mod context;
mod dtmf;
mod event;
mod health;
mod incoming_info;
mod index;
mod ingress;
mod local;
mod locate;
mod media;
mod media_requests;
mod open_record;
mod outbound;
mod placing;
mod ports;
mod record;
mod records;
mod registrar;
mod registration;
mod registrations;
mod replies;
mod routing;
mod shedder;
mod snapshot;
mod stats;
mod transfer;
mod user_agent;

pub use command::{Command, Digit, MediaMode};
pub use config::{ListenerSrtp, SessionTimerConfig, UaConfig};
pub(crate) use dtmf::{is_dtmf_type, parse_info};
pub use event::{DtmfSource, EndReason, Fork, Notice, Referral, SessionEvent};
pub(crate) use health::CallGauge;
pub use incoming_info::IncomingInfo;
pub use outbound::Outbound;
pub use ports::PortPool;
pub use record::{CallRecord, LegRecord};
pub use registration::{RegistrationConfig, RegistrationState};
pub use snapshot::{CallSnapshot, ReplicaOp, SNAPSHOT_VERSION};
pub use stats::UaStats;
pub(crate) use user_agent::UserAgent;
