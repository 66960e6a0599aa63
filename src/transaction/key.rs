//! Transaction matching keys (RFC 3261 §17.1.3 and §17.2.3).
//!
//! A key carries its own hash, computed once with a per-process random
//! SipHash key (branches come from peers, so the table must resist hash
//! flooding): lookups hash once, and a table that grows under load moves
//! entries without hashing any key again.
//!
//! A message is matched with a borrowed [`TxRef`] (no copy of its branch
//! or sent-by); only a transaction that is created makes an owned
//! [`TxKey`], one shared buffer that the table and the transaction's slot
//! both hold.

use crate::sip::{Core, Method};
use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, LazyLock};

/// The per-process random hashing key.
static SEED: LazyLock<std::collections::hash_map::RandomState> = LazyLock::new(Default::default);

/// rsip's `Method` has no `Hash`, so its discriminant stands in.
type MethodTag = std::mem::Discriminant<Method>;

/// A transaction's identity, borrowed from a message: branch, the CSeq
/// method (ACK folded into INVITE), and for server transactions the
/// sent-by of the top Via.
#[derive(Debug, Clone, Copy)]
pub struct TxRef<'a> {
    branch: &'a str,
    method: MethodTag,
    /// `Some(sent-by)` for a server transaction, `None` for a client one.
    sent_by: Option<&'a str>,
    hash: u64,
}

impl<'a> TxRef<'a> {
    fn new(branch: &'a str, method: Method, sent_by: Option<&'a str>) -> Self {
        let method = std::mem::discriminant(&method);
        let hash = SEED.hash_one((branch, method, sent_by));
        TxRef {
            branch,
            method,
            sent_by,
            hash,
        }
    }

    /// The server transaction an incoming request belongs to (§17.2.3).
    pub fn server(core: &'a Core) -> Self {
        let method = match core.cseq_method {
            Method::Ack => Method::Invite,
            m => m,
        };
        Self::new(core.branch(), method, Some(core.sent_by()))
    }

    /// The server INVITE transaction a CANCEL refers to (§9.2).
    pub fn cancelled_invite(core: &'a Core) -> Self {
        Self::new(core.branch(), Method::Invite, Some(core.sent_by()))
    }

    /// The client transaction a response belongs to (§17.1.3).
    pub fn client(branch: &'a str, method: Method) -> Self {
        Self::new(branch, method, None)
    }

    /// The owned key, for a transaction being created: one allocation
    /// (the two parts joined on the stack, when they fit).
    pub fn to_key(self) -> TxKey {
        let sent_by = self.sent_by.unwrap_or("");
        let len = self.branch.len() + sent_by.len();
        let mut stack = [0u8; 192];
        let text: Arc<str> = match stack.get_mut(..len) {
            Some(joined) => {
                joined[..self.branch.len()].copy_from_slice(self.branch.as_bytes());
                joined[self.branch.len()..].copy_from_slice(sent_by.as_bytes());
                Arc::from(std::str::from_utf8(joined).expect("invariant: two strs joined"))
            }
            None => Arc::from([self.branch, sent_by].concat()),
        };
        TxKey {
            text,
            branch_len: self.branch.len(),
            method: self.method,
            server: self.sent_by.is_some(),
            hash: self.hash,
        }
    }
}

/// A transaction's identity, owned: its branch and sent-by in one shared
/// buffer (cloned by reference count), with the hash of its [`TxRef`].
#[derive(Debug, Clone)]
pub struct TxKey {
    text: Arc<str>,
    branch_len: usize,
    method: MethodTag,
    server: bool,
    hash: u64,
}

impl TxKey {
    /// The borrowed form, as a message would give it.
    pub fn as_ref(&self) -> TxRef<'_> {
        let (branch, sent_by) = self.text.split_at(self.branch_len);
        TxRef {
            branch,
            method: self.method,
            sent_by: self.server.then_some(sent_by),
            hash: self.hash,
        }
    }
}

/// Either form, as the table compares and hashes it.
pub trait TxParts {
    /// The borrowed form.
    fn parts(&self) -> TxRef<'_>;
}

impl TxParts for TxKey {
    fn parts(&self) -> TxRef<'_> {
        self.as_ref()
    }
}

impl TxParts for TxRef<'_> {
    fn parts(&self) -> TxRef<'_> {
        *self
    }
}

impl<'a> Borrow<dyn TxParts + 'a> for TxKey {
    fn borrow(&self) -> &(dyn TxParts + 'a) {
        self
    }
}

impl PartialEq for TxRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && self.branch == other.branch
            && self.method == other.method
            && self.sent_by == other.sent_by
    }
}

impl PartialEq for TxKey {
    fn eq(&self, other: &Self) -> bool {
        self.as_ref() == other.as_ref()
    }
}

impl Eq for TxKey {}

impl PartialEq for dyn TxParts + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn TxParts + '_ {}

/// Both forms hand the table their stored hash.
impl Hash for TxKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl Hash for dyn TxParts + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.parts().hash);
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

/// The map type for tables keyed by [`TxKey`]: griddle's, which grows by
/// moving a few entries per insert, not all at once.
pub type KeyMap<V> = griddle::HashMap<TxKey, V, std::hash::BuildHasherDefault<StoredHash>>;
