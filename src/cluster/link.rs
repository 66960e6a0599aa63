//! The node's connection to Redis, made when first needed and again,
//! at most once a second, after Redis was lost; every answer sets
//! `redis_up`, and a failure is logged once per outage, not per call.

use super::ClusterStats;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

/// How long one Redis command may take before it counts as failed.
const RESPONSE: Duration = Duration::from_millis(1000);

/// A connection to the cluster's Redis.
pub(crate) struct Link {
    client: redis::Client,
    conn: Option<ConnectionManager>,
    next_try: Instant,
    /// Redis's loss has been logged since it was last reached.
    warned: bool,
    /// Since when every command has been answered.
    up_since: Option<Instant>,
    stats: Arc<ClusterStats>,
}

impl Link {
    /// A link to `url` (checked by `ClusterConfig::check`), not yet
    /// connected.
    pub fn new(url: &str, stats: Arc<ClusterStats>) -> redis::RedisResult<Self> {
        Ok(Link {
            client: redis::Client::open(url)?,
            conn: None,
            next_try: Instant::now(),
            warned: false,
            up_since: None,
            stats,
        })
    }

    /// The connection, made now if it is not and a second has passed
    /// since the last try; `None` while Redis cannot be reached.
    pub async fn conn(&mut self) -> Option<&mut ConnectionManager> {
        if self.conn.is_none() && Instant::now() >= self.next_try {
            self.next_try = Instant::now() + Duration::from_secs(1);
            let cfg = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(RESPONSE))
                .set_response_timeout(Some(RESPONSE))
                .set_number_of_retries(1)
                .set_max_delay(Duration::from_millis(500));
            let made = ConnectionManager::new_with_config(self.client.clone(), cfg);
            match tokio::time::timeout(RESPONSE * 2, made).await {
                Ok(Ok(c)) => self.conn = Some(c),
                Ok(Err(e)) => self.lost(&e.to_string()),
                Err(_) => self.lost("no connection in time"),
            }
        }
        self.conn.as_mut()
    }

    /// Notes how a command went: `Some` of its answer, or `None` (the
    /// failure counted by the caller, logged here when Redis was up).
    pub fn note<T>(&mut self, r: redis::RedisResult<T>) -> Option<T> {
        match r {
            Ok(v) => {
                if !self.stats.redis_up.swap(true, Relaxed) {
                    tracing::info!("cluster: Redis reached");
                }
                self.warned = false;
                self.up_since.get_or_insert_with(Instant::now);
                Some(v)
            }
            Err(e) => {
                self.lost(&e.to_string());
                None
            }
        }
    }

    /// How long every command has been answered (zero when the last
    /// failed).
    pub fn up_for(&self) -> Duration {
        self.up_since.map_or(Duration::ZERO, |t| t.elapsed())
    }

    fn lost(&mut self, why: &str) {
        self.up_since = None;
        self.stats.redis_up.store(false, Relaxed);
        if !std::mem::replace(&mut self.warned, true) {
            tracing::warn!("cluster: Redis not reached ({why}); calls go on without replication");
        }
    }
}
