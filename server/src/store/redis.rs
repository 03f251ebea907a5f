//! Redis session store (fred), in the public layout of DESIGN.md:
//! `warden:session:<sid>` = canonical proto3 JSON of `warden.session.v1.Session`
//! with a TTL equal to the remaining lifetime; `warden:user-sessions:<user_id>`
//! = set of the user's session ids. Warden's private refresh-token state is
//! `warden:refresh:<sid>` (a hash), on the session's own key so rotation can be
//! atomic on one key, which keeps every operation Redis-Cluster safe.
//! Failed logins are counted in `warden:login-failures:<sha256 of the email>`
//! (private too; a hash, so no email is a key), shared by the servers.

use std::time::Duration;

use async_trait::async_trait;
use fred::clients::Pipeline;
use fred::prelude::*;
use fred::types::ExpireOptions;
use warden_proto::session::v1::Session;
use warden_proto::session_json;

use super::{remaining, RefreshOutcome, RefreshWindows, SessionStore, SessionVersion};
use crate::auth::attempts::{Bucket, FailureStore};
use crate::error::Error;

/// Key of a session.
pub fn session_key(session_id: &str) -> String {
    format!("warden:session:{session_id}")
}

/// Key of a user's session-id set.
pub fn user_sessions_key(user_id: &str) -> String {
    format!("warden:user-sessions:{user_id}")
}

/// Key of a session's refresh-token state (private to Warden).
pub fn refresh_key(session_id: &str) -> String {
    format!("warden:refresh:{session_id}")
}

/// Key of an account's failed logins (private to Warden): the hex SHA-256 of
/// the normalized email.
pub fn login_failures_key(account: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, account.as_bytes());
    format!("warden:login-failures:{}", hex::encode(digest))
}

/// One more failed login on `warden:login-failures:<hash>` (a hash of
/// `level` and `since`, Unix ms), as `Bucket::add` computes it: the failures
/// forgotten since, then one more, at most the limit. The key expires when
/// all are forgotten.
const ADD_FAILURE: &str = r#"
local now, every, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local kept = redis.call('HMGET', KEYS[1], 'level', 'since')
local level, since = tonumber(kept[1]) or 0, tonumber(kept[2]) or now
local forgotten = math.floor(math.max(now - since, 0) / every)
if forgotten >= level then
  level, since = 0, now
else
  level, since = level - forgotten, since + forgotten * every
end
level = math.min(level + 1, limit)
redis.call('HSET', KEYS[1], 'level', level, 'since', since)
redis.call('PEXPIRE', KEYS[1], math.max(since + level * every - now, 1))
return level
"#;

/// Atomic refresh-token rotation on `warden:refresh:<sid>` (one key, so it is
/// Redis-Cluster safe). Fields: `current`, `rotated_at` and `last_seen` (ms),
/// and `u:<hash>` for every hash rotated out.
const ROTATE_REFRESH: &str = r#"
local current = redis.call('HGET', KEYS[1], 'current')
if not current then return 'unknown' end
local presented, next_hash, now, grace, idle = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local last_seen = tonumber(redis.call('HGET', KEYS[1], 'last_seen') or redis.call('HGET', KEYS[1], 'rotated_at') or '0')
if now - last_seen > idle then return 'idle' end
if current == presented then
  redis.call('HSET', KEYS[1], 'current', next_hash, 'rotated_at', now, 'last_seen', now, 'u:' .. presented, now)
  return 'rotated'
end
if redis.call('HEXISTS', KEYS[1], 'u:' .. presented) == 1 then
  local rotated_at = tonumber(redis.call('HGET', KEYS[1], 'rotated_at') or '0')
  if current == next_hash and now - rotated_at <= grace then return 'grace' end
  return 'reused'
end
return 'unknown'
"#;

/// Compare-and-set of a session on its own key (Redis-Cluster safe): writes
/// ARGV[2] only if the key still holds exactly ARGV[1], keeping its TTL.
const REPLACE_SESSION: &str = r#"
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'XX', 'KEEPTTL')
return 1
"#;

/// Sessions in Redis.
pub struct RedisSessionStore {
    client: Client,
}

impl RedisSessionStore {
    /// Connects to `url` (`redis://`, `rediss://` or `redis-cluster://`),
    /// reconnecting forever in the background after a loss.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        let config =
            Config::from_url(url).map_err(|e| Error::Unavailable(format!("redis url: {e}")))?;
        let client = Builder::from_config(config)
            .with_connection_config(|c| {
                c.connection_timeout = Duration::from_secs(2);
                c.internal_command_timeout = Duration::from_secs(2);
            })
            .with_performance_config(|p| {
                p.default_command_timeout = Duration::from_secs(2);
            })
            .set_policy(ReconnectPolicy::new_exponential(0, 50, 2_000, 2))
            .build()
            .map_err(|e| Error::Unavailable(format!("redis client: {e}")))?;
        client
            .init()
            .await
            .map_err(|e| Error::Unavailable(format!("redis connect {e}")))?;
        Ok(Self { client })
    }

    /// The underlying client, for health checks.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

/// The replies of `pipeline`, one per command queued, each converted on its
/// own (an empty pipeline sends nothing and answers none).
async fn replies<T: FromValue>(pipeline: Pipeline<Client>) -> Result<Vec<T>, Error> {
    let replies: Vec<Value> = pipeline.all().await?;
    Ok(replies
        .into_iter()
        .map(Value::convert)
        .collect::<Result<_, _>>()?)
}

/// A stored session, from its JSON.
fn parse_session(session_id: &str, json: &str) -> Result<Session, Error> {
    session_json::from_json(json).map_err(|e| Error::Internal(format!("session {session_id}: {e}")))
}

/// A failure bucket, from its hash's two fields.
fn bucket((level, since_ms): (Option<u32>, Option<i64>)) -> Option<Bucket> {
    level
        .zip(since_ms)
        .map(|(level, since_ms)| Bucket { level, since_ms })
}

fn ttl_secs(session: &Session) -> i64 {
    remaining(session.expires_at.as_ref()).as_secs().max(1) as i64
}

#[async_trait]
impl SessionStore for RedisSessionStore {
    async fn create(&self, session: &Session, refresh_token_hash: &str) -> Result<(), Error> {
        let ttl = ttl_secs(session);
        let sid = &session.session_id;
        // Two round trips, in this order: the refresh state and the session
        // (the truth), then the index. The index never names a session not
        // yet written: a listing drops such ids, and a ban lists the index.
        // (In a cluster a pipeline's keys go to their own nodes, in any order;
        // the two steps keep the one order that matters.)
        let refresh = refresh_key(sid);
        let now_ms = super::unix_ms(std::time::SystemTime::now()).to_string();
        let pipeline = self.client.pipeline();
        let () = pipeline
            .hset(
                &refresh,
                [
                    ("current", refresh_token_hash),
                    ("rotated_at", now_ms.as_str()),
                    ("last_seen", now_ms.as_str()),
                ],
            )
            .await?;
        let () = pipeline.expire(&refresh, ttl, None).await?;
        let () = pipeline
            .set(
                session_key(sid),
                session_json::to_json(session),
                Some(Expiration::EX(ttl)),
                None,
                false,
            )
            .await?;
        let _: Vec<Value> = pipeline.all().await?;
        let index = user_sessions_key(&session.user_id);
        let pipeline = self.client.pipeline();
        let () = pipeline.sadd(&index, sid.as_str()).await?;
        // The index lives as long as its longest-lived session (NX covers a new set).
        let () = pipeline
            .expire(&index, ttl, Some(ExpireOptions::NX))
            .await?;
        let () = pipeline
            .expire(&index, ttl, Some(ExpireOptions::GT))
            .await?;
        let _: Vec<Value> = pipeline.all().await?;
        Ok(())
    }

    async fn get(&self, session_id: &str) -> Result<Option<Session>, Error> {
        let json: Option<String> = self.client.get(session_key(session_id)).await?;
        json.map(|j| parse_session(session_id, &j)).transpose()
    }

    async fn list_for_user(&self, user_id: &str) -> Result<Vec<Session>, Error> {
        let index = user_sessions_key(user_id);
        let ids: Vec<String> = self.client.smembers(&index).await?;
        // Every session in one round trip (a pipeline, not MGET: in a
        // cluster the sessions' keys lie in different slots).
        let pipeline = self.client.pipeline();
        for sid in &ids {
            let () = pipeline.get(session_key(sid)).await?;
        }
        let jsons: Vec<Option<String>> = replies(pipeline).await?;
        let mut sessions = Vec::with_capacity(ids.len());
        let mut stale = Vec::new();
        for (sid, json) in ids.into_iter().zip(jsons) {
            match json {
                Some(json) => sessions.push(parse_session(&sid, &json)?),
                None => stale.push(sid),
            }
        }
        if !stale.is_empty() {
            let _: () = self.client.srem(&index, stale).await?;
        }
        sessions.sort_by_key(|s| std::cmp::Reverse(s.created_at.map(|t| (t.seconds, t.nanos))));
        Ok(sessions)
    }

    async fn delete(&self, session_id: &str, user_id: &str) -> Result<bool, Error> {
        // The session (the truth) and its refresh state, then the index, as
        // in `create`: a stale id in the index is dropped by the next
        // listing, but a live session missing from it would escape a ban.
        let pipeline = self.client.pipeline();
        let () = pipeline.del(session_key(session_id)).await?;
        let () = pipeline.del(refresh_key(session_id)).await?;
        let (removed, _): (i64, i64) = pipeline.all().await?;
        let _: () = self
            .client
            .srem(user_sessions_key(user_id), session_id)
            .await?;
        Ok(removed > 0)
    }

    async fn rotate_refresh(
        &self,
        session_id: &str,
        presented_hash: &str,
        next_hash: &str,
        windows: RefreshWindows,
    ) -> Result<RefreshOutcome, Error> {
        let now_ms = super::unix_ms(std::time::SystemTime::now());
        let outcome: String = self
            .client
            .eval(
                ROTATE_REFRESH,
                vec![refresh_key(session_id)],
                vec![
                    presented_hash.to_owned(),
                    next_hash.to_owned(),
                    now_ms.to_string(),
                    (windows.grace.as_millis() as i64).to_string(),
                    (windows.idle_timeout.as_millis() as i64).to_string(),
                ],
            )
            .await?;
        Ok(match outcome.as_str() {
            "rotated" => RefreshOutcome::Rotated,
            "grace" => RefreshOutcome::WithinGrace,
            "reused" => RefreshOutcome::Reused,
            "idle" => RefreshOutcome::Idle,
            _ => RefreshOutcome::Unknown,
        })
    }

    async fn get_versioned(
        &self,
        session_id: &str,
    ) -> Result<Option<(Session, SessionVersion)>, Error> {
        let json: Option<String> = self.client.get(session_key(session_id)).await?;
        json.map(|j| {
            let session = session_json::from_json(&j)
                .map_err(|e| Error::Internal(format!("session {session_id}: {e}")))?;
            Ok((session, SessionVersion(j)))
        })
        .transpose()
    }

    async fn replace(&self, version: &SessionVersion, session: &Session) -> Result<bool, Error> {
        let written: i64 = self
            .client
            .eval(
                REPLACE_SESSION,
                vec![session_key(&session.session_id)],
                vec![version.0.clone(), session_json::to_json(session)],
            )
            .await?;
        Ok(written == 1)
    }

    async fn last_seen_ms(&self, session_id: &str) -> Result<Option<i64>, Error> {
        let last_seen: Option<i64> = self
            .client
            .hget(refresh_key(session_id), "last_seen")
            .await?;
        Ok(last_seen)
    }

    async fn last_seen_of(&self, session_ids: &[&str]) -> Result<Vec<Option<i64>>, Error> {
        let pipeline = self.client.pipeline();
        for session_id in session_ids {
            let () = pipeline.hget(refresh_key(session_id), "last_seen").await?;
        }
        replies(pipeline).await
    }
}

#[async_trait]
impl FailureStore for RedisSessionStore {
    async fn failures(&self, account: &str) -> Result<Option<Bucket>, Error> {
        let (level, since_ms): (Option<u32>, Option<i64>) = self
            .client
            .hmget(login_failures_key(account), vec!["level", "since"])
            .await?;
        Ok(bucket((level, since_ms)))
    }

    async fn failures_of(&self, accounts: &[&str]) -> Result<Vec<Option<Bucket>>, Error> {
        let pipeline = self.client.pipeline();
        for account in accounts {
            let () = pipeline
                .hmget(login_failures_key(account), vec!["level", "since"])
                .await?;
        }
        let fields: Vec<(Option<u32>, Option<i64>)> = replies(pipeline).await?;
        Ok(fields.into_iter().map(bucket).collect())
    }

    async fn add_failure(
        &self,
        account: &str,
        now_ms: i64,
        every_ms: i64,
        limit: u32,
    ) -> Result<(), Error> {
        let _level: i64 = self
            .client
            .eval(
                ADD_FAILURE,
                vec![login_failures_key(account)],
                vec![now_ms.to_string(), every_ms.to_string(), limit.to_string()],
            )
            .await?;
        Ok(())
    }

    async fn clear_failures(&self, account: &str) -> Result<(), Error> {
        let _: i64 = self.client.del(login_failures_key(account)).await?;
        Ok(())
    }
}
