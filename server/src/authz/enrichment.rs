//! Session enrichment: the user's roles, the union of their permissions and
//! the roles' attributes are copied into the session, with `enriched_at`, so
//! resource services authorize from the session alone.
//!
//! A new session is enriched when its `SessionCreated` arrives on the durable
//! queue [`QUEUE`] (acknowledged only after the write, so a consumer that dies
//! mid-message leaves it to be redelivered). A delivery of a session that
//! already has `enriched_at` changes nothing: redeliveries and duplicates
//! enrich once. Role changes re-enrich the user's live sessions at once.
//!
//! A role change also marks its users stale in its own transaction (see
//! [`RoleStore::stale_mark`]), and a re-enrichment clears the mark it read
//! before reading the grants. A change whose re-enrichment failed or never
//! ran (the session store was down, the server stopped between the commit
//! and the sessions, `warden admin grant` from the command line) keeps its
//! mark, and every server's [`Enricher::repair_stale`] re-enriches the users
//! it finds marked: a committed change always reaches the live sessions.
//!
//! Every write is a compare-and-set against the session as read, and the
//! grants are read from the store after the session: of two concurrent
//! enrichments the one that read older grants loses its write and retries,
//! so a demotion is never undone by a slower writer, and an ended session is
//! never brought back.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::{mpsc, watch};
use warden_proto::events::v1 as events_pb;

use crate::error::Error;
use crate::events::{new_event_id, Delivery, Event, EventBus};
use crate::store::{timestamp_from_ms, unix_ms, RoleStore, SessionStore, UserStore};

/// The durable queue (bound to `session.created`) enrichment consumes.
pub const QUEUE: &str = "warden.authz.session-enrichment";

/// Attempts of one compare-and-set before giving up on a busy session.
const CAS_ATTEMPTS: usize = 16;

/// How old a stale mark must be before [`Enricher::repair_stale`] takes it:
/// long enough for the change's own re-enrichment to have cleared it.
pub const REPAIR_AFTER: Duration = Duration::from_secs(1);

/// How often [`Enricher::repair_stale`] looks for stale marks.
pub const REPAIR_INTERVAL: Duration = Duration::from_secs(2);

/// The longest wait between repair attempts while a backend is down.
const REPAIR_BACKOFF_MAX: Duration = Duration::from_secs(30);

/// Marked users read per query.
const REPAIR_BATCH: usize = 256;

/// Copies grants into sessions.
#[derive(Clone)]
pub struct Enricher {
    users: Arc<dyn UserStore>,
    roles: Arc<dyn RoleStore>,
    sessions: Arc<dyn SessionStore>,
    events: Arc<dyn EventBus>,
}

/// What enriching one session did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enriched {
    /// The session was written and `SessionUpdated` published.
    Written,
    /// It was already enriched (only for `SessionCreated` deliveries).
    AlreadyDone,
    /// The session no longer exists.
    Gone,
    /// The session's user is not in this server's database.
    NotOurs,
}

impl Enricher {
    /// Over the role store, the session store and the bus.
    pub fn new(
        users: Arc<dyn UserStore>,
        roles: Arc<dyn RoleStore>,
        sessions: Arc<dyn SessionStore>,
        events: Arc<dyn EventBus>,
    ) -> Self {
        Self {
            users,
            roles,
            sessions,
            events,
        }
    }

    /// Writes the user's current grants into one session; with `first_only`
    /// a session that already has `enriched_at` is left alone.
    pub async fn enrich(&self, session_id: &str, first_only: bool) -> Result<Enriched, Error> {
        for _ in 0..CAS_ATTEMPTS {
            let Some((mut session, version)) = self.sessions.get_versioned(session_id).await?
            else {
                return Ok(Enriched::Gone);
            };
            if first_only && session.enriched_at.is_some() {
                return Ok(Enriched::AlreadyDone);
            }
            if self.users.find_user(&session.user_id).await?.is_none() {
                // Not a user of this database (another deployment sharing the
                // session store): its own servers enrich it.
                return Ok(Enriched::NotOurs);
            }
            let grants = self.roles.grants(&session.user_id).await?;
            session.roles = grants.roles;
            session.permissions = grants.permissions;
            session.attributes = grants.attributes.into_iter().collect();
            let now = unix_ms(SystemTime::now());
            session.enriched_at = Some(timestamp_from_ms(now));
            if self.sessions.replace(&version, &session).await? {
                self.events
                    .publish(Event::SessionUpdated(events_pb::SessionUpdated {
                        event_id: new_event_id(),
                        occurred_at: Some(timestamp_from_ms(now)),
                        session_id: session.session_id.clone(),
                        user_id: session.user_id.clone(),
                    }))
                    .await?;
                return Ok(Enriched::Written);
            }
        }
        Err(Error::Unavailable(format!(
            "session {session_id} kept changing during enrichment"
        )))
    }

    /// Re-enriches every live session of the user (after a role change),
    /// then clears the user's stale mark if no later change replaced it.
    pub async fn enrich_user(&self, user_id: &str) -> Result<usize, Error> {
        // Read before the grants: a change committed after this read leaves
        // a mark of its own, which the clear below does not touch.
        let mark = self.roles.stale_mark(user_id).await?;
        let written = self.enrich_sessions(user_id).await?;
        if let Some(mark) = mark {
            self.roles.clear_stale(user_id, &mark).await?;
        }
        Ok(written)
    }

    async fn enrich_sessions(&self, user_id: &str) -> Result<usize, Error> {
        let mut written = 0;
        for session in self.sessions.list_for_user(user_id).await? {
            if self.enrich(&session.session_id, false).await? == Enriched::Written {
                written += 1;
            }
        }
        Ok(written)
    }

    /// Re-enriches the users marked stale at least `older_than` ago: role
    /// changes whose own re-enrichment failed or never ran (the session
    /// store was down, the server stopped, `warden admin grant`). Each user
    /// is taken once; the number repaired.
    pub async fn repair_once(&self, older_than: Duration) -> Result<usize, Error> {
        let before = unix_ms(SystemTime::now()) - older_than.as_millis() as i64;
        let mut after = String::new();
        let mut repaired = 0;
        loop {
            let batch = self.roles.stale_users(before, &after, REPAIR_BATCH).await?;
            let Some((last, _)) = batch.last() else {
                return Ok(repaired);
            };
            after = last.clone();
            for (user_id, mark) in &batch {
                self.enrich_sessions(user_id).await?;
                self.roles.clear_stale(user_id, mark).await?;
                repaired += 1;
            }
        }
    }

    /// Runs [`Enricher::repair_once`] on marks older than [`REPAIR_AFTER`]
    /// every [`REPAIR_INTERVAL`] until shutdown, backing off while a backend
    /// is down.
    pub async fn repair_stale(self, mut shutdown: watch::Receiver<bool>) {
        let mut wait = REPAIR_INTERVAL;
        loop {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
            wait = match self.repair_once(REPAIR_AFTER).await {
                Ok(0) => REPAIR_INTERVAL,
                Ok(n) => {
                    metrics::counter!("warden_stale_sessions_repaired_total").increment(n as u64);
                    tracing::info!(
                        users = n,
                        "re-enriched sessions left stale by earlier role changes"
                    );
                    REPAIR_INTERVAL
                }
                Err(e) => {
                    metrics::counter!("warden_stale_session_repair_failures_total").increment(1);
                    let next = (wait * 2).min(REPAIR_BACKOFF_MAX);
                    tracing::warn!(error = %e, retry_in = ?next, "re-enriching stale sessions failed");
                    next
                }
            };
        }
    }

    /// Handles `SessionCreated` deliveries until shutdown: each is enriched,
    /// retried while a backend is down, then acknowledged.
    pub async fn consume(
        self,
        mut deliveries: mpsc::UnboundedReceiver<Delivery>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        loop {
            let delivery = tokio::select! {
                d = deliveries.recv() => match d {
                    Some(d) => d,
                    None => return,
                },
                _ = shutdown.wait_for(|stop| *stop) => return,
            };
            let Event::SessionCreated(created) = &delivery.event else {
                delivery.ack().await;
                continue;
            };
            let mut backoff = Duration::from_millis(50);
            loop {
                match self.enrich(&created.session_id, true).await {
                    Ok(outcome) => {
                        tracing::debug!(session_id = %created.session_id, ?outcome, "enrichment");
                        break;
                    }
                    Err(e) => {
                        tracing::warn!(session_id = %created.session_id, error = %e, retry_in = ?backoff, "enrichment failed; retrying");
                        tokio::select! {
                            _ = tokio::time::sleep(backoff) => {}
                            // Not acknowledged: the broker redelivers it to the next consumer.
                            _ = shutdown.wait_for(|stop| *stop) => return,
                        }
                        backoff = (backoff * 2).min(Duration::from_secs(2));
                    }
                }
            }
            delivery.ack().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use warden_proto::session::v1::Session;

    use super::*;
    use crate::events::inprocess::InProcessBus;
    use crate::store::memory::MemorySessionStore;
    use crate::store::sql::SqlStore;
    use crate::store::{RefreshOutcome, RefreshWindows, SessionVersion, User};

    /// A session store that can be taken down.
    #[derive(Default)]
    struct Flaky {
        inner: MemorySessionStore,
        down: AtomicBool,
    }

    impl Flaky {
        fn up(&self) -> Result<&MemorySessionStore, Error> {
            if self.down.load(Ordering::SeqCst) {
                Err(Error::Unavailable("session store down (test)".into()))
            } else {
                Ok(&self.inner)
            }
        }
    }

    #[async_trait::async_trait]
    impl SessionStore for Flaky {
        async fn create(&self, session: &Session, hash: &str) -> Result<(), Error> {
            self.up()?.create(session, hash).await
        }
        async fn get(&self, session_id: &str) -> Result<Option<Session>, Error> {
            self.up()?.get(session_id).await
        }
        async fn list_for_user(&self, user_id: &str) -> Result<Vec<Session>, Error> {
            self.up()?.list_for_user(user_id).await
        }
        async fn delete(&self, session_id: &str, user_id: &str) -> Result<bool, Error> {
            self.up()?.delete(session_id, user_id).await
        }
        async fn rotate_refresh(
            &self,
            session_id: &str,
            presented: &str,
            next: &str,
            windows: RefreshWindows,
        ) -> Result<RefreshOutcome, Error> {
            self.up()?
                .rotate_refresh(session_id, presented, next, windows)
                .await
        }
        async fn get_versioned(
            &self,
            session_id: &str,
        ) -> Result<Option<(Session, SessionVersion)>, Error> {
            self.up()?.get_versioned(session_id).await
        }
        async fn replace(
            &self,
            version: &SessionVersion,
            session: &Session,
        ) -> Result<bool, Error> {
            self.up()?.replace(version, session).await
        }
        async fn last_seen_ms(&self, session_id: &str) -> Result<Option<i64>, Error> {
            self.up()?.last_seen_ms(session_id).await
        }
    }

    /// A role change whose re-enrichment failed keeps its user marked, and
    /// the repair brings the session up to date once the store is back.
    #[tokio::test]
    async fn a_failed_reenrichment_is_repaired() {
        let dir = tempfile::tempdir().unwrap();
        let sql = Arc::new(SqlStore::connect(None, dir.path()).await.unwrap());
        sql.create_user(&User {
            id: "u1".into(),
            email: "u1@example.com".into(),
            password_hash: String::new(),
            display_name: String::new(),
            created_at_ms: 0,
            suspended_at_ms: None,
            suspended_reason: None,
        })
        .await
        .unwrap();
        sql.define_role("editor", &["doc.edit".to_owned()], &Default::default())
            .await
            .unwrap();
        let sessions = Arc::new(Flaky::default());
        sessions
            .create(
                &Session {
                    session_id: "s1".into(),
                    user_id: "u1".into(),
                    expires_at: Some(timestamp_from_ms(unix_ms(SystemTime::now()) + 3_600_000)),
                    ..Default::default()
                },
                "hash",
            )
            .await
            .unwrap();
        let enricher = Enricher::new(
            sql.clone(),
            sql.clone(),
            sessions.clone(),
            Arc::new(InProcessBus::new()),
        );
        assert_eq!(
            enricher.enrich("s1", true).await.unwrap(),
            Enriched::Written
        );
        assert!(sessions.get("s1").await.unwrap().unwrap().roles.is_empty());

        assert!(sql.grant_role("u1", "editor").await.unwrap());
        let mark = sql
            .stale_mark("u1")
            .await
            .unwrap()
            .expect("the grant marks u1");
        sessions.down.store(true, Ordering::SeqCst);
        let failed = enricher.enrich_user("u1").await.unwrap_err();
        assert_eq!(failed.code(), tonic::Code::Unavailable);
        assert_eq!(sql.stale_mark("u1").await.unwrap(), Some(mark.clone()));
        // Still down: the repair fails and keeps the mark too.
        assert!(enricher.repair_once(Duration::ZERO).await.is_err());
        assert_eq!(sql.stale_mark("u1").await.unwrap(), Some(mark));

        sessions.down.store(false, Ordering::SeqCst);
        // Marks younger than the age asked for are left to their own change.
        assert_eq!(
            enricher
                .repair_once(Duration::from_secs(3600))
                .await
                .unwrap(),
            0
        );
        assert!(sessions.get("s1").await.unwrap().unwrap().roles.is_empty());
        assert_eq!(enricher.repair_once(Duration::ZERO).await.unwrap(), 1);
        let session = sessions.get("s1").await.unwrap().unwrap();
        assert_eq!(session.roles, ["editor"]);
        assert_eq!(session.permissions, ["doc.edit"]);
        assert_eq!(sql.stale_mark("u1").await.unwrap(), None);
        assert_eq!(enricher.repair_once(Duration::ZERO).await.unwrap(), 0);

        // A successful re-enrichment clears the mark of its change.
        assert!(sql.revoke_role("u1", "editor").await.unwrap());
        assert!(sql.stale_mark("u1").await.unwrap().is_some());
        assert_eq!(enricher.enrich_user("u1").await.unwrap(), 1);
        assert_eq!(sql.stale_mark("u1").await.unwrap(), None);
        assert!(sessions.get("s1").await.unwrap().unwrap().roles.is_empty());
    }
}
