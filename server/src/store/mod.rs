//! Storage ports: users, roles, relationships and the event outbox (SQL:
//! SQLite or PostgreSQL) and sessions (in memory or Redis). Each backend lives in its own file behind
//! the port's trait.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use warden_proto::session::v1::Session;

use crate::error::Error;

pub mod memory;
pub mod redis;
pub mod relationships;
pub mod sql;

/// A registered user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Random id (UUID v4).
    pub id: String,
    /// Normalized (trimmed, lower-cased) email, unique.
    pub email: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Name to display.
    pub display_name: String,
    /// Creation time, Unix milliseconds.
    pub created_at_ms: i64,
    /// When an administrator suspended the user, Unix milliseconds.
    pub suspended_at_ms: Option<i64>,
    /// Why, as recorded with the suspension.
    pub suspended_reason: Option<String>,
}

/// Where users live.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Inserts a user; `Error::EmailTaken` when the email exists.
    async fn create_user(&self, user: &User) -> Result<(), Error>;
    /// Finds a user by normalized email.
    async fn find_user_by_email(&self, email: &str) -> Result<Option<User>, Error>;
    /// Finds a user by id.
    async fn find_user(&self, user_id: &str) -> Result<Option<User>, Error>;
    /// Up to `limit` users whose emails sort after `after`, in email order.
    async fn list_users(&self, after: &str, limit: usize) -> Result<Vec<User>, Error>;
    /// Deletes a user with their role assignments and API keys, in one
    /// transaction; `false` when there was no such user.
    async fn delete_user(&self, user_id: &str) -> Result<bool, Error>;
    /// Replaces a user's password hash.
    async fn update_password(&self, user_id: &str, password_hash: &str) -> Result<(), Error>;
    /// Suspends (`Some(reason)`) or reinstates (`None`) a user; `false` when
    /// the user does not exist.
    async fn set_suspended(
        &self,
        user_id: &str,
        suspension: Option<(&str, i64)>,
    ) -> Result<bool, Error>;
}

/// What a user's roles grant; copied into each of their sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// Role names, sorted.
    pub roles: Vec<String>,
    /// The union of the roles' permissions, sorted.
    pub permissions: Vec<String>,
    /// Session attributes set by the roles (for a key set by several roles,
    /// the role whose name sorts first wins).
    pub attributes: BTreeMap<String, String>,
}

/// A role as defined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleDefinition {
    /// The role name.
    pub name: String,
    /// The permissions it grants, sorted.
    pub permissions: Vec<String>,
    /// The session attributes it sets.
    pub attributes: BTreeMap<String, String>,
    /// When it was last defined (ms since the epoch); 0 for the built-in `admin`.
    pub updated_at_ms: i64,
    /// How many users hold it.
    pub user_count: i64,
}

/// Roles (named sets of permissions and session attributes) and their
/// assignment to users. The built-in `admin` role governs Warden itself.
#[async_trait]
pub trait RoleStore: Send + Sync {
    /// Gives `role` to a user (idempotent) if both the user and the role
    /// exist; `false` when either does not. Atomic with `delete_role` and
    /// `UserStore::delete_user`: a role or user deleted at the same time is
    /// never left assigned.
    async fn grant_role(&self, user_id: &str, role: &str) -> Result<bool, Error>;
    /// Whether the user holds `role`.
    async fn has_role(&self, user_id: &str, role: &str) -> Result<bool, Error>;
    /// Takes `role` from a user; `true` if the user held it.
    async fn revoke_role(&self, user_id: &str, role: &str) -> Result<bool, Error>;
    /// Creates or replaces a role's permissions and attributes.
    async fn define_role(
        &self,
        role: &str,
        permissions: &[String],
        attributes: &BTreeMap<String, String>,
    ) -> Result<(), Error>;
    /// Whether `role` is defined.
    async fn role_exists(&self, role: &str) -> Result<bool, Error>;
    /// The user's role names, sorted.
    async fn user_roles(&self, user_id: &str) -> Result<Vec<String>, Error>;
    /// What the user's roles grant.
    async fn grants(&self, user_id: &str) -> Result<Grants, Error>;
    /// The users holding `role`.
    async fn users_with_role(&self, role: &str) -> Result<Vec<String>, Error>;
    /// `role`'s definition, if it is defined.
    async fn role(&self, role: &str) -> Result<Option<RoleDefinition>, Error>;
    /// Up to `limit` roles whose names sort after `after`, in name order.
    async fn list_roles(&self, after: &str, limit: usize) -> Result<Vec<RoleDefinition>, Error>;
    /// Deletes `role` and every assignment of it, in one transaction; the
    /// users who held it, or `None` when it was not defined.
    async fn delete_role(&self, role: &str) -> Result<Option<Vec<String>>, Error>;
    /// The user's stale mark: set, in the same transaction, by every change
    /// of what the user's roles grant (`grant_role`, `revoke_role`,
    /// `define_role` and `delete_role` for its holders), and replaced by each
    /// later one; `None` when the user's sessions are known to be current.
    async fn stale_mark(&self, user_id: &str) -> Result<Option<String>, Error>;
    /// Up to `limit` marked users whose first unrepaired mark is from
    /// `marked_before_ms` or earlier, with user ids after `after`, in id
    /// order, each with their current mark.
    async fn stale_users(
        &self,
        marked_before_ms: i64,
        after: &str,
        limit: usize,
    ) -> Result<Vec<(String, String)>, Error>;
    /// Clears the user's mark if it is still `mark` (a change since then
    /// leaves its own mark in place); `true` when it did.
    async fn clear_stale(&self, user_id: &str, mark: &str) -> Result<bool, Error>;
}

/// The longest user id a request may name. Warden's own are UUIDs; the
/// bound keeps a megabyte of id from reaching the store and the logs.
pub const MAX_USER_ID: usize = 128;

/// `user_id` of a request that must name a user.
pub fn required_user_id(user_id: &str) -> Result<&str, Error> {
    match user_id.len() {
        0 => Err(Error::invalid("user_id", "must not be empty")),
        n if n > MAX_USER_ID => Err(Error::invalid(
            "user_id",
            format!("at most {MAX_USER_ID} bytes, not {n}"),
        )),
        _ => Ok(user_id),
    }
}

/// Name of the built-in role that may administer Warden.
pub const ADMIN_ROLE: &str = "admin";

/// An API key as stored: only the SHA-256 of its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    /// Key id (16 hex characters), also part of the key text.
    pub id: String,
    /// Owner.
    pub user_id: String,
    /// Name given at creation.
    pub name: String,
    /// SHA-256 (hex) of the secret.
    pub secret_hash: String,
    /// Creation time, Unix milliseconds.
    pub created_at_ms: i64,
    /// Expiry, Unix milliseconds.
    pub expires_at_ms: Option<i64>,
    /// Revocation time, Unix milliseconds.
    pub revoked_at_ms: Option<i64>,
    /// Last login with the key, Unix milliseconds.
    pub last_used_at_ms: Option<i64>,
}

/// Where API keys live.
#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Stores a new key if its user exists; `false` when the user does not
    /// (deleted at the same time: atomic with `UserStore::delete_user`).
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<bool, Error>;
    /// Finds a key by id.
    async fn find_api_key(&self, key_id: &str) -> Result<Option<ApiKeyRecord>, Error>;
    /// A user's keys, newest first.
    async fn list_api_keys(&self, user_id: &str) -> Result<Vec<ApiKeyRecord>, Error>;
    /// Marks a key revoked (once); `true` if this call revoked it.
    async fn revoke_api_key(&self, key_id: &str, at_ms: i64) -> Result<bool, Error>;
    /// Records a login with the key.
    async fn touch_api_key(&self, key_id: &str, at_ms: i64) -> Result<(), Error>;
}

/// An event waiting in the outbox for the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Row id, increasing in enqueue order.
    pub id: i64,
    /// The event id (the AMQP `message_id`).
    pub event_id: String,
    /// AMQP routing key.
    pub routing_key: String,
    /// Full protobuf message name (the AMQP `type`).
    pub type_name: String,
    /// Protobuf-encoded event.
    pub payload: Vec<u8>,
}

/// Durable queue of events not yet confirmed by the broker.
#[async_trait]
pub trait Outbox: Send + Sync {
    /// Stores an event to be published.
    async fn enqueue(&self, entry: &OutboxEntry) -> Result<(), Error>;
    /// Leases up to `limit` unleased events, oldest first, for `lease`; another
    /// relay does not see them until the lease ends.
    async fn claim(&self, limit: u32, lease: Duration) -> Result<Vec<OutboxEntry>, Error>;
    /// Deletes events the broker confirmed.
    async fn remove(&self, ids: &[i64]) -> Result<(), Error>;
    /// Ends the lease of events that could not be published, so they are retried at once.
    async fn release(&self, ids: &[i64]) -> Result<(), Error>;
}

/// What presenting a refresh token did to the session's refresh state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// It was the current token: the next one is now current.
    Rotated,
    /// It was the token rotated just before, within the grace window: the
    /// current token (the one derived from it) stays current.
    WithinGrace,
    /// It was rotated earlier (outside the grace window): a sign of theft.
    Reused,
    /// Not a token of this session (or no such session).
    Unknown,
    /// The session was not seen for longer than the idle timeout.
    Idle,
}

/// Where sessions live. Implementations keep the Redis layout of DESIGN.md:
/// the session is the truth, the per-user set an index that may be briefly stale.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session and the hash of its first refresh token, expiring
    /// at the session's `expires_at`.
    async fn create(&self, session: &Session, refresh_token_hash: &str) -> Result<(), Error>;
    /// Reads a live session.
    async fn get(&self, session_id: &str) -> Result<Option<Session>, Error>;
    /// [`SessionStore::get`] as a shared value, for the verification layer
    /// that reads the session of every call: a store that keeps sessions in
    /// memory hands out the one it holds instead of a copy.
    async fn get_shared(&self, session_id: &str) -> Result<Option<Arc<Session>>, Error> {
        Ok(self.get(session_id).await?.map(Arc::new))
    }
    /// Lists a user's live sessions.
    async fn list_for_user(&self, user_id: &str) -> Result<Vec<Session>, Error>;
    /// Deletes a session (and its refresh state and index entry); `true` if it existed.
    async fn delete(&self, session_id: &str, user_id: &str) -> Result<bool, Error>;
    /// Atomically checks a presented refresh-token hash against the session's
    /// refresh state and rotates to `next_hash` when it is the current one,
    /// recording the session as seen now. A session not seen for
    /// `windows.idle_timeout` is `Idle` (nothing changes). A hash presented
    /// again within `windows.grace` of its rotation, whose successor is
    /// `next_hash`, is `WithinGrace`; any other earlier hash is `Reused`.
    async fn rotate_refresh(
        &self,
        session_id: &str,
        presented_hash: &str,
        next_hash: &str,
        windows: RefreshWindows,
    ) -> Result<RefreshOutcome, Error>;
    /// Reads a live session with a version stamp for [`SessionStore::replace`].
    async fn get_versioned(
        &self,
        session_id: &str,
    ) -> Result<Option<(Session, SessionVersion)>, Error>;
    /// Writes `session` over the version read, keeping its expiry. `false`
    /// (and nothing written) when the session changed since or ended: the
    /// caller reads again, so a slow writer never overwrites a newer one and
    /// an ended session is never brought back.
    async fn replace(&self, version: &SessionVersion, session: &Session) -> Result<bool, Error>;
    /// When the session was last seen (its last refresh, or its creation),
    /// Unix milliseconds. Kept beside the session, not in it, so that
    /// refreshing never rewrites the session itself.
    async fn last_seen_ms(&self, session_id: &str) -> Result<Option<i64>, Error>;
    /// [`SessionStore::last_seen_ms`] of each of `session_ids`, in their
    /// order. The default asks one at a time; a remote store answers all in
    /// one round trip.
    async fn last_seen_of(&self, session_ids: &[&str]) -> Result<Vec<Option<i64>>, Error> {
        let mut seen = Vec::with_capacity(session_ids.len());
        for session_id in session_ids {
            seen.push(self.last_seen_ms(session_id).await?);
        }
        Ok(seen)
    }
}

/// The version of a stored session, as read: what [`SessionStore::replace`] compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionVersion(pub String);

/// The time windows a refresh is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshWindows {
    /// How long a just-rotated token still answers with its successor.
    pub grace: Duration,
    /// How long a session may go unseen before it ends.
    pub idle_timeout: Duration,
}

/// Unix milliseconds of `t`.
pub fn unix_ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A protobuf timestamp from Unix milliseconds.
pub fn timestamp_from_ms(ms: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}

/// Time left until a protobuf timestamp, zero when it is past.
pub fn remaining(until: Option<&prost_types::Timestamp>) -> Duration {
    let Some(ts) = until else {
        return Duration::ZERO;
    };
    let end = UNIX_EPOCH + Duration::new(ts.seconds.max(0) as u64, ts.nanos.max(0) as u32);
    end.duration_since(SystemTime::now())
        .unwrap_or(Duration::ZERO)
}
