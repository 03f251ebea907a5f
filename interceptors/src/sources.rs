//! Key and session sources for services outside Warden: Warden's `GetJwks`
//! over gRPC or its `/.well-known/jwks.json` over HTTP; sessions straight from
//! Redis (the DESIGN.md layout) or from `SessionService.GetCurrentSession`
//! (for services without Redis access); and a session cache kept honest by the
//! revocation feed on `warden.events`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use fred::prelude::*;
use futures::StreamExt;
use prost::Message;
use tonic::transport::Channel;
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::auth::v1::{GetJwksRequest, Jwk};
use warden_proto::events::v1::{SessionRevoked, SessionUpdated, UserDeleted, UserSuspended};
use warden_proto::session::v1::session_service_client::SessionServiceClient;
use warden_proto::session::v1::{GetCurrentSessionRequest, Session};

use crate::{AuthError, KeySource, SessionSource};

/// Warden's public keys through `AuthService.GetJwks`.
pub struct GrpcKeySource {
    client: AuthServiceClient<Channel>,
}

impl GrpcKeySource {
    /// Over a channel to Warden.
    pub fn new(channel: Channel) -> Self {
        Self {
            client: AuthServiceClient::new(channel),
        }
    }
}

#[async_trait]
impl KeySource for GrpcKeySource {
    async fn keys(&self) -> Result<Vec<Jwk>, AuthError> {
        let mut client = self.client.clone();
        let jwks = client
            .get_jwks(GetJwksRequest {})
            .await
            .map_err(|e| AuthError::Unavailable(format!("GetJwks: {e}")))?;
        Ok(jwks.into_inner().keys)
    }
}

/// Warden's public keys from its HTTP endpoint (`http://host:port/.well-known/jwks.json`).
/// Plain HTTP only: put it on a trusted network, or use [`GrpcKeySource`]
/// over a TLS channel.
pub struct HttpKeySource {
    uri: http::Uri,
}

/// The JSON of one key of a JWKS document (RFC 7517 member names).
#[derive(serde::Deserialize)]
struct JwkJson {
    #[serde(default)]
    kid: String,
    #[serde(default)]
    kty: String,
    #[serde(default)]
    alg: String,
    #[serde(default, rename = "use")]
    use_: String,
    #[serde(default)]
    crv: String,
    #[serde(default)]
    x: String,
    #[serde(default)]
    y: String,
    #[serde(default)]
    n: String,
    #[serde(default)]
    e: String,
}

#[derive(serde::Deserialize)]
struct JwksJson {
    keys: Vec<JwkJson>,
}

/// Longest JWKS document read.
const MAX_JWKS_BYTES: usize = 1 << 20;

impl HttpKeySource {
    /// From a URL such as `http://127.0.0.1:8080/.well-known/jwks.json`.
    pub fn new(url: &str) -> Result<Self, AuthError> {
        let uri: http::Uri = url
            .parse()
            .map_err(|e| AuthError::Unavailable(format!("jwks url {url}: {e}")))?;
        if uri.scheme_str() != Some("http") || uri.host().is_none() {
            return Err(AuthError::Unavailable(format!(
                "jwks url {url}: only http://host[:port]/path is supported"
            )));
        }
        Ok(Self { uri })
    }

    async fn fetch(&self) -> Result<Vec<u8>, String> {
        use http_body_util::{BodyExt, Empty, Limited};
        let host = self.uri.host().unwrap_or_default();
        let port = self.uri.port_u16().unwrap_or(80);
        let stream = tokio::net::TcpStream::connect((host, port))
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(connection);
        let authority = self
            .uri
            .authority()
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default();
        let request = http::Request::get(self.uri.path_and_query().map_or("/", |p| p.as_str()))
            .header(http::header::HOST, authority)
            .header(http::header::ACCEPT, "application/json")
            .body(Empty::<bytes::Bytes>::new())
            .map_err(|e| format!("request: {e}"))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("send: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let body = Limited::new(response.into_body(), MAX_JWKS_BYTES)
            .collect()
            .await
            .map_err(|e| format!("body: {e}"))?;
        Ok(body.to_bytes().to_vec())
    }
}

#[async_trait]
impl KeySource for HttpKeySource {
    async fn keys(&self) -> Result<Vec<Jwk>, AuthError> {
        let body = tokio::time::timeout(Duration::from_secs(5), self.fetch())
            .await
            .map_err(|_| AuthError::Unavailable("jwks over http: timed out".into()))?
            .map_err(|e| AuthError::Unavailable(format!("jwks over http: {e}")))?;
        let jwks: JwksJson = serde_json::from_slice(&body)
            .map_err(|e| AuthError::Unavailable(format!("jwks over http: {e}")))?;
        Ok(jwks
            .keys
            .into_iter()
            .map(|k| Jwk {
                kid: k.kid,
                kty: k.kty,
                alg: k.alg,
                r#use: k.use_,
                crv: k.crv,
                x: k.x,
                y: k.y,
                n: k.n,
                e: k.e,
            })
            .collect())
    }
}

/// Sessions from Warden's `SessionService.GetCurrentSession`, asked with the
/// caller's own token: for services that cannot read Redis. Every read is a
/// call to Warden, so put a [`CachedSessionSource`] (with its revocation
/// feed) in front of it.
pub struct GrpcSessionSource {
    client: SessionServiceClient<Channel>,
}

impl GrpcSessionSource {
    /// Over a channel to Warden.
    pub fn new(channel: Channel) -> Self {
        Self {
            client: SessionServiceClient::new(channel),
        }
    }
}

#[async_trait]
impl SessionSource for GrpcSessionSource {
    /// Refuses: `GetCurrentSession` needs the caller's token (the layer passes
    /// it through [`SessionSource::session_for_token`]).
    async fn session(&self, _session_id: &str) -> Result<Option<Session>, AuthError> {
        Err(AuthError::Unavailable(
            "GrpcSessionSource reads sessions only with the caller's token".into(),
        ))
    }

    async fn session_for_token(
        &self,
        session_id: &str,
        token: &str,
    ) -> Result<Option<Session>, AuthError> {
        let mut request = tonic::Request::new(GetCurrentSessionRequest {});
        let value = format!("Bearer {token}")
            .parse()
            .map_err(|_| AuthError::MalformedToken)?;
        request.metadata_mut().insert("authorization", value);
        request.set_timeout(Duration::from_secs(2));
        let mut client = self.client.clone();
        match client.get_current_session(request).await {
            Ok(response) => Ok(response
                .into_inner()
                .session
                .filter(|s| s.session_id == session_id)),
            // Warden no longer accepts the token: its session is gone.
            Err(status)
                if matches!(
                    status.code(),
                    tonic::Code::Unauthenticated | tonic::Code::NotFound
                ) =>
            {
                Ok(None)
            }
            Err(status) => Err(AuthError::Unavailable(format!(
                "GetCurrentSession: {status}"
            ))),
        }
    }
}

/// Sessions read from Redis: `warden:session:<sid>` holds the canonical
/// proto3 JSON of `warden.session.v1.Session`.
pub struct RedisSessionSource {
    client: Client,
}

impl RedisSessionSource {
    /// Connects to Redis (reconnecting in the background after a loss).
    pub async fn connect(url: &str) -> Result<Self, AuthError> {
        let config =
            Config::from_url(url).map_err(|e| AuthError::Unavailable(format!("redis url: {e}")))?;
        let client = Builder::from_config(config)
            .with_connection_config(|c| c.connection_timeout = Duration::from_secs(2))
            .with_performance_config(|p| p.default_command_timeout = Duration::from_secs(2))
            .set_policy(ReconnectPolicy::new_exponential(0, 50, 2_000, 2))
            .build()
            .map_err(|e| AuthError::Unavailable(format!("redis: {e}")))?;
        client
            .init()
            .await
            .map_err(|e| AuthError::Unavailable(format!("redis: {e}")))?;
        Ok(Self { client })
    }
}

#[async_trait]
impl SessionSource for RedisSessionSource {
    async fn session(&self, session_id: &str) -> Result<Option<Session>, AuthError> {
        let json: Option<String> = self
            .client
            .get(format!("warden:session:{session_id}"))
            .await
            .map_err(|e| AuthError::Unavailable(format!("redis: {e}")))?;
        json.map(|j| {
            warden_proto::session_json::from_json(&j)
                .map_err(|e| AuthError::Unavailable(e.to_string()))
        })
        .transpose()
    }
}

/// A session cache in front of another source. Entries live at most
/// `max_age`; a revocation feed drops them at once: `SessionRevoked`,
/// `SessionUpdated`, `UserSuspended` and `UserDeleted` from `warden.events`
/// ([`follow_revocations`](Self::follow_revocations)), or Redis invalidation
/// messages for `warden:session:*` ([`follow_redis_invalidations`](Self::follow_redis_invalidations)),
/// or both. While no feed is up the cache is bypassed (every request reads the
/// source); when one drops the cache is emptied, so a revoked session is never
/// served from the cache after a feed could have told about it.
pub struct CachedSessionSource {
    inner: Arc<dyn SessionSource>,
    max_age: Duration,
    entries: Mutex<HashMap<String, (Instant, Arc<Session>)>>,
    feed_up: AtomicBool,
    tracking_up: AtomicBool,
    invalidations: AtomicU64,
    /// The number of entries at which the next insert sweeps out those past
    /// `max_age`: a session that ends without a message about it (an expiry
    /// seen by no feed) leaves the map within two sweeps.
    sweep_at: AtomicUsize,
    /// Set by [`CachedSessionSource::stop_following`]: the feeds end.
    stop: tokio::sync::watch::Sender<bool>,
}

/// The fewest entries the session cache sweeps at.
const SWEEP_MIN: usize = 1_024;

/// Prefix of the session keys in Redis (DESIGN.md layout).
const SESSION_KEY_PREFIX: &str = "warden:session:";

impl CachedSessionSource {
    /// A cache over `inner`; it serves nothing from memory until a feed is up.
    pub fn new(inner: Arc<dyn SessionSource>, max_age: Duration) -> Arc<Self> {
        Arc::new(Self {
            inner,
            max_age,
            entries: Mutex::new(HashMap::new()),
            feed_up: AtomicBool::new(false),
            tracking_up: AtomicBool::new(false),
            invalidations: AtomicU64::new(0),
            sweep_at: AtomicUsize::new(SWEEP_MIN),
            stop: tokio::sync::watch::channel(false).0,
        })
    }

    /// Ends the feeds this cache follows (their connections close) and stops
    /// serving from memory: every read goes to the source from now on. For a
    /// server that stops while its process goes on.
    pub fn stop_following(&self) {
        self.stop.send_replace(true);
        self.set_feed_up(false);
        self.set_tracking_up(false);
    }

    /// Resolves once [`CachedSessionSource::stop_following`] was called.
    async fn stopped(&self) {
        let mut stop = self.stop.subscribe();
        let _ = stop.wait_for(|stop| *stop).await;
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Arc<Session>)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Drops one session.
    pub fn invalidate_session(&self, session_id: &str) {
        self.invalidations.fetch_add(1, Ordering::SeqCst);
        self.entries().remove(session_id);
    }

    /// Drops every session of a user.
    pub fn invalidate_user(&self, user_id: &str) {
        self.invalidations.fetch_add(1, Ordering::SeqCst);
        self.entries().retain(|_, (_, s)| s.user_id != user_id);
    }

    /// Marks the revocation feed up or down; down empties the cache and bypasses it.
    pub fn set_feed_up(&self, up: bool) {
        if !up {
            self.invalidations.fetch_add(1, Ordering::SeqCst);
            self.entries().clear();
        }
        self.feed_up.store(up, Ordering::SeqCst);
    }

    /// Marks the Redis invalidation feed up or down; down empties the cache.
    pub fn set_tracking_up(&self, up: bool) {
        if !up {
            self.invalidations.fetch_add(1, Ordering::SeqCst);
            self.entries().clear();
        }
        self.tracking_up.store(up, Ordering::SeqCst);
    }

    /// How many sessions the cache holds.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether the cache holds no session.
    pub fn is_empty(&self) -> bool {
        self.entries().is_empty()
    }

    /// Whether the cache is in use (a revocation feed is connected).
    pub fn feed_up(&self) -> bool {
        self.feed_up.load(Ordering::SeqCst) || self.tracking_up.load(Ordering::SeqCst)
    }

    /// Drops everything (Redis said its whole key space changed).
    fn invalidate_all(&self) {
        self.invalidations.fetch_add(1, Ordering::SeqCst);
        self.entries().clear();
    }

    /// Follows Redis invalidation messages (client-side caching, `CLIENT
    /// TRACKING ON BCAST PREFIX warden:session:` over RESP3) until the process
    /// ends: a session key written, deleted or expired drops that session at
    /// once. Reconnects after a loss (the feed counts as down meanwhile); a
    /// ping every second notices a server that stopped answering.
    pub fn follow_redis_invalidations(self: &Arc<Self>, redis_url: String) {
        self.keep_following(
            "redis invalidation feed",
            move |cache| {
                let url = redis_url.clone();
                async move { cache.track(&url).await }
            },
            |cache| cache.set_tracking_up(false),
        );
    }

    /// Runs `attempt` (one connection to a feed, until it ends) again and
    /// again while the cache lives: after each end, `down` marks the feed
    /// down and the next attempt waits, backing off from 0.1 s to 2 s.
    fn keep_following<F, E>(
        self: &Arc<Self>,
        feed: &'static str,
        attempt: impl Fn(Arc<Self>) -> F + Send + 'static,
        down: fn(&Self),
    ) where
        F: std::future::Future<Output = Result<(), E>> + Send,
        E: std::fmt::Display,
    {
        let cache = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut backoff = Duration::from_millis(100);
            loop {
                let Some(strong) = cache.upgrade() else {
                    return;
                };
                if *strong.stop.borrow() {
                    return;
                }
                match attempt(strong.clone()).await {
                    Ok(()) => backoff = Duration::from_millis(100),
                    Err(e) => {
                        tracing::warn!(error = %e, "{feed} down; reading sessions from the source")
                    }
                }
                down(&strong);
                let mut stop = strong.stop.subscribe();
                drop(strong);
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.wait_for(|stop| *stop) => return,
                }
                backoff = (backoff * 2).min(Duration::from_secs(2));
            }
        });
    }

    async fn track(&self, url: &str) -> Result<(), fred::error::Error> {
        let mut config = Config::from_url(url)?;
        config.version = fred::types::RespVersion::RESP3;
        let client = Builder::from_config(config)
            .with_connection_config(|c| c.connection_timeout = Duration::from_secs(2))
            .with_performance_config(|p| p.default_command_timeout = Duration::from_secs(2))
            .build()?;
        // No reconnect policy: a lost connection ends this attempt, and the
        // loop above starts a fresh one with tracking enabled again.
        let mut invalidations = client.invalidation_rx();
        let mut errors = client.error_rx();
        let connection = client.init().await?;
        let result = async {
            client
                .start_tracking(SESSION_KEY_PREFIX, true, false, false, false)
                .await?;
            // Nothing cached before this point can have missed an invalidation.
            self.set_tracking_up(true);
            tracing::info!("redis invalidation feed connected");
            let mut ping = tokio::time::interval(Duration::from_secs(1));
            loop {
                tokio::select! {
                    _ = self.stopped() => return Ok(()),
                    message = invalidations.recv() => match message {
                        Ok(invalidation) => {
                            if invalidation.keys.is_empty() {
                                // FLUSHDB/FLUSHALL.
                                self.invalidate_all();
                            }
                            for key in &invalidation.keys {
                                match key.as_str().and_then(|k| k.strip_prefix(SESSION_KEY_PREFIX)) {
                                    Some(session_id) => self.invalidate_session(session_id),
                                    None => self.invalidate_all(),
                                }
                            }
                        }
                        Err(_) => {
                            // Lagged or closed: messages may be lost.
                            return Err(fred::error::Error::new(
                                fred::error::ErrorKind::IO,
                                "invalidation messages lost",
                            ));
                        }
                    },
                    error = errors.recv() => {
                        let detail = error.map(|(e, _)| e.to_string()).unwrap_or_default();
                        return Err(fred::error::Error::new(fred::error::ErrorKind::IO, detail));
                    }
                    _ = ping.tick() => {
                        client.ping::<()>(None).await?;
                    }
                }
            }
        }
        .await;
        let _ = client.quit().await;
        connection.abort();
        result
    }

    /// Applies one event from `warden.events` (by AMQP `type` and body).
    pub fn apply_event(&self, type_name: &str, body: &[u8]) {
        match type_name {
            "warden.events.v1.SessionRevoked" => {
                if let Ok(e) = SessionRevoked::decode(body) {
                    self.invalidate_session(&e.session_id);
                }
            }
            "warden.events.v1.SessionUpdated" => {
                if let Ok(e) = SessionUpdated::decode(body) {
                    self.invalidate_session(&e.session_id);
                }
            }
            "warden.events.v1.UserSuspended" => {
                if let Ok(e) = UserSuspended::decode(body) {
                    self.invalidate_user(&e.user_id);
                }
            }
            "warden.events.v1.UserDeleted" => {
                if let Ok(e) = UserDeleted::decode(body) {
                    self.invalidate_user(&e.user_id);
                }
            }
            _ => {}
        }
    }

    /// Follows `warden.events` on a private queue until the process ends,
    /// reconnecting after a loss (the cache is bypassed meanwhile).
    pub fn follow_revocations(self: &Arc<Self>, amqp_url: String) {
        self.keep_following(
            "revocation feed",
            move |cache| {
                let url = amqp_url.clone();
                async move { cache.consume(&url).await }
            },
            |cache| cache.set_feed_up(false),
        );
    }

    async fn consume(&self, url: &str) -> Result<(), lapin::Error> {
        use lapin::options::{
            BasicConsumeOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
        };
        use lapin::types::FieldTable;
        let connection =
            lapin::Connection::connect(url, lapin::ConnectionProperties::default()).await?;
        let channel = connection.create_channel().await?;
        channel
            .exchange_declare(
                "warden.events",
                lapin::ExchangeKind::Topic,
                ExchangeDeclareOptions {
                    durable: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await?;
        let queue = channel
            .queue_declare(
                "",
                QueueDeclareOptions {
                    exclusive: true,
                    auto_delete: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await?;
        for key in [
            "session.revoked",
            "session.updated",
            "user.suspended",
            "user.deleted",
        ] {
            channel
                .queue_bind(
                    queue.name().as_str(),
                    "warden.events",
                    key,
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await?;
        }
        let mut consumer = channel
            .basic_consume(
                queue.name().as_str(),
                "",
                BasicConsumeOptions {
                    no_ack: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await?;
        // Nothing cached before this point can have missed an event.
        self.set_feed_up(true);
        tracing::info!("revocation feed connected");
        loop {
            let delivery = tokio::select! {
                _ = self.stopped() => break,
                next = consumer.next() => match next {
                    Some(delivery) => delivery?,
                    None => break,
                },
            };
            let type_name = delivery
                .properties
                .kind()
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            self.apply_event(&type_name, &delivery.data);
        }
        Ok(())
    }
}

impl CachedSessionSource {
    async fn read(
        &self,
        session_id: &str,
        token: Option<&str>,
    ) -> Result<Option<Arc<Session>>, AuthError> {
        let use_cache = self.feed_up();
        if use_cache {
            if let Some((at, session)) = self.entries().get(session_id) {
                if at.elapsed() < self.max_age {
                    return Ok(Some(session.clone()));
                }
            }
        }
        let epoch = self.invalidations.load(Ordering::SeqCst);
        let loaded = match token {
            Some(token) => self.inner.shared_session(session_id, token).await?,
            None => self.inner.session(session_id).await?.map(Arc::new),
        };
        if let Some(session) = loaded.as_ref().filter(|s| s.enriched_at.is_some()) {
            // Cache only if no invalidation raced with this read; a session
            // not enriched yet is read again until it is.
            if use_cache && self.feed_up() && self.invalidations.load(Ordering::SeqCst) == epoch {
                let now = Instant::now();
                let mut entries = self.entries();
                entries.insert(session_id.to_owned(), (now, session.clone()));
                // Amortized: the map at least doubles between two sweeps.
                if entries.len() >= self.sweep_at.load(Ordering::Relaxed) {
                    entries.retain(|_, (at, _)| now.duration_since(*at) < self.max_age);
                    self.sweep_at
                        .store((entries.len() * 2).max(SWEEP_MIN), Ordering::Relaxed);
                }
            }
        }
        Ok(loaded)
    }
}

#[async_trait]
impl SessionSource for CachedSessionSource {
    async fn session(&self, session_id: &str) -> Result<Option<Session>, AuthError> {
        Ok(self.read(session_id, None).await?.map(Arc::unwrap_or_clone))
    }

    async fn session_for_token(
        &self,
        session_id: &str,
        token: &str,
    ) -> Result<Option<Session>, AuthError> {
        Ok(self
            .read(session_id, Some(token))
            .await?
            .map(Arc::unwrap_or_clone))
    }

    async fn shared_session(
        &self,
        session_id: &str,
        token: &str,
    ) -> Result<Option<Arc<Session>>, AuthError> {
        self.read(session_id, Some(token)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that counts its reads and can be told a session is gone.
    struct Counting {
        reads: AtomicU64,
        gone: AtomicBool,
    }

    #[async_trait]
    impl SessionSource for Counting {
        async fn session(&self, session_id: &str) -> Result<Option<Session>, AuthError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            Ok((!self.gone.load(Ordering::SeqCst)).then(|| Session {
                session_id: session_id.into(),
                user_id: "u".into(),
                enriched_at: Some(prost_types::Timestamp::default()),
                ..Default::default()
            }))
        }
    }

    fn setup() -> (Arc<Counting>, Arc<CachedSessionSource>) {
        let inner = Arc::new(Counting {
            reads: AtomicU64::new(0),
            gone: AtomicBool::new(false),
        });
        (
            inner.clone(),
            CachedSessionSource::new(inner, Duration::from_secs(60)),
        )
    }

    #[tokio::test]
    async fn without_a_feed_every_read_goes_to_the_source() {
        let (inner, cache) = setup();
        cache.session("s").await.unwrap();
        cache.session("s").await.unwrap();
        assert_eq!(inner.reads.load(Ordering::SeqCst), 2);
    }

    /// Sessions that end with no message about them (an expiry no feed
    /// reports) do not pile up: entries past `max_age` are swept out as the
    /// map grows.
    #[tokio::test]
    async fn entries_past_their_age_are_swept_out() {
        let inner = Arc::new(Counting {
            reads: AtomicU64::new(0),
            gone: AtomicBool::new(false),
        });
        let cache = CachedSessionSource::new(inner, Duration::from_secs(1));
        cache.set_feed_up(true);
        for i in 0..SWEEP_MIN {
            cache.session(&format!("old-{i}")).await.unwrap();
        }
        assert_eq!(cache.len(), SWEEP_MIN, "none past its age yet");
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        for i in 0..SWEEP_MIN {
            cache.session(&format!("new-{i}")).await.unwrap();
        }
        // The sweep at 2 * SWEEP_MIN entries dropped every old one.
        assert_eq!(cache.len(), SWEEP_MIN);
        assert!(cache.session("new-0").await.unwrap().is_some());
        assert_eq!(cache.len(), SWEEP_MIN);
    }

    #[tokio::test]
    async fn events_drop_cached_sessions_and_a_lost_feed_empties_the_cache() {
        let (inner, cache) = setup();
        cache.set_feed_up(true);
        cache.session("s").await.unwrap();
        cache.session("s").await.unwrap();
        assert_eq!(
            inner.reads.load(Ordering::SeqCst),
            1,
            "second read from the cache"
        );

        inner.gone.store(true, Ordering::SeqCst);
        let revoked = SessionRevoked {
            session_id: "s".into(),
            user_id: "u".into(),
            ..Default::default()
        };
        cache.apply_event("warden.events.v1.SessionRevoked", &revoked.encode_to_vec());
        assert_eq!(
            cache.session("s").await.unwrap(),
            None,
            "revocation reaches the cache at once"
        );

        inner.gone.store(false, Ordering::SeqCst);
        cache.session("a").await.unwrap();
        let suspended = UserSuspended {
            user_id: "u".into(),
            ..Default::default()
        };
        cache.apply_event("warden.events.v1.UserSuspended", &suspended.encode_to_vec());
        let before = inner.reads.load(Ordering::SeqCst);
        cache.session("a").await.unwrap();
        assert_eq!(
            inner.reads.load(Ordering::SeqCst),
            before + 1,
            "a suspension drops the user's sessions"
        );

        cache.session("a").await.unwrap();
        let deleted = UserDeleted {
            user_id: "u".into(),
            ..Default::default()
        };
        cache.apply_event("warden.events.v1.UserDeleted", &deleted.encode_to_vec());
        let before = inner.reads.load(Ordering::SeqCst);
        cache.session("a").await.unwrap();
        assert_eq!(
            inner.reads.load(Ordering::SeqCst),
            before + 1,
            "a deletion drops the user's sessions"
        );

        cache.set_feed_up(false);
        let before = inner.reads.load(Ordering::SeqCst);
        cache.session("a").await.unwrap();
        assert_eq!(
            inner.reads.load(Ordering::SeqCst),
            before + 1,
            "no feed, no cache"
        );
    }
}
