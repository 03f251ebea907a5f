//! Ending sessions, shared by the services: delete the session (the truth),
//! then publish `SessionRevoked`, so every interceptor drops it at once.

use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use warden_interceptor::sources::CachedSessionSource;
use warden_interceptor::{AuthError, SessionSource};
use warden_proto::events::v1::{RevocationReason, SessionRevoked};
use warden_proto::session::v1::Session;

use crate::error::Error;
use crate::events::{new_event_id, Event, EventBus};
use crate::store::{RefreshOutcome, RefreshWindows, SessionStore, SessionVersion};

/// Revokes sessions and announces it.
#[derive(Clone)]
pub struct SessionLifecycle {
    store: Arc<dyn SessionStore>,
    events: Arc<dyn EventBus>,
}

impl SessionLifecycle {
    /// Over a session store and the event bus.
    pub fn new(store: Arc<dyn SessionStore>, events: Arc<dyn EventBus>) -> Self {
        Self { store, events }
    }

    /// The session store.
    pub fn store(&self) -> &Arc<dyn SessionStore> {
        &self.store
    }

    /// The event bus.
    pub fn events(&self) -> &Arc<dyn EventBus> {
        &self.events
    }

    /// Deletes a session and publishes `SessionRevoked`; `false` when it was already gone.
    pub async fn revoke(
        &self,
        session_id: &str,
        user_id: &str,
        reason: RevocationReason,
    ) -> Result<bool, Error> {
        if !self.store.delete(session_id, user_id).await? {
            return Ok(false);
        }
        tracing::info!(
            session_id,
            user_id,
            reason = reason.as_str_name(),
            "session revoked"
        );
        self.events
            .publish(Event::SessionRevoked(SessionRevoked {
                event_id: new_event_id(),
                occurred_at: Some(SystemTime::now().into()),
                session_id: session_id.to_owned(),
                user_id: user_id.to_owned(),
                reason: reason as i32,
            }))
            .await?;
        Ok(true)
    }

    /// Revokes every live session of `user_id` for which `selected` is true;
    /// returns how many were revoked.
    pub async fn revoke_user_sessions(
        &self,
        user_id: &str,
        selected: impl Fn(&Session) -> bool,
        reason: RevocationReason,
    ) -> Result<u32, Error> {
        let mut revoked = 0;
        for session in self.store.list_for_user(user_id).await? {
            if selected(&session) && self.revoke(&session.session_id, user_id, reason).await? {
                revoked += 1;
            }
        }
        Ok(revoked)
    }
}

/// Warden's own interceptor reads sessions straight from its session store.
pub struct StoreSessionSource(pub Arc<dyn SessionStore>);

#[async_trait]
impl SessionSource for StoreSessionSource {
    async fn session(&self, session_id: &str) -> Result<Option<Session>, AuthError> {
        self.0
            .get(session_id)
            .await
            .map_err(|e| AuthError::Unavailable(e.to_string()))
    }

    async fn shared_session(
        &self,
        session_id: &str,
        _token: &str,
    ) -> Result<Option<Arc<Session>>, AuthError> {
        self.0
            .get_shared(session_id)
            .await
            .map_err(|e| AuthError::Unavailable(e.to_string()))
    }
}

/// The session store of a server whose interceptor caches sessions: every
/// write through it that changes or ends a session drops the cached copy
/// before it returns, so this server never serves its own revocation late.
/// (Other servers' writes reach the cache through Redis invalidations.)
pub struct InvalidatingStore {
    inner: Arc<dyn SessionStore>,
    cache: Arc<CachedSessionSource>,
}

impl InvalidatingStore {
    /// `inner`, dropping sessions from `cache` as they change.
    pub fn new(inner: Arc<dyn SessionStore>, cache: Arc<CachedSessionSource>) -> Self {
        Self { inner, cache }
    }
}

#[async_trait]
impl SessionStore for InvalidatingStore {
    async fn create(&self, session: &Session, refresh_token_hash: &str) -> Result<(), Error> {
        self.inner.create(session, refresh_token_hash).await
    }

    async fn get(&self, session_id: &str) -> Result<Option<Session>, Error> {
        self.inner.get(session_id).await
    }

    async fn get_shared(&self, session_id: &str) -> Result<Option<Arc<Session>>, Error> {
        self.inner.get_shared(session_id).await
    }

    async fn list_for_user(&self, user_id: &str) -> Result<Vec<Session>, Error> {
        self.inner.list_for_user(user_id).await
    }

    async fn delete(&self, session_id: &str, user_id: &str) -> Result<bool, Error> {
        let result = self.inner.delete(session_id, user_id).await;
        // Also after an error: the delete may have happened.
        self.cache.invalidate_session(session_id);
        result
    }

    async fn rotate_refresh(
        &self,
        session_id: &str,
        presented_hash: &str,
        next_hash: &str,
        windows: RefreshWindows,
    ) -> Result<RefreshOutcome, Error> {
        // The refresh state lives beside the session; the session is unchanged.
        self.inner
            .rotate_refresh(session_id, presented_hash, next_hash, windows)
            .await
    }

    async fn get_versioned(
        &self,
        session_id: &str,
    ) -> Result<Option<(Session, SessionVersion)>, Error> {
        self.inner.get_versioned(session_id).await
    }

    async fn replace(&self, version: &SessionVersion, session: &Session) -> Result<bool, Error> {
        let result = self.inner.replace(version, session).await;
        self.cache.invalidate_session(&session.session_id);
        result
    }

    async fn last_seen_ms(&self, session_id: &str) -> Result<Option<i64>, Error> {
        self.inner.last_seen_ms(session_id).await
    }

    async fn last_seen_of(&self, session_ids: &[&str]) -> Result<Vec<Option<i64>>, Error> {
        self.inner.last_seen_of(session_ids).await
    }
}
