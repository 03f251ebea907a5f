//! In-memory session store: the embedded default (one process, lost on restart).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use warden_proto::session::v1::Session;

use std::time::{Duration, Instant, SystemTime};

use super::{remaining, unix_ms, RefreshOutcome, RefreshWindows, SessionStore, SessionVersion};
use crate::error::Error;

/// A session's refresh-token state: the current hash, when it was rotated
/// in, and every earlier hash.
struct RefreshState {
    current: String,
    rotated_at: Instant,
    last_seen: Instant,
    last_seen_ms: i64,
    used: HashSet<String>,
}

#[derive(Default)]
struct Inner {
    /// Shared, so that a read hands out the session without copying it.
    sessions: HashMap<String, Arc<Session>>,
    refresh: HashMap<String, RefreshState>,
    by_user: HashMap<String, HashSet<String>>,
    /// Bumped by every write of a session, for [`SessionStore::replace`].
    versions: HashMap<String, u64>,
    next_version: u64,
    /// Every session by when it expires, for the sweep to find the expired
    /// ones without reading the others.
    by_expiry: BTreeSet<(i64, String)>,
}

impl Inner {
    /// Stores `session` (new, or over the one of its id) and files it by expiry.
    fn put(&mut self, session: &Session) {
        let id = &session.session_id;
        if let Some(old) = self.sessions.insert(id.clone(), Arc::new(session.clone())) {
            self.by_expiry.remove(&(expiry_ms(&old), id.clone()));
        }
        self.by_expiry.insert((expiry_ms(session), id.clone()));
    }

    /// Removes a session, its refresh state and its index entries; `true` if it existed.
    fn remove(&mut self, session_id: &str, user_id: &str) -> bool {
        self.refresh.remove(session_id);
        self.versions.remove(session_id);
        if let Some(set) = self.by_user.get_mut(user_id) {
            set.remove(session_id);
            if set.is_empty() {
                self.by_user.remove(user_id);
            }
        }
        let Some(old) = self.sessions.remove(session_id) else {
            return false;
        };
        self.by_expiry
            .remove(&(expiry_ms(&old), session_id.to_owned()));
        true
    }
}

/// Sessions in a process-local map; expired ones are invisible and dropped on access.
#[derive(Default)]
pub struct MemorySessionStore {
    inner: RwLock<Inner>,
}

impl MemorySessionStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Drops every expired session (the store has no TTLs of its own),
    /// earliest first, [`SWEEP_BATCH`] a hold of the lock, so that the calls
    /// reading and writing sessions meanwhile wait for a batch at most.
    pub fn sweep_expired(&self) {
        let now = unix_ms(SystemTime::now());
        loop {
            let Ok(mut inner) = self.inner.write() else {
                return;
            };
            for _ in 0..SWEEP_BATCH {
                // Expiries are filed rounded down: one before `now` has passed.
                if inner.by_expiry.first().is_none_or(|(at, _)| *at >= now) {
                    return;
                }
                let Some((_, id)) = inner.by_expiry.pop_first() else {
                    return;
                };
                if let Some(user_id) = inner.sessions.get(&id).map(|s| s.user_id.clone()) {
                    inner.remove(&id, &user_id);
                }
            }
            drop(inner);
            // std's lock would go straight back to this thread: a caller
            // waiting for it is let in first.
            std::thread::sleep(Duration::from_micros(50));
        }
    }

    fn write(&self) -> Result<std::sync::RwLockWriteGuard<'_, Inner>, Error> {
        self.inner
            .write()
            .map_err(|_| Error::Internal("session map poisoned".into()))
    }
}

/// Sessions [`MemorySessionStore::sweep_expired`] removes a hold of the lock
/// at a time: a few milliseconds.
const SWEEP_BATCH: usize = 1_024;

fn live(session: &Session) -> bool {
    !remaining(session.expires_at.as_ref()).is_zero()
}

/// When `session` expires, Unix milliseconds rounded down (none: long ago).
fn expiry_ms(session: &Session) -> i64 {
    session.expires_at.as_ref().map_or(i64::MIN, |ts| {
        ts.seconds.saturating_mul(1000) + i64::from(ts.nanos) / 1_000_000
    })
}

#[async_trait]
impl SessionStore for MemorySessionStore {
    async fn create(&self, session: &Session, refresh_token_hash: &str) -> Result<(), Error> {
        let mut inner = self.write()?;
        let state = RefreshState {
            current: refresh_token_hash.to_owned(),
            rotated_at: Instant::now(),
            last_seen: Instant::now(),
            last_seen_ms: unix_ms(std::time::SystemTime::now()),
            used: HashSet::new(),
        };
        inner.refresh.insert(session.session_id.clone(), state);
        inner.next_version += 1;
        let version = inner.next_version;
        inner.versions.insert(session.session_id.clone(), version);
        inner.put(session);
        inner
            .by_user
            .entry(session.user_id.clone())
            .or_default()
            .insert(session.session_id.clone());
        Ok(())
    }

    async fn get(&self, session_id: &str) -> Result<Option<Session>, Error> {
        let found = self.get_shared(session_id).await?;
        Ok(found.map(|s| Session::clone(&s)))
    }

    async fn get_shared(&self, session_id: &str) -> Result<Option<Arc<Session>>, Error> {
        let found = {
            let inner = self
                .inner
                .read()
                .map_err(|_| Error::Internal("session map poisoned".into()))?;
            inner.sessions.get(session_id).cloned()
        };
        match found {
            Some(s) if live(&s) => Ok(Some(s)),
            Some(s) => {
                self.delete(session_id, &s.user_id).await?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    async fn list_for_user(&self, user_id: &str) -> Result<Vec<Session>, Error> {
        let inner = self
            .inner
            .read()
            .map_err(|_| Error::Internal("session map poisoned".into()))?;
        let mut out: Vec<Session> = inner
            .by_user
            .get(user_id)
            .into_iter()
            .flatten()
            .filter_map(|sid| inner.sessions.get(sid))
            .filter(|s| live(s))
            .map(|s| Session::clone(s))
            .collect();
        out.sort_by_key(|s| std::cmp::Reverse(s.created_at.map(|t| (t.seconds, t.nanos))));
        Ok(out)
    }

    async fn delete(&self, session_id: &str, user_id: &str) -> Result<bool, Error> {
        Ok(self.write()?.remove(session_id, user_id))
    }

    async fn rotate_refresh(
        &self,
        session_id: &str,
        presented_hash: &str,
        next_hash: &str,
        windows: RefreshWindows,
    ) -> Result<RefreshOutcome, Error> {
        let mut inner = self.write()?;
        let Some(state) = inner.refresh.get_mut(session_id) else {
            return Ok(RefreshOutcome::Unknown);
        };
        if state.last_seen.elapsed() > windows.idle_timeout {
            return Ok(RefreshOutcome::Idle);
        }
        if state.current == presented_hash {
            let previous = std::mem::replace(&mut state.current, next_hash.to_owned());
            state.used.insert(previous);
            state.rotated_at = Instant::now();
            state.last_seen = Instant::now();
            state.last_seen_ms = unix_ms(std::time::SystemTime::now());
            Ok(RefreshOutcome::Rotated)
        } else if state.used.contains(presented_hash) {
            if state.current == next_hash && state.rotated_at.elapsed() <= windows.grace {
                Ok(RefreshOutcome::WithinGrace)
            } else {
                Ok(RefreshOutcome::Reused)
            }
        } else {
            Ok(RefreshOutcome::Unknown)
        }
    }

    async fn get_versioned(
        &self,
        session_id: &str,
    ) -> Result<Option<(Session, SessionVersion)>, Error> {
        let inner = self
            .inner
            .read()
            .map_err(|_| Error::Internal("session map poisoned".into()))?;
        Ok(inner
            .sessions
            .get(session_id)
            .filter(|s| live(s))
            .zip(inner.versions.get(session_id))
            .map(|(s, v)| (Session::clone(s), SessionVersion(v.to_string()))))
    }

    async fn replace(&self, version: &SessionVersion, session: &Session) -> Result<bool, Error> {
        let mut inner = self.write()?;
        let sid = &session.session_id;
        let current = inner.versions.get(sid).map(u64::to_string);
        if current.as_deref() != Some(version.0.as_str()) {
            return Ok(false);
        }
        inner.next_version += 1;
        let next = inner.next_version;
        inner.versions.insert(sid.clone(), next);
        inner.put(session);
        Ok(true)
    }

    async fn last_seen_ms(&self, session_id: &str) -> Result<Option<i64>, Error> {
        let inner = self
            .inner
            .read()
            .map_err(|_| Error::Internal("session map poisoned".into()))?;
        Ok(inner.refresh.get(session_id).map(|s| s.last_seen_ms))
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    fn session(id: &str, expires_in: i64) -> Session {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        Session {
            session_id: id.into(),
            user_id: "u".into(),
            expires_at: Some(prost_types::Timestamp {
                seconds: now + expires_in,
                nanos: 0,
            }),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn rotation_grace_and_reuse() {
        let store = MemorySessionStore::new();
        store.create(&session("s", 60), "h0").await.unwrap();
        let grace = RefreshWindows {
            grace: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(3600),
        };
        assert_eq!(
            store.rotate_refresh("s", "h0", "h1", grace).await.unwrap(),
            RefreshOutcome::Rotated
        );
        assert_eq!(
            store.rotate_refresh("s", "h0", "h1", grace).await.unwrap(),
            RefreshOutcome::WithinGrace
        );
        assert_eq!(
            store.rotate_refresh("s", "h1", "h2", grace).await.unwrap(),
            RefreshOutcome::Rotated
        );
        assert_eq!(
            store.rotate_refresh("s", "h0", "h1", grace).await.unwrap(),
            RefreshOutcome::Reused,
            "two generations back"
        );
        assert_eq!(
            store
                .rotate_refresh(
                    "s",
                    "h1",
                    "h2",
                    RefreshWindows {
                        grace: Duration::ZERO,
                        ..grace
                    }
                )
                .await
                .unwrap(),
            RefreshOutcome::Reused
        );
        assert_eq!(
            store.rotate_refresh("s", "zz", "h9", grace).await.unwrap(),
            RefreshOutcome::Unknown
        );
        assert_eq!(
            store
                .rotate_refresh("nope", "h2", "h3", grace)
                .await
                .unwrap(),
            RefreshOutcome::Unknown
        );
    }

    #[tokio::test]
    async fn idle_sessions_are_not_rotated() {
        let store = MemorySessionStore::new();
        store.create(&session("s", 60), "h0").await.unwrap();
        let idle = RefreshWindows {
            grace: Duration::from_secs(60),
            idle_timeout: Duration::ZERO,
        };
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(
            store.rotate_refresh("s", "h0", "h1", idle).await.unwrap(),
            RefreshOutcome::Idle
        );
        let fresh = RefreshWindows {
            idle_timeout: Duration::from_secs(60),
            ..idle
        };
        let before = store.last_seen_ms("s").await.unwrap().unwrap();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(
            store.rotate_refresh("s", "h0", "h1", fresh).await.unwrap(),
            RefreshOutcome::Rotated
        );
        assert!(
            store.last_seen_ms("s").await.unwrap().unwrap() > before,
            "a rotation counts as seen"
        );
    }

    #[tokio::test]
    async fn sweep_removes_expired_sessions_batch_after_batch_and_keeps_the_index_in_step() {
        let store = MemorySessionStore::new();
        for i in 0..2 * SWEEP_BATCH + 5 {
            store
                .create(&session(&format!("old{i}"), -1), "h")
                .await
                .unwrap();
        }
        store.create(&session("live", 60), "h").await.unwrap();
        store.create(&session("gone", 60), "h").await.unwrap();
        assert!(store.delete("gone", "u").await.unwrap());
        // A replace over the version read keeps the session filed once.
        let (live, version) = store.get_versioned("live").await.unwrap().unwrap();
        assert!(store.replace(&version, &live).await.unwrap());
        store.sweep_expired();
        let inner = store.inner.read().unwrap();
        assert_eq!(inner.sessions.keys().collect::<Vec<_>>(), ["live"]);
        assert_eq!(inner.refresh.len(), 1);
        assert_eq!(inner.versions.len(), 1);
        assert_eq!(inner.by_user["u"].len(), 1);
        let filed: Vec<_> = inner
            .by_expiry
            .iter()
            .map(|(at, id)| (*at, id.as_str()))
            .collect();
        assert_eq!(filed, [(expiry_ms(&live), "live")]);
    }

    #[tokio::test]
    async fn sweep_drops_expired_sessions_and_their_index() {
        let store = MemorySessionStore::new();
        store.create(&session("old", -1), "h").await.unwrap();
        store.create(&session("live", 60), "h").await.unwrap();
        store.sweep_expired();
        let inner = store.inner.read().unwrap();
        assert!(!inner.sessions.contains_key("old") && !inner.refresh.contains_key("old"));
        assert_eq!(inner.by_user["u"].len(), 1);
        assert!(inner.sessions.contains_key("live"));
    }
}
