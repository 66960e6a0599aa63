//! Call detail records: one JSON line per call appended to `cdr.file`,
//! buffered and flushed once a second and on exit.

use rvoip::api::CallRecord;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};

/// `[cdr]`: where the records go.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CdrCfg {
    pub file: String,
}

/// The CDR file, or nothing when `cdr.file` is empty.
pub struct Cdrs(Option<BufWriter<File>>);

impl Cdrs {
    /// Opens `path` for appending (the error names the key).
    pub fn open(path: &str) -> Result<Cdrs, String> {
        if path.is_empty() {
            return Ok(Cdrs(None));
        }
        let f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cdr.file: cannot open {path}: {e}"))?;
        Ok(Cdrs(Some(BufWriter::new(f))))
    }

    /// Appends one record.
    pub fn write(&mut self, r: &CallRecord) {
        if let Some(w) = self.0.as_mut()
            && serde_json::to_writer(&mut *w, r).is_ok()
        {
            let _ = w.write_all(b"\n");
        }
    }

    /// Pushes buffered lines to the file.
    pub fn flush(&mut self) {
        if let Some(w) = self.0.as_mut()
            && let Err(e) = w.flush()
        {
            tracing::warn!(%e, "cannot write CDRs");
        }
    }
}
