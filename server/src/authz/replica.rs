//! This server's replica of the relationships: the schema and an in-memory
//! index at a known revision, loaded at start and kept current from the
//! store's change log. Its own writes are applied before the write returns;
//! other servers' writes arrive by `RelationshipsChanged` events, with a
//! periodic poll of the store as a safety net.
//!
//! Every change to the index goes through one writer at a time. A small one
//! is applied in place under the write lock; a large one (a broad delete,
//! a catch-up on another server's bulk writes, many expiries at once) is
//! applied to a copy made under the read lock, and the copy is swapped in:
//! checks go on meanwhile, and none ever sees half of a revision.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::{Duration, SystemTime};

use tokio::sync::{watch, Mutex};

use super::engine::{Expired, Index};
use super::off_the_runtime;
use super::schema::{self, Schema};
use crate::error::Error;
use crate::store::relationships::Change;
use crate::store::sql::SqlStore;
use crate::store::unix_ms;

/// Revisions of the change log applied per store read.
const CATCH_UP_BATCH: i64 = 1_000;
/// How long `at_least_as_fresh` waits for a revision this replica has not applied.
pub const FRESHNESS_WAIT: Duration = Duration::from_secs(2);
/// Changes applied in place, under the write lock that holds every check
/// (about 5 ms at 1,000,000 relationships); more are applied to a copy.
const IN_PLACE_MOST: usize = 4_096;

/// The schema and relationships at one revision.
#[derive(Clone)]
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
/// revision order under a short write lock, or beside it (see the module).
pub struct Replica {
    store: SqlStore,
    state: RwLock<State>,
    /// Held by whatever changes `state` (catching up, reloading, pruning):
    /// one at a time, so a copy made under the read lock is still current
    /// when it is swapped in, and a long read never has a writer queued
    /// behind it (which would hold every new reader too).
    writer: Mutex<()>,
    /// Catch-ups begun, and the number of the last one that succeeded (see
    /// [`Replica::catch_up`]).
    catch_ups_begun: AtomicU64,
    catch_up_done: AtomicU64,
    applied: watch::Sender<i64>,
    /// The thread freeing the state a large change replaced (see
    /// [`Replica::retire`]). Touched only by the holder of `writer`.
    retiring: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
}

/// Hands the pages glibc's allocator holds free back to the system. Its
/// per-thread arenas keep them otherwise: writing a schema of 60,000 small
/// definitions left the resident size 170 MB up for good, and each such
/// write added more (BENCHMARKS.md, "Writing a large schema").
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim takes a plain integer and only works on the
        // allocator's own free lists; it returns whether it released any.
        #[allow(unsafe_code)]
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

fn parse_stored(text: &str) -> Schema {
    // Only validated schemas are stored; an unreadable one (written by a
    // newer version) leaves the replica without definitions, which denies.
    let schema = schema::parse_stored(text).unwrap_or_else(|e| {
        tracing::error!(error = %e, "stored authorization schema does not parse");
        Schema::default()
    });
    if let Some(at) = schema.read_differently_before {
        tracing::warn!(
            line = at.line,
            column = at.column,
            "the stored authorization schema has `a - b & c` without parentheses: it reads \
             `a - (b & c)`, as in SpiceDB, and read `(a - b) & c` before 2026-11-30; write \
             the schema again with parentheses where the other reading was meant"
        );
    }
    schema
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
            writer: Mutex::new(()),
            catch_ups_begun: AtomicU64::new(0),
            catch_up_done: AtomicU64::new(0),
            applied: watch::channel(revision).0,
            retiring: std::sync::Mutex::new(None),
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

    /// Applies every change committed before this call (and maybe after);
    /// returns the revision reached. Reloads everything if the log no longer
    /// reaches back.
    ///
    /// Callers that wait while another catch-up runs share the next one: a
    /// catch-up that began after a call read the store after it began, so
    /// its result serves that call. Many `fully_consistent` checks at once
    /// then cost one read of the store between them, not one each in turn.
    pub async fn catch_up(&self) -> Result<i64, Error> {
        let ticket = self.catch_ups_begun.load(Ordering::SeqCst);
        let _writer = self.writer.lock().await;
        if self.catch_up_done.load(Ordering::SeqCst) > ticket {
            return Ok(self.revision());
        }
        let this = self.catch_ups_begun.fetch_add(1, Ordering::SeqCst) + 1;
        let reached = self.catch_up_now().await?;
        self.catch_up_done.store(this, Ordering::SeqCst);
        Ok(reached)
    }

    /// [`Replica::catch_up`]'s work; call holding `writer`.
    async fn catch_up_now(&self) -> Result<i64, Error> {
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
                    // As for a copy: the last replaced index is gone first.
                    off_the_runtime(|| self.wait_retired());
                    let state = Self::snapshot(&self.store).await?;
                    let revision = state.revision;
                    let previous = std::mem::replace(&mut *self.write(), state);
                    off_the_runtime(|| self.retire(previous));
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

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes `change` (of about `size` relationships) to the state: in place
    /// when small, else to a copy swapped in. Call holding `writer`.
    fn update(&self, size: usize, change: impl FnOnce(&mut State)) {
        if size <= IN_PLACE_MOST {
            change(&mut self.write());
            return;
        }
        off_the_runtime(|| {
            let started = std::time::Instant::now();
            // The index a change before this one replaced is gone first:
            // never more than two at once, this copy included.
            self.wait_retired();
            let mut next = self.read().clone();
            change(&mut next);
            let previous = std::mem::replace(&mut *self.write(), next);
            self.retire(previous);
            tracing::debug!(
                size,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "large change applied to a copy of the index"
            );
        });
    }

    /// Frees `previous`, a state just replaced, on a thread of its own:
    /// freeing the index of 1,000,000 relationships took 25-65 ms here, which
    /// the write that replaced it need not wait for. Call holding `writer`,
    /// off the runtime (it may wait for the last one).
    fn retire(&self, previous: State) {
        self.wait_retired();
        let freeing = std::thread::Builder::new()
            .name("warden-retire".into())
            .spawn(move || drop(previous));
        // Were no thread to be had, `spawn` has dropped `previous` here.
        match freeing {
            Ok(handle) => *self.retiring_slot() = Some(handle),
            Err(e) => tracing::warn!(error = %e, "no thread to free a replaced index on"),
        }
    }

    /// Waits until the state [`Replica::retire`] was last given is freed.
    fn wait_retired(&self) {
        let last = self.retiring_slot().take();
        if let Some(handle) = last {
            // The thread only drops; a panic there has nothing to hand on.
            let _ = handle.join();
        }
    }

    fn retiring_slot(&self) -> std::sync::MutexGuard<'_, Option<std::thread::JoinHandle<()>>> {
        self.retiring.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn apply(&self, changes: Vec<(i64, Change)>, last: i64) {
        // Schemas are parsed before the state is locked: a schema of
        // megabytes takes most of a second, which checks need not wait for.
        let mut schemas: HashMap<i64, Schema> = (changes.iter())
            .filter_map(|(revision, change)| match change {
                Change::Schema(text) => Some((*revision, parse_stored(text))),
                _ => None,
            })
            .collect();
        let new_schema = !schemas.is_empty();
        self.update(changes.len(), |state| {
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
                        state.schema =
                            (schemas.remove(&revision)).unwrap_or_else(|| parse_stored(&text));
                        let State { schema, index, .. } = &mut *state;
                        index.set_schema(schema);
                        state.schema_text = text;
                    }
                    Change::Nothing => {}
                }
            }
            state.revision = state.revision.max(last);
        });
        self.applied.send_replace(self.read().revision);
        if new_schema {
            // The schema replaced, and the parse's own working memory, were
            // many small allocations, freed now.
            release_freed_memory();
        }
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

    /// Drops expired relationships from the index (they already count as
    /// absent); returns how many. They are looked for under the read lock,
    /// off the runtime worker (a scan of the whole index).
    pub async fn prune_expired(&self) -> usize {
        let _writer = self.writer.lock().await;
        let now = unix_ms(SystemTime::now());
        off_the_runtime(|| {
            let expired: Expired = self.read().index.expired(now);
            if expired.is_empty() {
                return 0;
            }
            let mut pruned = 0;
            self.update(expired.len(), |state| {
                pruned = state.index.remove_expired(expired);
            });
            pruned
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::engine::Checker;
    use crate::store::relationships::{RelationshipFilter, Subject, Tuple, WriteOp};

    const SCHEMA: &str = "definition user {}
        definition document {
            relation viewer: user | user:*
            permission view = viewer
        }";

    fn viewer(d: usize, user: &str) -> Tuple {
        Tuple {
            resource_type: "document".into(),
            resource_id: format!("d{d}"),
            relation: "viewer".into(),
            subject: Subject::object("user", user),
        }
    }

    fn views(state: &State, d: usize, user: &str) -> bool {
        let subject = Subject::object("user", user);
        let checker = Checker::new(&state.index, unix_ms(SystemTime::now()));
        checker
            .check("document", &format!("d{d}"), "view", &subject)
            .unwrap()
    }

    /// A store on SQLite in a temporary directory (kept while it lives) with
    /// [`SCHEMA`], and a replica of it.
    async fn on_a_new_store() -> (tempfile::TempDir, SqlStore, Arc<Replica>) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqlStore::connect(None, dir.path()).await.unwrap();
        store
            .write_schema(SCHEMA, |_| true, 0)
            .await
            .unwrap()
            .unwrap();
        let replica = Replica::load(store.clone()).await.unwrap();
        (dir, store, replica)
    }

    /// Writes `updates` in one transaction; its revision.
    async fn write(store: &SqlStore, updates: Vec<(WriteOp, Tuple, Option<i64>)>, now: i64) -> i64 {
        let written = store.write_relationships(&updates, &[], SCHEMA, now).await;
        written.unwrap().unwrap()
    }

    /// Small changes are applied in place, large ones (a write, a delete,
    /// expiries) to a copy swapped in: either way the replica ends where a
    /// fresh load of the store starts, and its revision is the store's.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn large_changes_applied_to_a_copy_end_where_a_fresh_load_starts() {
        let (_dir, store, replica) = on_a_new_store().await;
        let large = 2 * IN_PLACE_MOST + 1_000;
        let now = unix_ms(SystemTime::now());
        let write = |updates| write(&store, updates, now);
        // In place: one small write.
        write(vec![(WriteOp::Touch, viewer(0, "alice"), None)]).await;
        // To a copy: every document public, half of them expiring soon.
        let public = (0..large).map(|d| {
            let expires = (d % 2 == 0).then_some(now + 300);
            (WriteOp::Touch, viewer(d, "*"), expires)
        });
        let revision = write(public.collect()).await;
        assert_eq!(replica.catch_up().await.unwrap(), revision);
        {
            let state = replica.read();
            assert_eq!(state.revision, revision);
            assert_eq!(state.index.len(), large + 1);
            assert!(views(&state, large - 1, "bob"), "public");
            assert!(!views(&state, large, "bob"), "no such document");
        }
        // Expiries, pruned beside the index too.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let expired = large.div_ceil(2);
        assert!(expired > IN_PLACE_MOST);
        assert_eq!(replica.prune_expired().await, expired);
        assert_eq!(replica.read().index.len(), large + 1 - expired);
        assert_eq!(replica.prune_expired().await, 0, "pruned once");
        assert!(!views(&replica.read(), 4, "bob"), "expired");
        assert!(views(&replica.read(), 3, "bob"));
        // A delete of every public document, to a copy.
        let public = RelationshipFilter {
            resource_type: "document".into(),
            subject_type: Some("user".into()),
            subject_id: Some("*".into()),
            ..Default::default()
        };
        let deleted = store
            .delete_relationships(&public, &[], None, now)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(replica.catch_up().await.unwrap(), deleted.revision);
        let fresh = Replica::load(store.clone()).await.unwrap();
        for state in [replica.read(), fresh.read()] {
            assert_eq!(state.revision, deleted.revision);
            assert_eq!(state.index.len(), 1);
            assert!(views(&state, 0, "alice"));
            assert!(!views(&state, 3, "bob"), "deleted");
        }
    }

    /// A replica whose next change is no longer in the log (pruned while it
    /// was behind) loads everything again and ends where the store is; twice
    /// in a row, so the second reload also waits out the first's freeing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_replica_behind_the_pruned_log_reloads_and_ends_where_the_store_is() {
        let (_dir, store, replica) = on_a_new_store().await;
        let now = unix_ms(SystemTime::now());
        let write = |updates| write(&store, updates, now);
        for (gone, stays) in [("alice", "bob"), ("bob", "carol")] {
            write(vec![(WriteOp::Touch, viewer(0, gone), None)]).await;
            write(vec![(WriteOp::Touch, viewer(1, stays), None)]).await;
            let head = write(vec![(WriteOp::Delete, viewer(0, gone), None)]).await;
            // Every change but the last one's is pruned: the replica's next
            // revision is no longer in the log.
            let pruned = store.prune_changes(now + 60_000).await.unwrap();
            assert!(pruned >= 2, "pruned {pruned}");
            assert_eq!(replica.catch_up().await.unwrap(), head);
            let state = replica.read();
            assert_eq!(state.revision, head);
            assert!(!views(&state, 0, gone), "deleted after it was written");
            assert!(views(&state, 1, stays));
        }
        assert_eq!(replica.read().index.len(), 2, "bob and carol on d1");
    }

    /// A revision that moves every viewer from one set of documents to
    /// another is seen whole or not at all by checks made while it is
    /// applied (to a copy, 5,000 changes each way), never half moved.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checks_during_a_large_change_see_it_whole_or_not_at_all() {
        let (_dir, store, replica) = on_a_new_store().await;
        let half = IN_PLACE_MOST / 2 + 500;
        let now = unix_ms(SystemTime::now());
        let write = |updates| write(&store, updates, now);
        let before = (0..half).map(|d| (WriteOp::Touch, viewer(d, "ann"), None));
        write(before.collect()).await;
        replica.catch_up().await.unwrap();
        // The move: off documents 0..half, onto half..2*half.
        let moved = (0..half)
            .map(|d| (WriteOp::Delete, viewer(d, "ann"), None))
            .chain((half..2 * half).map(|d| (WriteOp::Touch, viewer(d, "ann"), None)));
        let moved = write(moved.collect()).await;
        let watching = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let watcher = {
            let (replica, watching) = (replica.clone(), watching.clone());
            std::thread::spawn(move || {
                let mut seen = std::collections::BTreeSet::new();
                let mut looked = 0;
                while watching.load(std::sync::atomic::Ordering::Relaxed) {
                    let state = replica.read();
                    // One document of each side, a different one each time.
                    let d = looked % half;
                    looked += 1;
                    let (old, new) = (views(&state, d, "ann"), views(&state, half + d, "ann"));
                    assert!(old != new, "half a revision seen at {}", state.revision);
                    seen.insert((state.revision, old));
                    let all_old = (0..half).step_by(97).all(|d| views(&state, d, "ann"));
                    let all_new = (half..2 * half)
                        .step_by(97)
                        .all(|d| views(&state, d, "ann"));
                    assert!(
                        all_old != all_new,
                        "half a revision seen at {}",
                        state.revision
                    );
                }
                seen
            })
        };
        assert_eq!(replica.catch_up().await.unwrap(), moved);
        tokio::time::sleep(Duration::from_millis(50)).await;
        watching.store(false, std::sync::atomic::Ordering::Relaxed);
        let seen = watcher.join().unwrap();
        assert!(
            seen.contains(&(moved, false)),
            "the move was seen: {seen:?}"
        );
    }

    /// Callers waiting for the writer while a catch-up runs share the next
    /// one: eight calls made while the writer is held cost one read of the
    /// store, and all of them see a write committed before they were made.
    #[tokio::test]
    async fn waiting_catch_ups_share_the_next_one() {
        let (_dir, store, replica) = on_a_new_store().await;
        let now = unix_ms(SystemTime::now());
        let held = replica.writer.lock().await;
        let revision = write(&store, vec![(WriteOp::Touch, viewer(1, "ann"), None)], now).await;
        let begun = replica.catch_ups_begun.load(Ordering::SeqCst);
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let replica = replica.clone();
                tokio::spawn(async move { replica.catch_up().await.unwrap() })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(held);
        for call in calls {
            assert_eq!(call.await.unwrap(), revision);
        }
        assert_eq!(replica.catch_ups_begun.load(Ordering::SeqCst), begun + 1);
        // A call made after that one ended does its own.
        assert_eq!(replica.catch_up().await.unwrap(), revision);
        assert_eq!(replica.catch_ups_begun.load(Ordering::SeqCst), begun + 2);
    }
}
