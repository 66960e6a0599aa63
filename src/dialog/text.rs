//! A dialog's fixed strings in one buffer: Call-ID, our tag, their tag,
//! our From/To value and theirs never change once the dialog is formed,
//! so they take one allocation (and one heap block per held dialog)
//! instead of five.

/// The five fixed strings of a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DialogText {
    buf: Box<str>,
    /// Where each part but the last ends in `buf` (the last ends with it).
    ends: [u32; 4],
}

/// Which part.
#[derive(Debug, Clone, Copy)]
pub(super) enum Part {
    CallId = 0,
    LocalTag = 1,
    RemoteTag = 2,
    Local = 3,
    Remote = 4,
}

impl DialogText {
    /// The text of parts given as pieces, in [`Part`] order (each part the
    /// concatenation of its pieces).
    pub fn new(parts: [&[&str]; 5]) -> Self {
        let len = parts.iter().flat_map(|p| p.iter()).map(|s| s.len()).sum();
        let mut buf = String::with_capacity(len);
        let mut ends = [0u32; 4];
        for (i, pieces) in parts.iter().enumerate() {
            for piece in *pieces {
                buf.push_str(piece);
            }
            if let Some(end) = ends.get_mut(i) {
                *end = buf.len() as u32;
            }
        }
        DialogText {
            buf: buf.into_boxed_str(),
            ends,
        }
    }

    /// Part `p`.
    pub fn get(&self, p: Part) -> &str {
        let i = p as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends.get(i).map_or(self.buf.len(), |&e| e as usize);
        &self.buf[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_come_back_as_given() {
        let t = DialogText::new([
            &["c@h"],
            &["ours"],
            &[""],
            &["<sip:a@h>", ";tag=", "ours"],
            &["<sip:b@h>;tag=x"],
        ]);
        assert_eq!(t.get(Part::CallId), "c@h");
        assert_eq!(t.get(Part::LocalTag), "ours");
        assert_eq!(t.get(Part::RemoteTag), "");
        assert_eq!(t.get(Part::Local), "<sip:a@h>;tag=ours");
        assert_eq!(t.get(Part::Remote), "<sip:b@h>;tag=x");
    }
}
