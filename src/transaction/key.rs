//! Transaction matching keys (RFC 3261 §17.1.3 and §17.2.3).
//!
//! A key carries its own hash, computed once with a per-process random
//! SipHash key (branches come from peers, so the table must resist hash
//! flooding): lookups hash once as before, and a table that grows under
//! load rehashes by moving entries, not by hashing every key again (a
//! stall of the signalling thread that grew with the table).

use crate::sip::{Core, Method};
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::LazyLock;

/// The per-process random hashing key.
static SEED: LazyLock<std::collections::hash_map::RandomState> = LazyLock::new(Default::default);

/// Identifies a transaction: branch, the CSeq method (ACK folded into
/// INVITE), and for server transactions the sent-by of the top Via.
#[derive(Debug, Clone)]
pub struct TxKey {
    branch: String,
    /// rsip's `Method` has no `Hash`, so its discriminant stands in.
    method: std::mem::Discriminant<Method>,
    /// `Some(sent-by)` for a server transaction, `None` for a client one.
    sent_by: Option<String>,
    hash: u64,
}

impl TxKey {
    fn new(branch: String, method: Method, sent_by: Option<String>) -> Self {
        let method = std::mem::discriminant(&method);
        let hash = SEED.hash_one((&branch, method, &sent_by));
        TxKey {
            branch,
            method,
            sent_by,
            hash,
        }
    }

    /// The server transaction an incoming request belongs to (§17.2.3).
    pub fn server(core: &Core) -> Self {
        let method = match core.cseq_method {
            Method::Ack => Method::Invite,
            m => m,
        };
        Self::new(core.branch().to_owned(), method, Some(core.sent_by().to_owned()))
    }

    /// The server INVITE transaction a CANCEL refers to (§9.2).
    pub fn cancelled_invite(core: &Core) -> Self {
        Self::new(
            core.branch().to_owned(),
            Method::Invite,
            Some(core.sent_by().to_owned()),
        )
    }

    /// The client transaction a response belongs to (§17.1.3).
    pub fn client(branch: &str, method: Method) -> Self {
        Self::new(branch.to_owned(), method, None)
    }
}

impl PartialEq for TxKey {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && self.branch == other.branch
            && self.method == other.method
            && self.sent_by == other.sent_by
    }
}

impl Eq for TxKey {}

impl Hash for TxKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// Hands a [`TxKey`]'s stored hash to the table unchanged.
#[derive(Debug, Default, Clone, Copy)]
pub struct StoredHash(u64);

impl Hasher for StoredHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is expected; anything else still hashes.
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The map type for tables keyed by [`TxKey`].
pub type KeyMap<V> = std::collections::HashMap<TxKey, V, std::hash::BuildHasherDefault<StoredHash>>;
