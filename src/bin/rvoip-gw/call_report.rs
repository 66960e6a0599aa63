//! What `rvoip-gw call` prints at the end: calls, setup times, statuses.

use crate::call::Tally;
use hdrhistogram::Histogram;

impl Tally {
    /// Prints the run's figures; an error when any call failed.
    pub fn print(&self, elapsed: f64, setup: &Histogram<u64>) -> Result<(), String> {
        let ms = |q: f64| setup.value_at_quantile(q) as f64 / 1000.0;
        println!("attempted  {}", self.launched);
        println!("answered   {}", self.answered);
        println!("failed     {}", self.failed);
        println!(
            "setup_ms   p50={:.2} p99={:.2} max={:.2}",
            ms(0.5),
            ms(0.99),
            setup.max() as f64 / 1000.0
        );
        println!(
            "elapsed_s  {elapsed:.2} ({:.1} calls/s)",
            self.launched as f64 / elapsed
        );
        for (status, n) in &self.statuses {
            let what = if *status == 0 {
                "timeout".to_string()
            } else {
                status.to_string()
            };
            println!("status     {what} x{n}");
        }
        if self.failed > 0 {
            Err(format!("{} of {} calls failed", self.failed, self.launched))
        } else {
            Ok(())
        }
    }
}
