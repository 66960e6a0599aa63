//! Which side of a call we are, and where it stands.

/// Which side of the call we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// We received the INVITE.
    Uas,
    /// We sent it.
    Uac,
}

/// Where the call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// Incoming, waiting for accept/reject.
    Offered,
    /// Outgoing, no provisional yet.
    Calling,
    /// Outgoing, provisional received.
    Early,
    /// 2xx sent, waiting for the ACK.
    Answering,
    /// Established.
    Connected,
}
