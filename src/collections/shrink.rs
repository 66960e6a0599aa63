//! Giving a table's memory back after a load peak.

/// Gives a map's memory back after a load peak: once it holds less than a
/// quarter of its capacity, it is cut to twice its size, so memory follows
/// the load down and a steady load does not thrash.
pub fn shrink_map<K: Eq + std::hash::Hash, V, S: std::hash::BuildHasher>(m: &mut std::collections::HashMap<K, V, S>) {
    if m.capacity() > 4096 && m.len() * 4 < m.capacity() {
        m.shrink_to(m.len() * 2);
    }
}
