//! Audio codecs: G.711 μ-law and A-law.

pub mod g711;
