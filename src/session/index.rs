//! Which call a message belongs to: our dialogs by Call-ID and our tag,
//! and the transactions whose events a call waits for.

use crate::dialog::{DialogKey, KeyParts};
use crate::ids::{CallId, TxId};
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// The UA core's indexes into its calls.
#[derive(Debug, Default)]
pub(crate) struct CallIndex {
    /// Peer-chosen keys: the default (random-keyed) hasher.
    dialogs: HashMap<DialogKey, CallId>,
    /// Our own ids: FxHash is safe.
    txs: FxHashMap<TxId, CallId>,
}

impl CallIndex {
    /// Routes transaction `tx`'s events to call `owner`.
    pub fn watch(&mut self, tx: TxId, owner: CallId) {
        self.txs.insert(tx, owner);
    }

    /// The call waiting for transaction `tx`'s events.
    pub fn call_of(&self, tx: TxId) -> Option<CallId> {
        self.txs.get(&tx).copied()
    }

    /// Stops routing transaction `tx`'s events; the call it went to.
    pub fn forget(&mut self, tx: TxId) -> Option<CallId> {
        self.txs.remove(&tx)
    }

    /// Indexes dialog `key` as call `id`'s.
    pub fn add_dialog(&mut self, key: DialogKey, id: CallId) {
        self.dialogs.insert(key, id);
    }

    /// The call that owns the dialog of `call_id` and our `tag`.
    pub fn dialog_call(&self, call_id: &str, tag: &str) -> Option<CallId> {
        self.dialogs.get(&(call_id, tag) as &dyn KeyParts).copied()
    }

    /// Drops the dialog of `call_id` and our `tag`.
    pub fn remove_dialog(&mut self, (call_id, tag): (&str, &str)) {
        self.dialogs.remove(&(call_id, tag) as &dyn KeyParts);
    }

    /// Gives memory back after a load peak.
    pub fn shrink(&mut self) {
        crate::collections::shrink_map(&mut self.dialogs);
        crate::collections::shrink_map(&mut self.txs);
    }
}
