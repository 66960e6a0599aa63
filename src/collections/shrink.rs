//! Giving a table's memory back after a load peak.

/// A map whose memory can be cut back: std's and griddle's.
pub trait Shrink {
    /// Entries held.
    fn held(&self) -> usize;
    /// Entries it has room for.
    fn room(&self) -> usize;
    /// Cuts its room to at least `n`.
    fn cut_to(&mut self, n: usize);
}

/// Both maps spell it the same way.
macro_rules! shrink_for {
    ($($map:ident)::+) => {
        impl<K: Eq + std::hash::Hash, V, S: std::hash::BuildHasher> Shrink for $($map)::+<K, V, S> {
            fn held(&self) -> usize {
                self.len()
            }
            fn room(&self) -> usize {
                self.capacity()
            }
            fn cut_to(&mut self, n: usize) {
                self.shrink_to(n);
            }
        }
    };
}

shrink_for!(std::collections::HashMap);
shrink_for!(griddle::HashMap);

/// Gives a map's memory back after a load peak: once it holds less than a
/// quarter of its capacity, it is cut to twice its size, so memory follows
/// the load down and a steady load does not thrash.
pub fn shrink_map(m: &mut impl Shrink) {
    if m.room() > 4096 && m.held() * 4 < m.room() {
        m.cut_to(m.held() * 2);
    }
}
