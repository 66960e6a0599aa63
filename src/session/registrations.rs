//! The UA core's registrations to trunks (`registration`): started with
//! the first timer, their REGISTER transactions' events routed back to
//! them, refreshed and retried as their timers fall due, removed on drain.
//! They live on signalling shard 0, their Call-IDs chosen to hash there.

use super::UserAgent;
use super::registration::{Registration, RegistrationConfig, RegistrationState};
use crate::ids::TxId;
use crate::locate::Located;
use crate::sip::IncomingResponse;
use std::time::Instant;

/// Every registration of one UA core.
#[derive(Debug, Default)]
pub(crate) struct Registrations {
    list: Vec<Registration>,
    /// Counts changes of any registration's state (for publishing).
    version: u64,
}

impl Registrations {
    /// Runs `f` on each registration (those `tx` is for only, when
    /// given), counting state changes; whether any ran.
    fn each(&mut self, tx: Option<TxId>, mut f: impl FnMut(&mut Registration)) -> bool {
        let mut ran = false;
        for r in self.list.iter_mut().filter(|r| tx.is_none() || r.tx() == tx) {
            let before = r.state();
            f(r);
            self.version += u64::from(r.state() != before);
            ran = true;
        }
        ran
    }

    /// When one of them next needs time (now, for those not started).
    pub fn next(&self) -> Option<Instant> {
        self.list.iter().filter_map(Registration::next_at).min()
    }
}

impl UserAgent {
    /// Sets up the configured registrations (sent at the first timeout).
    pub(super) fn add_registrations(&mut self, cfgs: Vec<RegistrationConfig>, now: Instant) {
        for cfg in cfgs {
            let call_id = self.ctx.new_call_id();
            let tag = self.ctx.token();
            let aor = cfg.aor.clone();
            match Registration::new(cfg, call_id, tag, now, self.registrations.list.len()) {
                Some(r) => self.registrations.list.push(r),
                None => tracing::warn!(%aor, "registration skipped: its registrar is no SIP URI"),
            }
        }
    }

    /// A response to a REGISTER of ours; false when it is not one.
    pub(super) fn registration_response(&mut self, now: Instant, tx: TxId, resp: &IncomingResponse) -> bool {
        let ctx = &mut self.ctx;
        self.registrations.each(Some(tx), |r| r.handle_response(ctx, now, resp))
    }

    /// A REGISTER of ours got no answer; false when `tx` is not one.
    pub(super) fn registration_timeout(&mut self, now: Instant, tx: TxId) -> bool {
        let ctx = &mut self.ctx;
        self.registrations.each(Some(tx), |r| r.handle_tx_timeout(ctx, now))
    }

    /// Registration `i`'s registrar located (or not).
    pub(super) fn registration_located(&mut self, now: Instant, i: usize, found: Located) {
        let Some(r) = self.registrations.list.get_mut(i) else {
            return;
        };
        let before = r.state();
        r.located(&mut self.ctx, now, found);
        self.registrations.version += u64::from(r.state() != before);
    }

    /// Sends what refreshes and retries are due.
    pub(super) fn registration_timers(&mut self, now: Instant) {
        let ctx = &mut self.ctx;
        self.registrations.each(None, |r| r.handle_timeout(ctx, now));
    }

    /// Removes every binding of ours (drain).
    pub fn stop_registrations(&mut self, now: Instant) {
        let ctx = &mut self.ctx;
        self.registrations.each(None, |r| r.stop(ctx, now));
        self.drain(now);
    }

    /// Counts changes of the registrations' states.
    pub fn registrations_version(&self) -> u64 {
        self.registrations.version
    }

    /// Each registration's address-of-record and state.
    pub fn registrations(&self) -> Vec<(String, RegistrationState)> {
        let list = &self.registrations.list;
        list.iter().map(|r| (r.config().aor.clone(), r.state())).collect()
    }
}
