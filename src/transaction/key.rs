//! Transaction matching keys (RFC 3261 §17.1.3 and §17.2.3).

use crate::sip::{Core, Method};

/// Identifies a transaction: branch, the CSeq method (ACK folded into
/// INVITE), and for server transactions the sent-by of the top Via.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TxKey {
    /// Top Via branch.
    pub branch: String,
    /// Method the transaction was created for (rsip's `Method` has no
    /// `Hash`, so its discriminant stands in).
    pub method: std::mem::Discriminant<Method>,
    /// `Some(sent-by)` for a server transaction, `None` for a client one.
    pub sent_by: Option<String>,
}

impl TxKey {
    /// The server transaction an incoming request belongs to (§17.2.3).
    pub fn server(core: &Core) -> Self {
        let method = match core.cseq_method {
            Method::Ack => Method::Invite,
            m => m,
        };
        TxKey {
            branch: core.branch.clone(),
            method: std::mem::discriminant(&method),
            sent_by: Some(core.sent_by.clone()),
        }
    }

    /// The server INVITE transaction a CANCEL refers to (§9.2).
    pub fn cancelled_invite(core: &Core) -> Self {
        TxKey {
            branch: core.branch.clone(),
            method: std::mem::discriminant(&Method::Invite),
            sent_by: Some(core.sent_by.clone()),
        }
    }

    /// The client transaction a response belongs to (§17.1.3).
    pub fn client(branch: &str, method: Method) -> Self {
        TxKey {
            branch: branch.to_owned(),
            method: std::mem::discriminant(&method),
            sent_by: None,
        }
    }
}
