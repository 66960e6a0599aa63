//! Transaction matching keys (RFC 3261 §17.1.3 and §17.2.3).
//!
//! A key is a 128-bit fingerprint of a message's branch, CSeq method
//! (ACK folded into INVITE) and, for a server transaction, the sent-by of
//! its top Via: SipHash-1-3 under a per-process random key. Branches come
//! from peers, who can neither choose two that collide (about 2^-89 for
//! any two of a million transactions by accident) nor flood one bucket of
//! the table. A message is matched without copying either string, and a
//! transaction that is created keeps 16 bytes and allocates nothing for
//! its key (the dialog index does the same: `dialog/key.rs`).

use crate::sip::{Core, Method};
use siphasher::sip128::{Hasher128, SipHasher13};
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

/// The per-process random hashing key.
static SEED: LazyLock<(u64, u64)> = LazyLock::new(|| (rand::random(), rand::random()));

/// A transaction's identity: the fingerprint of its branch, method and
/// (server side) sent-by. The table hashes it by its first word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxKey([u64; 2]);

impl TxKey {
    fn new(branch: &str, method: Method, sent_by: Option<&str>) -> Self {
        let mut h = SipHasher13::new_with_keys(SEED.0, SEED.1);
        // rsip's `Method` has no `Hash`, so its discriminant stands in;
        // a tuple writes each str with a terminator and the Option's tag.
        (branch, std::mem::discriminant(&method), sent_by).hash(&mut h);
        let out = h.finish128();
        TxKey([out.h1, out.h2])
    }

    /// The server transaction an incoming request belongs to (§17.2.3).
    pub fn server(core: &Core) -> Self {
        let method = match core.cseq_method {
            Method::Ack => Method::Invite,
            m => m,
        };
        Self::new(core.branch(), method, Some(core.sent_by()))
    }

    /// The server INVITE transaction a CANCEL refers to (§9.2).
    pub fn cancelled_invite(core: &Core) -> Self {
        Self::new(core.branch(), Method::Invite, Some(core.sent_by()))
    }

    /// The client transaction a response belongs to (§17.1.3).
    pub fn client(branch: &str, method: Method) -> Self {
        Self::new(branch, method, None)
    }
}

/// The table takes the fingerprint's first word as its hash.
impl Hash for TxKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0[0]);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_tells_branch_method_side_and_sent_by_apart() {
        let k = |b, m, s| TxKey::new(b, m, s);
        let base = k("z9hG4bKa", Method::Invite, Some("10.0.0.1:5060"));
        assert_eq!(base, k("z9hG4bKa", Method::Invite, Some("10.0.0.1:5060")));
        assert_ne!(base, k("z9hG4bKb", Method::Invite, Some("10.0.0.1:5060")));
        assert_ne!(base, k("z9hG4bKa", Method::Bye, Some("10.0.0.1:5060")));
        assert_ne!(base, k("z9hG4bKa", Method::Invite, Some("10.0.0.2:5060")));
        assert_ne!(base, k("z9hG4bKa", Method::Invite, None), "server and client apart");
        assert_ne!(k("ab", Method::Bye, Some("c")), k("a", Method::Bye, Some("bc")));
        assert_eq!(
            TxKey::client("z9hG4bKa", Method::Invite),
            k("z9hG4bKa", Method::Invite, None)
        );
    }
}
