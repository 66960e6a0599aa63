//! A part most values never use, in one word: nothing until it is first
//! written, then boxed. Read through `Deref` (an empty part reads as its
//! [`Empty::EMPTY`]); written through [`Rare::make`], which boxes it, or
//! [`Rare::existing`], which does not.

use std::ops::Deref;

/// A type whose unused value can be read from a constant.
pub trait Empty: 'static {
    /// The value of a part never written.
    const EMPTY: &'static Self;
}

/// A rarely used part: `None` until first written.
#[derive(Debug, Clone)]
pub struct Rare<T>(Option<Box<T>>);

impl<T> Default for Rare<T> {
    fn default() -> Self {
        Rare(None)
    }
}

impl<T: Empty> Deref for Rare<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0.as_deref().unwrap_or(T::EMPTY)
    }
}

impl<T: Empty + Default> Rare<T> {
    /// The part, to write, boxed now if it was not.
    pub fn make(&mut self) -> &mut T {
        self.0.get_or_insert_with(Box::default)
    }
}

impl<T> Rare<T> {
    /// The part `value`, boxed.
    pub fn of(value: T) -> Self {
        Rare(Some(Box::new(value)))
    }

    /// The part, to write, if it was ever written.
    pub fn existing(&mut self) -> Option<&mut T> {
        self.0.as_deref_mut()
    }

    /// Back to unused, its box freed.
    pub fn clear(&mut self) {
        self.0 = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Part {
        n: u32,
        v: thin_vec::ThinVec<u8>,
    }

    impl Empty for Part {
        const EMPTY: &'static Self = &Part {
            n: 0,
            v: thin_vec::ThinVec::new(),
        };
    }

    #[test]
    fn reads_empty_until_written_and_boxes_only_on_make() {
        let mut r: Rare<Part> = Rare::default();
        assert_eq!(std::mem::size_of_val(&r), std::mem::size_of::<usize>());
        assert_eq!(r.n, 0);
        assert!(r.existing().is_none(), "reading boxed nothing");
        r.make().n = 7;
        r.make().v.push(1);
        assert_eq!((r.n, &r.v[..]), (7, &[1u8][..]));
        r.existing().unwrap().n = 8;
        assert_eq!(r.n, 8);
        r.clear();
        assert_eq!(*r, Part::default());
    }
}
