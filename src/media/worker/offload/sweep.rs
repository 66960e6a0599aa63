//! The worker's side of the fast path: installing on the check, taking
//! back before a command.

use super::KernelOffload;
use crate::media::kernel::ForwardMap;
use crate::media::worker::Worker;
use crate::media::{MediaCommand, Side};
use std::net::SocketAddr;

impl Worker {
    /// Offloads this worker's plain relay to the kernel through `map`.
    pub fn set_offload(&mut self, map: ForwardMap) {
        self.offload = Some(Box::new(KernelOffload::new(map)));
    }

    /// On each check: what the kernel forwarded (the call is not silent,
    /// its latched peers are live), and the directions that became plain
    /// relay installed (not while the call is captured or has digits to
    /// send).
    pub(in crate::media::worker) fn offload_sweep(&mut self) {
        let now = self.now_us();
        let Worker {
            offload: Some(off),
            calls,
            dtmf_slots,
            counters,
            ..
        } = self
        else {
            return;
        };
        for (slot, call) in calls.iter_mut().enumerate() {
            let Some(call) = call else { continue };
            let busy = call.capture.is_some() || dtmf_slots.contains(&slot);
            for side in [Side::A, Side::B] {
                match off.poll(call.id, side, counters) {
                    Some(0) => {}
                    Some(_) => call.relay.heard_in_kernel(side, now),
                    None if !busy => {
                        let (Some(plan), [Some(a), Some(b)]) = (call.relay.kernel_plan(side), &call.sockets) else {
                            continue;
                        };
                        let (inl, outl) = if side == Side::A { (a, b) } else { (b, a) };
                        let (local, from) = (SocketAddr::new(inl.ip, inl.port), SocketAddr::new(outl.ip, outl.port));
                        off.install(call.id, side, local, from, plan);
                    }
                    None => {}
                }
            }
        }
    }

    /// Before `cmd` changes its call (a re-INVITE, hold, capture, digits,
    /// hangup): the call's directions come back from the kernel, so the
    /// change and the call's final counters see what it forwarded.
    pub(in crate::media::worker) fn reclaim_for(&mut self, cmd: &MediaCommand) {
        if matches!(cmd, MediaCommand::AddCall { .. } | MediaCommand::AddAudioCall { .. }) {
            return;
        }
        let now = self.now_us();
        let slot = self.index.get(&cmd.call()).copied();
        let Worker {
            offload: Some(off),
            calls,
            counters,
            ..
        } = self
        else {
            return;
        };
        if let Some(call) = slot.and_then(|s| calls[s].as_mut()) {
            off.reclaim(call.id, &mut call.relay, now, counters);
        }
    }
}
