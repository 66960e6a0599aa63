//! The kernel fast path's part of the page (`media.kernel = "auto"`,
//! feature `kernel-fastpath`): what the TC program did with the UDP
//! packets it saw, forwarded or passed up to the workers by cause. Absent
//! when the fast path does not run.

use super::{Metrics, put};

impl Metrics {
    pub(super) fn render_kernel_path(&self, out: &mut String) {
        let Some(n) = self.media.kernel_counts() else {
            return;
        };
        let rows = [
            ("{outcome=\"forwarded\"}", n.forwarded),
            ("{outcome=\"not_ours\"}", n.not_ours),
            ("{outcome=\"stranger\"}", n.stranger),
            ("{outcome=\"not_rtp\"}", n.not_rtp),
            ("{outcome=\"other_ssrc\"}", n.other_ssrc),
            ("{outcome=\"ip_unusual\"}", n.ip_unusual),
            ("{outcome=\"no_route\"}", n.no_route),
        ];
        put(
            out,
            "rvoip_rtp_kernel_path_total",
            "counter",
            "UDP packets the kernel fast path forwarded, or passed up to the media workers by cause",
            &rows,
        );
    }
}
