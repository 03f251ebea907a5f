//! `warden.authz.v1.AuthzService`: roles copied into sessions (`enrichment`),
//! the relationship schema language (`schema`), check evaluation on an
//! in-memory index (`engine`), the replica that keeps the index current
//! (`replica`), and the service itself (`service`).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::{mpsc, watch};

use crate::events::{Delivery, Event};
use crate::store::sql::SqlStore;
use crate::store::unix_ms;

pub mod engine;
pub mod enrichment;
pub mod replica;
pub mod schema;
pub mod service;

/// How often a replica polls the store for writes whose event it missed.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// How often expired relationships and old change-log entries are collected.
const GC_INTERVAL: Duration = Duration::from_secs(60);
/// How long change-log entries are kept for replicas that fall behind.
const CHANGE_LOG_RETENTION: Duration = Duration::from_secs(3600);

/// Keeps `replica` current until shutdown: catches up on every
/// `RelationshipsChanged` from another server and every [`POLL_INTERVAL`],
/// and collects expired relationships.
pub async fn keep_current(
    replica: Arc<replica::Replica>,
    store: SqlStore,
    mut changes: mpsc::UnboundedReceiver<Delivery>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut poll = tokio::time::interval(POLL_INTERVAL);
    let mut gc = tokio::time::interval_at(tokio::time::Instant::now() + GC_INTERVAL, GC_INTERVAL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            delivery = changes.recv() => {
                let Some(delivery) = delivery else { return };
                if let Event::RelationshipsChanged(e) = &delivery.event {
                    let newer = e.revision.parse::<i64>().map_or(true, |r| r > replica.revision());
                    if newer {
                        if let Err(e) = replica.catch_up().await {
                            tracing::warn!(error = %e, "replica catch-up failed; the poll retries");
                        }
                    }
                }
                delivery.ack().await;
            }
            _ = poll.tick() => {
                if let Err(e) = replica.catch_up().await {
                    tracing::warn!(error = %e, "replica poll failed");
                }
            }
            _ = gc.tick() => {
                let now = unix_ms(SystemTime::now());
                let pruned = replica.prune_expired().await;
                let collected = store.collect_expired(now - GC_INTERVAL.as_millis() as i64).await;
                let retention = CHANGE_LOG_RETENTION.as_millis() as i64;
                let trimmed = store.prune_changes(now - retention).await;
                tracing::debug!(pruned, ?collected, ?trimmed, "authorization garbage collection");
            }
            _ = stopped(&mut shutdown) => return,
        }
    }
}

async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// Runs `f`, which may take a while, without holding up the tasks queued on
/// this runtime worker (they move to another); on a single-threaded runtime
/// (tests) it just runs.
pub(crate) fn off_the_runtime<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}
