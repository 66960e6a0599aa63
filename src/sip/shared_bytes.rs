//! A message's wire bytes in one allocation that holds its reference count
//! too. A transaction keeps what it sends (to retransmit it) and the send
//! queue holds another reference: `Bytes::from(Vec)` pays a second
//! allocation for the count, at once or at the first clone. Here the
//! bytes are copied into a fixed buffer inside the counted box
//! (`Bytes::from_owner`), sized so that box fills an allocator size
//! class; a message too long for the largest goes the usual way.

use bytes::Bytes;

/// A buffer of `N` bytes, `len` of them used.
struct Inline<const N: usize> {
    len: usize,
    buf: [u8; N],
}

impl<const N: usize> AsRef<[u8]> for Inline<N> {
    fn as_ref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// `data` in a box of `N` bytes, with its count.
fn inline<const N: usize>(data: &[u8]) -> Bytes {
    let mut owner = Inline {
        len: data.len(),
        buf: [0; N],
    };
    owner.buf[..data.len()].copy_from_slice(data);
    Bytes::from_owner(owner)
}

/// The box's header (count, drop function) and `len`: 24 bytes, so each
/// capacity below is a size class (256, 384, ... 2048 bytes) less that.
const HEADER: usize = 24;

/// A copy into a box of one size class.
type Copy = fn(&[u8]) -> Bytes;

/// The size classes, each with the copy that fills it.
const CLASSES: [(usize, Copy); 10] = [
    (256, inline::<{ 256 - HEADER }>),
    (384, inline::<{ 384 - HEADER }>),
    (512, inline::<{ 512 - HEADER }>),
    (640, inline::<{ 640 - HEADER }>),
    (768, inline::<{ 768 - HEADER }>),
    (896, inline::<{ 896 - HEADER }>),
    (1024, inline::<{ 1024 - HEADER }>),
    (1280, inline::<{ 1280 - HEADER }>),
    (1536, inline::<{ 1536 - HEADER }>),
    (2048, inline::<{ 2048 - HEADER }>),
];

/// `data` as shared `Bytes` whose clones cost no allocation.
pub fn shared(data: &[u8]) -> Bytes {
    match CLASSES.iter().find(|(class, _)| data.len() + HEADER <= *class) {
        Some((_, copy)) => copy(data),
        None => Bytes::from(data.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_the_bytes_given_at_every_size() {
        for len in [0, 1, 231, 232, 233, 1000, 2024, 2025, 5000] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let b = shared(&data);
            let copy = b.clone();
            assert_eq!(&b[..], &data[..], "{len}");
            drop(b);
            assert_eq!(&copy[..], &data[..], "{len}: a clone outlives the first");
        }
    }

    #[test]
    fn the_box_fills_its_class() {
        // from_owner's box is (count, drop fn) then the owner.
        assert_eq!(size_of::<Inline<{ 256 - HEADER }>>() + 16, 256);
        assert_eq!(size_of::<Inline<{ 2048 - HEADER }>>() + 16, 2048);
    }
}
