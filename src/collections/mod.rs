//! Generic containers the sans-IO cores share: a lazy deadline heap,
//! giving a map's memory back after a load peak, and a table of slots
//! that grows by chunks. Nothing SIP here.

mod chunked;
mod deadline_heap;
mod ring;
mod shrink;

pub use chunked::Chunked;
pub use deadline_heap::DeadlineHeap;
pub use shrink::shrink_map;
