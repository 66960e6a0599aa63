//! The media timeout sweep: calls whose legs have received no RTP for
//! `WorkerConfig::timeout` are reported, once each.

use super::Worker;
use crate::media::MediaEvent;

impl Worker {
    pub(super) fn check_timeouts(&mut self) {
        let now = self.now_us();
        let limit = self.cfg.timeout.as_micros() as u64;
        let mut expired = Vec::new();
        for call in self.calls.iter_mut().flatten() {
            if call.relay.check_timeout(now, limit) {
                expired.push(call.id);
            }
        }
        for call in expired {
            self.emit(MediaEvent::Timeout { call });
        }
    }
}
