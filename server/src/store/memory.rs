//! In-memory session store: the embedded default (one process, lost on restart).

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use async_trait::async_trait;
use warden_proto::session::v1::Session;

use super::{remaining, SessionStore};
use crate::error::Error;

#[derive(Default)]
struct Inner {
    sessions: HashMap<String, Session>,
    refresh_hashes: HashMap<String, String>,
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
        inner
            .refresh_hashes
            .insert(session.session_id.clone(), refresh_token_hash.to_owned());
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
        inner.refresh_hashes.remove(session_id);
        if let Some(set) = inner.by_user.get_mut(user_id) {
            set.remove(session_id);
            if set.is_empty() {
                inner.by_user.remove(user_id);
            }
        }
        Ok(inner.sessions.remove(session_id).is_some())
    }
}
