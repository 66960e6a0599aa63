//! How the UA core finds a dialog: Call-ID and our tag (RFC 3261 §12).
//! Our tag alone tells our dialogs apart; the remote tag (which forks of
//! one INVITE differ in) is kept on the dialog.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

/// Call-ID and local tag of one of our dialogs, in one buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogKey {
    /// Call-ID then our tag.
    text: Box<str>,
    /// Where our tag starts.
    split: usize,
}

impl DialogKey {
    /// The key of the dialog with `call_id` and our tag `local_tag`.
    pub fn new(call_id: &str, local_tag: &str) -> Self {
        let mut text = String::with_capacity(call_id.len() + local_tag.len());
        text.push_str(call_id);
        text.push_str(local_tag);
        DialogKey {
            text: text.into_boxed_str(),
            split: call_id.len(),
        }
    }
}

impl super::Dialog {
    /// The key the UA core finds this dialog by.
    pub fn key(&self) -> DialogKey {
        DialogKey::new(self.call_id(), self.local_tag())
    }

    /// [`key`](Self::key)'s Call-ID and our tag, borrowed.
    pub fn key_parts(&self) -> (&str, &str) {
        (self.call_id(), self.local_tag())
    }
}

/// A dialog key's two parts, owned ([`DialogKey`]) or borrowed from a
/// message (`(call_id, tag)`): a table keyed by `DialogKey` is searched
/// with the borrowed form, without copying either string.
pub trait KeyParts {
    /// Call-ID and our tag.
    fn parts(&self) -> (&str, &str);
}

impl KeyParts for DialogKey {
    fn parts(&self) -> (&str, &str) {
        self.text.split_at(self.split)
    }
}

impl KeyParts for (&str, &str) {
    fn parts(&self) -> (&str, &str) {
        *self
    }
}

impl<'a> Borrow<dyn KeyParts + 'a> for DialogKey {
    fn borrow(&self) -> &(dyn KeyParts + 'a) {
        self
    }
}

/// Hashed as its parts, as the borrowed form is (the table needs both
/// to agree).
impl Hash for DialogKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parts().hash(state);
    }
}

impl Hash for dyn KeyParts + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parts().hash(state);
    }
}

impl PartialEq for dyn KeyParts + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyParts + '_ {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn a_table_of_keys_is_searched_with_borrowed_parts() {
        let mut t = HashMap::new();
        t.insert(DialogKey::new("c1@host", "tagA"), 1);
        t.insert(DialogKey::new("c1@host", "tagB"), 2);
        let find = |c: &str, tag: &str| t.get(&(c, tag) as &dyn KeyParts).copied();
        assert_eq!(find("c1@host", "tagA"), Some(1));
        assert_eq!(find("c1@host", "tagB"), Some(2));
        assert_eq!(find("c1@hostt", "agA"), None);
        assert_eq!(find("c1@host", "tagC"), None);
    }
}
