//! Which call a message belongs to: our dialogs by Call-ID and our tag,
//! and the transactions whose events a call waits for.

use crate::dialog::{DialogKey, DialogKeyer};
use crate::ids::{CallId, TxId};
use rustc_hash::FxHashMap;

/// The UA core's indexes into its calls.
#[derive(Debug, Default)]
pub(crate) struct CallIndex {
    /// Keyed fingerprints (peers cannot choose them), so FxHash is safe.
    dialogs: FxHashMap<DialogKey, CallId>,
    /// What fingerprints the dialogs' Call-IDs and tags.
    keyer: DialogKeyer,
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

    /// Indexes the dialog of `call_id` and our `tag` as call `id`'s.
    pub fn add_dialog(&mut self, (call_id, tag): (&str, &str), id: CallId) {
        self.dialogs.insert(self.keyer.key(call_id, tag), id);
    }

    /// The call that owns the dialog of `call_id` and our `tag`.
    pub fn dialog_call(&self, call_id: &str, tag: &str) -> Option<CallId> {
        self.dialogs.get(&self.keyer.key(call_id, tag)).copied()
    }

    /// Drops the dialog of `call_id` and our `tag`.
    pub fn remove_dialog(&mut self, (call_id, tag): (&str, &str)) {
        self.dialogs.remove(&self.keyer.key(call_id, tag));
    }

    /// Gives memory back after a load peak.
    pub fn shrink(&mut self) {
        crate::collections::shrink_map(&mut self.dialogs);
        crate::collections::shrink_map(&mut self.txs);
    }
}
