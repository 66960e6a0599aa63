//! How the UA core finds a dialog: Call-ID and our tag (RFC 3261 §12).
//! Our tag alone tells our dialogs apart; the remote tag (which forks of
//! one INVITE differ in) is kept on the dialog.

/// Call-ID and local tag of one of our dialogs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DialogKey {
    /// Call-ID.
    pub call_id: String,
    /// Our tag.
    pub local_tag: String,
}

impl DialogKey {
    /// The key of the dialog with `call_id` and our tag `local_tag`.
    pub fn new(call_id: &str, local_tag: &str) -> Self {
        DialogKey {
            call_id: call_id.to_owned(),
            local_tag: local_tag.to_owned(),
        }
    }
}
