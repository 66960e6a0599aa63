//! Generic containers the sans-IO cores share: a lazy deadline heap,
//! giving a map's memory back after a load peak, a table of slots that
//! grows by chunks, and a rarely used part kept in one word. Nothing SIP here.

mod chunked;
mod deadline_heap;
mod rare;
mod ring;
mod shrink;

pub use chunked::Chunked;
pub use deadline_heap::DeadlineHeap;
pub use rare::{Empty, Rare};
pub use shrink::shrink_map;
