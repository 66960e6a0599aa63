//! Generic containers the sans-IO cores share: a lazy deadline heap, and
//! giving a map's memory back after a load peak. Nothing SIP here.

mod deadline_heap;
mod ring;
mod shrink;

pub use deadline_heap::DeadlineHeap;
pub use shrink::shrink_map;
