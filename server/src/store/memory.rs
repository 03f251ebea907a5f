//! In-memory session store: the embedded default (one process, lost on restart).

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use async_trait::async_trait;
use warden_proto::session::v1::Session;

use std::time::{Duration, Instant};

use super::{remaining, RefreshOutcome, SessionStore};
use crate::error::Error;

/// A session's refresh-token state: the current hash, when it was rotated
/// in, and every earlier hash.
struct RefreshState {
    current: String,
    rotated_at: Instant,
    used: HashSet<String>,
}

#[derive(Default)]
struct Inner {
    sessions: HashMap<String, Session>,
    refresh: HashMap<String, RefreshState>,
    by_user: HashMap<String, HashSet<String>>,
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

    fn write(&self) -> Result<std::sync::RwLockWriteGuard<'_, Inner>, Error> {
        self.inner
            .write()
            .map_err(|_| Error::Internal("session map poisoned".into()))
    }
}

fn live(session: &Session) -> bool {
    !remaining(session.expires_at.as_ref()).is_zero()
}

#[async_trait]
impl SessionStore for MemorySessionStore {
    async fn create(&self, session: &Session, refresh_token_hash: &str) -> Result<(), Error> {
        let mut inner = self.write()?;
        let state = RefreshState {
            current: refresh_token_hash.to_owned(),
            rotated_at: Instant::now(),
            used: HashSet::new(),
        };
        inner.refresh.insert(session.session_id.clone(), state);
        inner
            .sessions
            .insert(session.session_id.clone(), session.clone());
        inner
            .by_user
            .entry(session.user_id.clone())
            .or_default()
            .insert(session.session_id.clone());
        Ok(())
    }

    async fn get(&self, session_id: &str) -> Result<Option<Session>, Error> {
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
            .cloned()
            .collect();
        out.sort_by_key(|s| std::cmp::Reverse(s.created_at.map(|t| (t.seconds, t.nanos))));
        Ok(out)
    }

    async fn delete(&self, session_id: &str, user_id: &str) -> Result<bool, Error> {
        let mut inner = self.write()?;
        inner.refresh.remove(session_id);
        if let Some(set) = inner.by_user.get_mut(user_id) {
            set.remove(session_id);
            if set.is_empty() {
                inner.by_user.remove(user_id);
            }
        }
        Ok(inner.sessions.remove(session_id).is_some())
    }

    async fn rotate_refresh(
        &self,
        session_id: &str,
        presented_hash: &str,
        next_hash: &str,
        grace: Duration,
    ) -> Result<RefreshOutcome, Error> {
        let mut inner = self.write()?;
        let Some(state) = inner.refresh.get_mut(session_id) else {
            return Ok(RefreshOutcome::Unknown);
        };
        if state.current == presented_hash {
            let previous = std::mem::replace(&mut state.current, next_hash.to_owned());
            state.used.insert(previous);
            state.rotated_at = Instant::now();
            Ok(RefreshOutcome::Rotated)
        } else if state.used.contains(presented_hash) {
            if state.current == next_hash && state.rotated_at.elapsed() <= grace {
                Ok(RefreshOutcome::WithinGrace)
            } else {
                Ok(RefreshOutcome::Reused)
            }
        } else {
            Ok(RefreshOutcome::Unknown)
        }
    }

    async fn update(&self, session: &Session) -> Result<(), Error> {
        let mut inner = self.write()?;
        if let Some(stored) = inner.sessions.get_mut(&session.session_id) {
            *stored = session.clone();
        }
        Ok(())
    }
}
