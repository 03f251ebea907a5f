#![doc = include_str!("../README.md")]

use std::collections::HashSet;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use tonic::Status;
use warden_proto::auth::v1::Jwk;
use warden_proto::session::v1::Session;

mod authz;
mod error;
pub mod sources;
mod verify;

pub use authz::{AuthzClient, ServiceCredential};
pub use error::AuthError;
pub use verify::{Claims, JwksCache, TokenVerifier, MAX_TOKEN_BYTES};

/// Where the public keys that verify access tokens come from.
#[async_trait]
pub trait KeySource: Send + Sync + 'static {
    /// The currently published keys (Warden's JWKS).
    async fn keys(&self) -> Result<Vec<Jwk>, AuthError>;
}

/// Where sessions are read from, by session id.
#[async_trait]
pub trait SessionSource: Send + Sync + 'static {
    /// The live session, or `None` when it does not exist (revoked or expired).
    async fn session(&self, session_id: &str) -> Result<Option<Session>, AuthError>;

    /// The live session for a call that presented `token` (already verified,
    /// and naming `session_id`). Sources that ask Warden on the caller's behalf
    /// ([`sources::GrpcSessionSource`]) need the token; the others ignore it.
    async fn session_for_token(
        &self,
        session_id: &str,
        token: &str,
    ) -> Result<Option<Session>, AuthError> {
        let _ = token;
        self.session(session_id).await
    }

    /// [`SessionSource::session_for_token`] as a shared value, which is what
    /// the layer asks for: a cache hands out what it holds without copying it.
    async fn shared_session(
        &self,
        session_id: &str,
        token: &str,
    ) -> Result<Option<Arc<Session>>, AuthError> {
        Ok(self
            .session_for_token(session_id, token)
            .await?
            .map(Arc::new))
    }
}

/// The authenticated caller, put into the request extensions by the layer.
#[derive(Clone)]
pub struct AuthContext {
    /// The user (`sub`).
    pub user_id: String,
    /// The session (`sid`).
    pub session_id: String,
    /// The session as loaded for this request.
    pub session: Arc<Session>,
    /// The verified claims of the access token.
    pub claims: Arc<Claims>,
    /// The `authorization` value that carried the token (shares its bytes
    /// with the request headers, no copy).
    authorization: http::HeaderValue,
}

impl std::fmt::Debug for AuthContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is a credential: never printed.
        f.debug_struct("AuthContext")
            .field("user_id", &self.user_id)
            .field("session_id", &self.session_id)
            .field("session", &self.session)
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

impl AuthContext {
    /// The context of a request that went through the layer; UNAUTHENTICATED
    /// when it is absent (the method was left open, or the layer is missing).
    pub fn of<T>(req: &tonic::Request<T>) -> Result<&AuthContext, Status> {
        req.extensions()
            .get::<AuthContext>()
            .ok_or_else(|| AuthError::MissingToken.into())
    }

    /// The caller's verified access token (to call Warden on its behalf,
    /// for example `CheckPermission`); never log it.
    pub fn token(&self) -> &str {
        bearer_token(&self.authorization).unwrap_or_default()
    }

    /// Fails with PERMISSION_DENIED unless the caller is `user_id`.
    pub fn require_owner(&self, user_id: &str) -> Result<(), AuthError> {
        if self.user_id == user_id {
            Ok(())
        } else {
            Err(AuthError::PermissionDenied("not the owner".into()))
        }
    }

    /// Fails with PERMISSION_DENIED unless the session holds `role`.
    pub fn require_role(&self, role: &str) -> Result<(), AuthError> {
        if self.session.roles.iter().any(|r| r == role) {
            Ok(())
        } else {
            Err(AuthError::PermissionDenied(format!(
                "needs the role {role}"
            )))
        }
    }

    /// Fails with PERMISSION_DENIED unless the session holds `permission`
    /// (granted by one of its roles).
    pub fn require_permission(&self, permission: &str) -> Result<(), AuthError> {
        if self.session.permissions.iter().any(|p| p == permission) {
            Ok(())
        } else {
            Err(AuthError::PermissionDenied(format!(
                "needs the permission {permission}"
            )))
        }
    }
}

/// The token of an `authorization: Bearer <token>` value.
fn bearer_token(value: &http::HeaderValue) -> Result<&str, AuthError> {
    let value = value.to_str().map_err(|_| AuthError::MalformedToken)?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Ok(token.trim()),
        _ => Err(AuthError::MissingToken),
    }
}

/// Metadata prefix that only Warden may set; client-sent values are removed.
pub const RESERVED_METADATA_PREFIX: &str = "x-warden-";

/// Builds a [`WardenLayer`].
pub struct WardenLayerBuilder {
    issuer: String,
    audience: String,
    keys: Option<Arc<dyn KeySource>>,
    sessions: Option<Arc<dyn SessionSource>>,
    leeway: Duration,
    key_refresh_interval: Duration,
    open_methods: HashSet<String>,
    open_services: Vec<String>,
    enrichment_wait: Option<Duration>,
}

/// How long a session without `enriched_at` is waited for by default.
pub const DEFAULT_ENRICHMENT_WAIT: Duration = Duration::from_secs(3);

impl WardenLayerBuilder {
    /// Where the verification keys come from (required).
    pub fn key_source(mut self, source: Arc<dyn KeySource>) -> Self {
        self.keys = Some(source);
        self
    }

    /// Where sessions come from (required).
    pub fn session_source(mut self, source: Arc<dyn SessionSource>) -> Self {
        self.sessions = Some(source);
        self
    }

    /// Clock skew tolerated on `exp` and `nbf` (default 30 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Least time between two key-set reloads caused by unknown `kid`s (default 5 s).
    pub fn key_refresh_interval(mut self, interval: Duration) -> Self {
        self.key_refresh_interval = interval;
        self
    }

    /// How long a session that Warden has not enriched yet (no `enriched_at`:
    /// its roles, permissions and attributes are not there) is waited for,
    /// re-reading the session source, before the call fails with UNAVAILABLE
    /// and reason `SESSION_NOT_READY` (default [`DEFAULT_ENRICHMENT_WAIT`]).
    /// Such a session is never handed to a handler as "no roles".
    pub fn enrichment_wait(mut self, wait: Duration) -> Self {
        self.enrichment_wait = Some(wait);
        self
    }

    /// Hands handlers sessions whether or not they are enriched. Only for
    /// services that never read roles, permissions or attributes from the
    /// session (Warden's own RPCs).
    pub fn without_enrichment_wait(mut self) -> Self {
        self.enrichment_wait = None;
        self
    }

    /// Leaves one method open, by its path (`/package.Service/Method`).
    pub fn open_method(mut self, path: impl Into<String>) -> Self {
        self.open_methods.insert(path.into());
        self
    }

    /// Leaves every method of a service open (`grpc.health.v1.Health`).
    pub fn open_service(mut self, service: impl AsRef<str>) -> Self {
        self.open_services.push(format!("/{}/", service.as_ref()));
        self
    }

    /// The layer; panics if a key or session source is missing (a wiring bug).
    pub fn build(self) -> WardenLayer {
        let keys = self.keys.expect("WardenLayer needs a key source");
        let sessions = self.sessions.expect("WardenLayer needs a session source");
        let verifier = TokenVerifier::new(
            JwksCache::new(keys, self.key_refresh_interval),
            self.issuer,
            self.audience,
            self.leeway,
        );
        WardenLayer {
            shared: Arc::new(Shared {
                verifier,
                sessions,
                open_methods: self.open_methods,
                open_services: self.open_services,
                enrichment_wait: self.enrichment_wait,
            }),
        }
    }
}

struct Shared {
    verifier: TokenVerifier,
    sessions: Arc<dyn SessionSource>,
    open_methods: HashSet<String>,
    open_services: Vec<String>,
    enrichment_wait: Option<Duration>,
}

impl Shared {
    fn is_open(&self, path: &str) -> bool {
        self.open_methods.contains(path)
            || self
                .open_services
                .iter()
                .any(|prefix| path.starts_with(prefix))
    }

    async fn authenticate(&self, headers: &http::HeaderMap) -> Result<AuthContext, AuthError> {
        let mut values = headers.get_all(http::header::AUTHORIZATION).iter();
        let value = values.next().ok_or(AuthError::MissingToken)?;
        // Two different credentials are ambiguous: which one a proxy on the
        // way checked is unknown, so neither is taken. The same one twice
        // (a client whose channel and call both add it) is one credential.
        if values.any(|other| other != value) || value.len() > MAX_TOKEN_BYTES + 16 {
            return Err(AuthError::MalformedToken);
        }
        let token = bearer_token(value)?;
        let claims = self.verifier.verify_cached(token).await?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let session = match self.session(&claims.sid, token).await {
            // Warden never signs a token past its session's end, so a token in
            // the leeway after its `exp` whose session is gone most likely
            // outlived it: the session expired rather than being revoked.
            Err(AuthError::SessionRevoked) if now >= claims.exp as i64 => {
                return Err(AuthError::SessionExpired)
            }
            found => found?,
        };
        if session.user_id != claims.sub {
            return Err(AuthError::SessionRevoked);
        }
        if session
            .expires_at
            .as_ref()
            .is_some_and(|t| t.seconds <= now)
        {
            return Err(AuthError::SessionExpired);
        }
        Ok(AuthContext {
            user_id: claims.sub.clone(),
            session_id: claims.sid.clone(),
            session,
            claims,
            authorization: value.clone(),
        })
    }
}

impl Shared {
    /// The session behind `session_id`, waiting (bounded) for its enrichment
    /// unless the layer was built without the wait.
    async fn session(&self, session_id: &str, token: &str) -> Result<Arc<Session>, AuthError> {
        let load = || async {
            self.sessions
                .shared_session(session_id, token)
                .await?
                .ok_or(AuthError::SessionRevoked)
        };
        let session = load().await?;
        let Some(wait) = self.enrichment_wait else {
            return Ok(session);
        };
        if session.enriched_at.is_some() {
            return Ok(session);
        }
        let deadline = tokio::time::Instant::now() + wait;
        let mut pause = Duration::from_millis(5);
        loop {
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(AuthError::SessionNotReady);
            }
            tokio::time::sleep(pause.min(deadline - now)).await;
            pause = (pause * 2).min(Duration::from_millis(100));
            let session = load().await?;
            if session.enriched_at.is_some() {
                return Ok(session);
            }
        }
    }
}

/// Tower layer that authenticates every call except the open ones.
#[derive(Clone)]
pub struct WardenLayer {
    shared: Arc<Shared>,
}

impl WardenLayer {
    /// Starts a builder for tokens issued by `issuer` for `audience`.
    pub fn builder(issuer: impl Into<String>, audience: impl Into<String>) -> WardenLayerBuilder {
        WardenLayerBuilder {
            issuer: issuer.into(),
            audience: audience.into(),
            keys: None,
            sessions: None,
            leeway: Duration::from_secs(30),
            key_refresh_interval: Duration::from_secs(5),
            open_methods: HashSet::new(),
            open_services: Vec::new(),
            enrichment_wait: Some(DEFAULT_ENRICHMENT_WAIT),
        }
    }

    /// Verifies a bearer token and loads its session, as the layer does for a call.
    pub async fn authenticate(&self, headers: &http::HeaderMap) -> Result<AuthContext, AuthError> {
        self.shared.authenticate(headers).await
    }

    /// Reloads the key set every `every` in the background (as well as on
    /// an unknown `kid`), so a retired key stops verifying within `every`.
    /// Stops when the layer is dropped.
    pub fn refresh_keys_periodically(&self, every: Duration) {
        let shared = Arc::downgrade(&self.shared);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                if let Err(e) = shared.verifier.keys().refresh(true).await {
                    tracing::warn!(error = %e, "cannot refresh the key set; keeping the loaded one");
                }
            }
        });
    }

    /// Reloads the key set now (after a key rotation); a changed key set
    /// forgets every remembered token.
    pub async fn refresh_keys(&self) -> Result<(), AuthError> {
        self.shared.verifier.keys().refresh(true).await
    }
}

impl<S> tower::Layer<S> for WardenLayer {
    type Service = WardenService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WardenService {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// The service of [`WardenLayer`].
#[derive(Clone)]
pub struct WardenService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for WardenService<S>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: http::Request<ReqBody>) -> Self::Future {
        // Identity-looking metadata from the client is never trusted.
        let reserved: Vec<http::HeaderName> = req
            .headers()
            .keys()
            .filter(|name| name.as_str().starts_with(RESERVED_METADATA_PREFIX))
            .cloned()
            .collect();
        for name in reserved {
            req.headers_mut().remove(name);
        }
        req.extensions_mut().remove::<AuthContext>();
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        if self.shared.is_open(req.uri().path()) {
            return Box::pin(inner.call(req));
        }
        let shared = self.shared.clone();
        Box::pin(async move {
            match shared.authenticate(req.headers()).await {
                Ok(ctx) => {
                    req.extensions_mut().insert(ctx);
                    inner.call(req).await
                }
                Err(err) => Ok(Status::from(err).into_http()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Mutex;

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    use super::*;

    struct OneKey(Jwk);

    #[async_trait]
    impl KeySource for OneKey {
        async fn keys(&self) -> Result<Vec<Jwk>, AuthError> {
            Ok(vec![self.0.clone()])
        }
    }

    /// A session that becomes enriched after `unenriched_reads` reads.
    struct Enriching {
        reads: AtomicU32,
        unenriched_reads: u32,
        tokens_seen: Mutex<Vec<String>>,
    }

    #[async_trait]
    impl SessionSource for Enriching {
        async fn session(&self, session_id: &str) -> Result<Option<Session>, AuthError> {
            let n = self.reads.fetch_add(1, Ordering::SeqCst);
            let enriched = n >= self.unenriched_reads;
            Ok(Some(Session {
                session_id: session_id.into(),
                user_id: "u".into(),
                roles: if enriched {
                    vec!["editor".into()]
                } else {
                    vec![]
                },
                permissions: if enriched {
                    vec!["articles.create".into()]
                } else {
                    vec![]
                },
                enriched_at: enriched.then(prost_types::Timestamp::default),
                ..Default::default()
            }))
        }

        async fn session_for_token(
            &self,
            session_id: &str,
            token: &str,
        ) -> Result<Option<Session>, AuthError> {
            self.tokens_seen.lock().unwrap().push(token.to_owned());
            self.session(session_id).await
        }
    }

    fn signed_token() -> (String, Jwk) {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let jwk = Jwk {
            kid: "k".into(),
            kty: "OKP".into(),
            alg: "EdDSA".into(),
            r#use: "sig".into(),
            crv: "Ed25519".into(),
            x: URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
            ..Default::default()
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
        header.kid = Some("k".into());
        header.typ = Some("at+jwt".into());
        let claims = serde_json::json!({
            "iss": "warden", "aud": "warden", "sub": "u", "sid": "s",
            "iat": now, "nbf": now, "exp": now + 60, "jti": "j"
        });
        let key = jsonwebtoken::EncodingKey::from_ed_der(pkcs8.as_ref());
        (jsonwebtoken::encode(&header, &claims, &key).unwrap(), jwk)
    }

    fn layer(
        unenriched_reads: u32,
        tune: impl FnOnce(WardenLayerBuilder) -> WardenLayerBuilder,
    ) -> (WardenLayer, Arc<Enriching>, http::HeaderMap) {
        let (token, jwk) = signed_token();
        let sessions = Arc::new(Enriching {
            reads: AtomicU32::new(0),
            unenriched_reads,
            tokens_seen: Mutex::new(Vec::new()),
        });
        let layer = tune(
            WardenLayer::builder("warden", "warden")
                .key_source(Arc::new(OneKey(jwk)))
                .session_source(sessions.clone()),
        )
        .build();
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        (layer, sessions, headers)
    }

    #[tokio::test]
    async fn a_session_not_enriched_yet_is_waited_for() {
        let (layer, sessions, headers) = layer(3, |b| b);
        let ctx = layer.authenticate(&headers).await.unwrap();
        assert!(ctx.session.enriched_at.is_some());
        assert_eq!(
            sessions.reads.load(Ordering::SeqCst),
            4,
            "re-read until enriched"
        );
        ctx.require_role("editor").unwrap();
        ctx.require_permission("articles.create").unwrap();
        let token = headers[http::header::AUTHORIZATION]
            .to_str()
            .unwrap()
            .trim_start_matches("Bearer ")
            .to_owned();
        assert!(
            sessions
                .tokens_seen
                .lock()
                .unwrap()
                .iter()
                .all(|t| *t == token),
            "the source is handed the caller's token"
        );
    }

    #[tokio::test]
    async fn a_session_never_enriched_is_unavailable_not_roleless() {
        let (layer, sessions, headers) =
            layer(u32::MAX, |b| b.enrichment_wait(Duration::from_millis(150)));
        let started = std::time::Instant::now();
        let err = layer.authenticate(&headers).await.unwrap_err();
        assert_eq!(err, AuthError::SessionNotReady);
        assert_eq!(Status::from(err).code(), tonic::Code::Unavailable);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the wait is bounded"
        );
        assert!(
            sessions.reads.load(Ordering::SeqCst) > 2,
            "the source is re-read"
        );
    }

    #[tokio::test]
    async fn without_the_wait_an_unenriched_session_passes_as_it_is() {
        let (layer, sessions, headers) = layer(u32::MAX, |b| b.without_enrichment_wait());
        let ctx = layer.authenticate(&headers).await.unwrap();
        assert!(ctx.session.enriched_at.is_none());
        assert_eq!(sessions.reads.load(Ordering::SeqCst), 1);
        // Handlers that do look at roles still refuse.
        let err = ctx.require_role("editor").unwrap_err();
        assert_eq!(err.code(), tonic::Code::PermissionDenied);
        assert_eq!(err.reason(), "PERMISSION_DENIED");
    }

    /// One session, as the store holds it (`None`: gone).
    struct Fixed(Option<Session>);

    #[async_trait]
    impl SessionSource for Fixed {
        async fn session(&self, _: &str) -> Result<Option<Session>, AuthError> {
            Ok(self.0.clone())
        }

        async fn session_for_token(
            &self,
            session_id: &str,
            _: &str,
        ) -> Result<Option<Session>, AuthError> {
            self.session(session_id).await
        }
    }

    #[tokio::test]
    async fn a_session_past_its_end_or_of_another_user_is_refused() {
        let (token, jwk) = signed_token();
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let session = |user: &str, end: i64| Session {
            session_id: "s".into(),
            user_id: user.into(),
            expires_at: Some(prost_types::Timestamp {
                seconds: end,
                nanos: 0,
            }),
            enriched_at: Some(prost_types::Timestamp::default()),
            ..Default::default()
        };
        for (stored, expected) in [
            // A store (or a cache) still handing out a session past its end.
            (Some(session("u", now - 1)), Some(AuthError::SessionExpired)),
            (
                Some(session("someone-else", now + 60)),
                Some(AuthError::SessionRevoked),
            ),
            // Gone while the token has most of its minute left: ended by someone.
            (None, Some(AuthError::SessionRevoked)),
            (Some(session("u", now + 60)), None),
        ] {
            let layer = WardenLayer::builder("warden", "warden")
                .key_source(Arc::new(OneKey(jwk.clone())))
                .session_source(Arc::new(Fixed(stored)))
                .build();
            assert_eq!(layer.authenticate(&headers).await.err(), expected);
        }
    }

    #[tokio::test]
    async fn role_permission_and_owner_checks_refuse_with_permission_denied() {
        let (layer, _, headers) = layer(0, |b| b);
        let ctx = layer.authenticate(&headers).await.unwrap();
        for err in [
            ctx.require_role("admin").unwrap_err(),
            ctx.require_permission("articles.delete").unwrap_err(),
            ctx.require_owner("someone-else").unwrap_err(),
        ] {
            let status = Status::from(err);
            assert_eq!(status.code(), tonic::Code::PermissionDenied);
        }
        ctx.require_owner("u").unwrap();
    }
}
