//! `rvoip-gw call --pcap DIR`: each call's RTP and RTCP, both ways, as on
//! the wire, written to DIR/call-N.pcap (the API's `capture_call`), and a
//! line at the end saying how many packets went into how many files.

use rvoip::api::{CallId, Capture, SipUa};
use std::path::PathBuf;

/// The calls' captures.
pub struct Pcaps {
    dir: PathBuf,
    running: Vec<Capture>,
}

impl Pcaps {
    /// `None` without --pcap; the directory is made.
    pub fn new(dir: Option<&PathBuf>) -> Result<Option<Pcaps>, String> {
        let Some(dir) = dir else { return Ok(None) };
        std::fs::create_dir_all(dir).map_err(|e| format!("--pcap {}: {e}", dir.display()))?;
        Ok(Some(Pcaps {
            dir: dir.clone(),
            running: Vec::new(),
        }))
    }

    /// Captures call `id` (the next call-N.pcap).
    pub fn start(&mut self, client: &SipUa, id: CallId) -> Result<(), String> {
        let path = self.dir.join(format!("call-{}.pcap", self.running.len() + 1));
        let capture = client.capture_call(id, &path).map_err(|e| e.to_string())?;
        self.running.push(capture);
        Ok(())
    }

    /// Waits for every capture to be written; prints the totals.
    pub async fn report(self) {
        let (files, mut packets, mut dropped) = (self.running.len(), 0, 0);
        for c in self.running {
            match c.finished().await {
                Ok(got) => (packets, dropped) = (packets + got.packets, dropped + got.dropped),
                Err(e) => eprintln!("pcap: {e}"),
            }
        }
        eprintln!(
            "pcap: {files} files, {packets} packets, {dropped} dropped, in {}",
            self.dir.display()
        );
    }
}
