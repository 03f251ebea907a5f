//! This server's replica of the relationships: the schema and an in-memory
//! index at a known revision, loaded at start and kept current from the
//! store's change log. Its own writes are applied before the write returns;
//! other servers' writes arrive by `RelationshipsChanged` events, with a
//! periodic poll of the store as a safety net.

use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::{Duration, SystemTime};

use tokio::sync::{watch, Mutex};

use super::engine::Index;
use super::schema::{parse, Schema};
use crate::error::Error;
use crate::store::relationships::Change;
use crate::store::sql::SqlStore;
use crate::store::unix_ms;

/// Revisions of the change log applied per store read.
const CATCH_UP_BATCH: i64 = 1_000;
/// How long `at_least_as_fresh` waits for a revision this replica has not applied.
pub const FRESHNESS_WAIT: Duration = Duration::from_secs(2);

/// The schema and relationships at one revision.
pub struct State {
    /// The revision applied.
    pub revision: i64,
    /// The schema text as written.
    pub schema_text: String,
    /// The parsed schema.
    pub schema: Schema,
    /// The relationships.
    pub index: Index,
}

/// The replica: readers take [`Replica::read`]; catch-ups apply changes in
/// revision order under a short write lock.
pub struct Replica {
    store: SqlStore,
    state: RwLock<State>,
    catching_up: Mutex<()>,
    applied: watch::Sender<i64>,
}

fn parse_stored(text: &str) -> Schema {
    // Only validated schemas are stored; an unreadable one (written by a
    // newer version) leaves the replica without definitions, which denies.
    parse(text).unwrap_or_else(|e| {
        tracing::error!(error = %e, "stored authorization schema does not parse");
        Schema::default()
    })
}

impl Replica {
    /// Loads the schema and every relationship, then applies what was
    /// written meanwhile.
    pub async fn load(store: SqlStore) -> Result<Arc<Self>, Error> {
        let state = Self::snapshot(&store).await?;
        let revision = state.revision;
        let replica = Arc::new(Self {
            store,
            state: RwLock::new(state),
            catching_up: Mutex::new(()),
            applied: watch::channel(revision).0,
        });
        replica.catch_up().await?;
        Ok(replica)
    }

    async fn snapshot(store: &SqlStore) -> Result<State, Error> {
        let started = std::time::Instant::now();
        // The revision first: a write committed during the scan is applied
        // again from the log, and applying a change twice changes nothing.
        let (revision, schema_text) = store.authz_head().await?;
        let mut index = Index::default();
        store
            .each_relationship(|tuple, expires| index.insert(tuple, expires))
            .await?;
        tracing::info!(
            revision,
            relationships = index.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "authorization data loaded"
        );
        let schema = parse_stored(&schema_text);
        index.set_schema(&schema);
        Ok(State {
            revision,
            schema,
            schema_text,
            index,
        })
    }

    /// Reads the current state (hold the guard briefly: writers wait for it).
    pub fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The revision applied.
    pub fn revision(&self) -> i64 {
        *self.applied.borrow()
    }

    /// Applies every change committed after the applied revision; returns the
    /// revision reached. Reloads everything if the log no longer reaches back.
    pub async fn catch_up(&self) -> Result<i64, Error> {
        let _one_at_a_time = self.catching_up.lock().await;
        loop {
            let from = self.revision();
            let (changes, oldest) = self.store.changes_since(from, CATCH_UP_BATCH).await?;
            if oldest.is_some_and(|oldest| oldest > from + 1) {
                let (head, _) = self.store.authz_head().await?;
                if head > from {
                    tracing::warn!(
                        from,
                        oldest,
                        "replica fell behind the change log; reloading"
                    );
                    let state = Self::snapshot(&self.store).await?;
                    let revision = state.revision;
                    *self.state.write().unwrap_or_else(|e| e.into_inner()) = state;
                    self.applied.send_replace(revision);
                    continue;
                }
            }
            let Some(&(last, _)) = changes.last() else {
                return Ok(from);
            };
            self.apply(changes, last);
            if last - from < CATCH_UP_BATCH {
                return Ok(last);
            }
        }
    }

    fn apply(&self, changes: Vec<(i64, Change)>, last: i64) {
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        for (revision, change) in changes {
            if revision <= state.revision {
                continue;
            }
            match change {
                Change::Upsert(tuple, expires) => state.index.insert(tuple, expires),
                Change::Delete(tuple) => {
                    state.index.remove(&tuple);
                }
                Change::Schema(text) => {
                    state.schema = parse_stored(&text);
                    let State { schema, index, .. } = &mut *state;
                    index.set_schema(schema);
                    state.schema_text = text;
                }
                Change::Nothing => {}
            }
        }
        state.revision = state.revision.max(last);
        let revision = state.revision;
        drop(state);
        self.applied.send_replace(revision);
    }

    /// Waits until the replica has applied `revision`: catches up from the
    /// store, then waits (bounded) for it. `false` when it did not get there.
    pub async fn wait_for(&self, revision: i64) -> Result<bool, Error> {
        if self.revision() >= revision {
            return Ok(true);
        }
        let deadline = tokio::time::Instant::now() + FRESHNESS_WAIT;
        loop {
            if self.catch_up().await? >= revision {
                return Ok(true);
            }
            let mut applied = self.applied.subscribe();
            let step = deadline.min(tokio::time::Instant::now() + Duration::from_millis(50));
            let reached = tokio::time::timeout_at(step, async move {
                applied.wait_for(|r| *r >= revision).await.is_ok()
            })
            .await;
            if reached == Ok(true) {
                return Ok(true);
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(false);
            }
        }
    }

    /// Drops expired relationships from the index (they already count as absent).
    pub fn prune_expired(&self) -> usize {
        let now = unix_ms(SystemTime::now());
        self.state
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .index
            .prune_expired(now)
    }
}
