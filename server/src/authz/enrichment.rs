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

    /// Re-enriches every live session of the user (after a role change).
    pub async fn enrich_user(&self, user_id: &str) -> Result<usize, Error> {
        let mut written = 0;
        for session in self.sessions.list_for_user(user_id).await? {
            if self.enrich(&session.session_id, false).await? == Enriched::Written {
                written += 1;
            }
        }
        Ok(written)
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
