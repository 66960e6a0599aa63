//! The node's heartbeat: its id claimed at start (a second process with
//! a live node's id refuses to start), then rewritten every beat with a
//! time to live of three beats, the node listed among the cluster's, and
//! its calls' hash kept alive well past the heartbeat so that another
//! node can take them over.

use super::link::Link;
use super::{ClusterConfig, ClusterStats, Keys};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

/// The beating side of a node.
pub(crate) struct Heartbeat {
    pub link: Link,
    pub cfg: ClusterConfig,
    /// This process's token, so that another process under our id shows.
    pub token: String,
    pub stats: Arc<ClusterStats>,
    /// A beat has been written (a beat that finds none before it lapsed).
    beating: bool,
}

impl Heartbeat {
    /// The heartbeat of `cfg`'s node, this process `token`.
    pub fn new(link: Link, cfg: ClusterConfig, token: String, stats: Arc<ClusterStats>) -> Self {
        Heartbeat {
            link,
            cfg,
            token,
            stats,
            beating: false,
        }
    }

    /// Claims the node id: waits out a heartbeat left by an earlier run
    /// of this node (three beats at most); an id still beating after that
    /// belongs to a live node, and start-up stops naming the key. With
    /// Redis out of reach the node starts, unchecked, and says so. When
    /// an earlier run left calls, they are set aside under `<id>:prev`
    /// for the takeover (our new calls reuse their keys), listed among the
    /// nodes (no heartbeat: any node takes them over): that name.
    pub async fn claim_id(&mut self) -> Result<Option<String>, String> {
        let id = self.cfg.node_id.clone();
        let deadline = Instant::now() + self.cfg.node_ttl() + self.cfg.heartbeat;
        loop {
            let Some(c) = self.link.conn().await else {
                tracing::warn!("cluster: Redis not reached at start; node id {id:?} not checked");
                return Ok(None);
            };
            let r = redis::cmd("SET")
                .arg(Keys::node(&id))
                .arg(&self.token)
                .arg("NX")
                .arg("PX")
                .arg(self.cfg.node_ttl().as_millis() as u64)
                .query_async::<Option<String>>(c)
                .await;
            match self.link.note(r) {
                Some(Some(_)) => {
                    self.beating = true;
                    break;
                }
                Some(None) if Instant::now() < deadline => tokio::time::sleep(self.cfg.heartbeat / 2).await,
                Some(None) => {
                    return Err(format!(
                        "cluster.node_id: a node {id:?} is running (its heartbeat in Redis is live)"
                    ));
                }
                None => return Ok(None),
            }
        }
        // Named for this run, so that a crash loop loses no earlier run's.
        let prev = [id.as_str(), ":prev-", &self.token].concat();
        let Some(c) = self.link.conn().await else {
            return Ok(None);
        };
        // What others took of an earlier run's calls is no business of this
        // run's (its keys are the same numbers).
        let r = redis::cmd("DEL").arg(Keys::claimed(&id)).query_async::<()>(c).await;
        self.link.note(r);
        let Some(c) = self.link.conn().await else {
            return Ok(None);
        };
        let r = redis::cmd("RENAME")
            .arg(Keys::calls(&id))
            .arg(Keys::calls(&prev))
            .query_async::<()>(c)
            .await;
        // An error here is "no such key": no calls were left.
        if r.is_err() {
            return Ok(None);
        }
        let Some(c) = self.link.conn().await else {
            return Ok(Some(prev));
        };
        let mut pipe = redis::pipe();
        pipe.sadd(Keys::NODES, &prev).ignore();
        let r = pipe.query_async::<()>(c).await;
        self.link.note(r);
        Ok(Some(prev))
    }

    /// One beat.
    pub async fn beat(&mut self) {
        let id = &self.cfg.node_id;
        let mut pipe = redis::pipe();
        pipe.cmd("SET")
            .arg(Keys::node(id))
            .arg(&self.token)
            .arg("PX")
            .arg(self.cfg.node_ttl().as_millis() as u64)
            .arg("GET");
        pipe.sadd(Keys::NODES, id).ignore();
        pipe.pexpire(Keys::calls(id), self.cfg.calls_ttl().as_millis() as i64)
            .ignore();
        let r = match self.link.conn().await {
            Some(c) => pipe.query_async::<(Option<String>,)>(c).await,
            None => {
                self.stats.heartbeat_errors.fetch_add(1, Relaxed);
                return;
            }
        };
        match self.link.note(r) {
            Some((Some(old),)) if old != self.token => {
                tracing::error!("cluster: another process beats as node {id:?}: node ids must be unique");
            }
            Some((None,)) if self.beating => {
                // Others may have taken our calls over meanwhile: the writer
                // forgets those (`rvoip:claimed:<id>`) before it writes ours.
                tracing::error!("cluster: node {id:?}'s heartbeat had lapsed: other nodes may have taken its calls");
                self.stats.heartbeat_lapsed.fetch_add(1, Relaxed);
            }
            Some(_) => self.beating = true,
            None => _ = self.stats.heartbeat_errors.fetch_add(1, Relaxed),
        }
    }
}
