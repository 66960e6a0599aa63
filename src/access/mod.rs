//! Who may talk to us, decided on the socket address a message came from
//! (never a header), before routing: source ACLs (trusted peers, allowed
//! and denied networks), a listener's treatment of the rest, and
//! per-source abuse limits that block a source for a while. Sans-IO.

mod abuse;
mod acl;
mod policy;

pub use abuse::{AbuseConfig, AbuseTable, BlockReason};
pub use acl::{Acl, AclAction, SourceClass};
pub use policy::{Access, AccessConfig, Gate, Refusal, Untrusted};

#[cfg(test)]
mod tests;
