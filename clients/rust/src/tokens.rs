//! [`TokenSource`]: logs in and keeps an access token fresh.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures::future::{BoxFuture, FutureExt, Shared};
use tokio::time::Instant;
use tonic::transport::Channel;
use tonic::{Code, Status};
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::auth::v1::{
    LoginRequest, LoginWithApiKeyRequest, LogoutRequest, RefreshRequest, Tokens,
};

/// The longest time before expiry at which a token is refreshed.
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(30);
/// How long a failed renewal is not retried while the current token is valid.
const RETRY_DELAY: Duration = Duration::from_secs(1);
/// Bounds one login or refresh.
const RENEW_TIMEOUT: Duration = Duration::from_secs(15);
/// A token refused by a server is renewed early at most this often (so a
/// service that refuses every token cannot make the client refresh per call).
const MIN_FORCED_RENEWAL_INTERVAL: Duration = Duration::from_secs(5);

/// How the client proves who it is to Warden.
#[derive(Clone)]
pub enum Credentials {
    /// `AuthService.Login` with an email and a password.
    Password {
        /// The account's email.
        email: String,
        /// The account's password.
        password: String,
    },
    /// `AuthService.LoginWithApiKey` with an API key (`wdn_...`).
    ApiKey(String),
}

impl Credentials {
    /// An email and a password.
    pub fn password(email: impl Into<String>, password: impl Into<String>) -> Self {
        Self::Password {
            email: email.into(),
            password: password.into(),
        }
    }

    /// An API key.
    pub fn api_key(api_key: impl Into<String>) -> Self {
        Self::ApiKey(api_key.into())
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret.
        match self {
            Self::Password { email, .. } => f
                .debug_struct("Password")
                .field("email", email)
                .finish_non_exhaustive(),
            Self::ApiKey(_) => f.write_str("ApiKey(..)"),
        }
    }
}

/// How many logins and refreshes a [`TokenSource`] made (for metrics, and to
/// see that concurrent calls share one refresh).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenStats {
    /// Successful logins (the first one, and re-logins after a refused refresh).
    pub logins: u64,
    /// Successful refreshes.
    pub refreshes: u64,
}

/// Logs in with [`Credentials`] and keeps an access token fresh: the token is
/// refreshed (`AuthService.Refresh`, which rotates the refresh token) when
/// less than a fifth of its lifetime (at most 30 s) remains; when Warden
/// refuses the refresh token (session ended or revoked), it logs in again.
/// Concurrent callers share one login or refresh, which runs on its own task
/// so that a caller giving up does not abort it. Cloning shares the tokens.
#[derive(Clone)]
pub struct TokenSource {
    inner: Arc<Inner>,
}

struct Inner {
    auth: AuthServiceClient<Channel>,
    credentials: Credentials,
    state: Mutex<State>,
    logins: AtomicU64,
    refreshes: AtomicU64,
}

/// A login or refresh in flight, awaited by every caller that needs it.
type Renewal = Shared<BoxFuture<'static, Result<(), Status>>>;

#[derive(Default)]
struct State {
    held: Option<Held>,
    /// After a failed renewal, the current token is used until then.
    retry_after: Option<Instant>,
    inflight: Option<Renewal>,
    last_forced: Option<Instant>,
}

/// The current tokens and their schedule.
struct Held {
    tokens: Tokens,
    expiry: Instant,
    refresh_at: Instant,
}

impl Held {
    /// `tokens` received for a request sent at `sent` (so expiry errs early).
    fn new(tokens: Tokens, sent: Instant) -> Self {
        let lifetime = Duration::from_secs(tokens.expires_in.max(0).unsigned_abs());
        let expiry = sent + lifetime;
        let margin = (lifetime / 5).min(MAX_REFRESH_MARGIN);
        Self {
            tokens,
            expiry,
            refresh_at: expiry - margin,
        }
    }
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("credentials", &self.inner.credentials)
            .field("session_id", &self.session_id())
            .finish_non_exhaustive()
    }
}

/// Whether Warden refused the refresh token itself (rather than being
/// unreachable): then only a new login helps.
fn refresh_refused(status: &Status) -> bool {
    matches!(
        status.code(),
        Code::Unauthenticated | Code::InvalidArgument | Code::NotFound
    )
}

impl TokenSource {
    /// A source that logs in through `channel` (to Warden) with `credentials`
    /// on first use. The channel needs no authentication of its own: the
    /// source only calls Warden's open RPCs on it.
    pub fn new(channel: Channel, credentials: Credentials) -> Self {
        Self {
            inner: Arc::new(Inner {
                auth: AuthServiceClient::new(channel),
                credentials,
                state: Mutex::new(State::default()),
                logins: AtomicU64::new(0),
                refreshes: AtomicU64::new(0),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state()
    }

    /// A valid access token, logging in or refreshing first when needed.
    /// Errors are Warden's statuses (for example `UNAUTHENTICATED` /
    /// `INVALID_CREDENTIALS`) or the channel's (`UNAVAILABLE`).
    pub async fn access_token(&self) -> Result<String, Status> {
        let renewal = {
            let mut state = self.state();
            let now = Instant::now();
            if let Some(held) = &state.held {
                let waiting_to_retry = state.retry_after.is_some_and(|r| now < r);
                if now < held.refresh_at || (waiting_to_retry && now < held.expiry) {
                    return Ok(held.tokens.access_token.clone());
                }
            }
            match &state.inflight {
                Some(renewal) => renewal.clone(),
                None => {
                    let renewal = self.start_renewal();
                    state.inflight = Some(renewal.clone());
                    renewal
                }
            }
        };
        let outcome = renewal.await;
        let state = self.state();
        match (&state.held, outcome) {
            (Some(held), Ok(())) => Ok(held.tokens.access_token.clone()),
            // A failed refresh leaves a token that is still valid: use it.
            (Some(held), Err(_)) if Instant::now() < held.expiry => {
                Ok(held.tokens.access_token.clone())
            }
            (_, Err(status)) => Err(status),
            // Logged out while the renewal ran.
            (None, Ok(())) => Err(Status::unauthenticated("warden-client: logged out")),
        }
    }

    /// Runs one renewal on its own task and returns the future every waiting
    /// caller shares.
    fn start_renewal(&self) -> Renewal {
        let inner = self.inner.clone();
        let task = tokio::spawn(async move { inner.renew().await });
        async move {
            task.await.unwrap_or_else(|_| {
                Err(Status::internal(
                    "warden-client: the token renewal task failed",
                ))
            })
        }
        .boxed()
        .shared()
    }

    /// Marks `token` as refused by a server (`UNAUTHENTICATED`): when it is
    /// still the current token, the next call renews it (a refresh, or a new
    /// login if the session was revoked) instead of waiting for the refresh
    /// time. Done at most once per 5 s.
    pub fn token_refused(&self, token: &str) {
        let mut state = self.state();
        let now = Instant::now();
        if state
            .last_forced
            .is_some_and(|t| now.duration_since(t) < MIN_FORCED_RENEWAL_INTERVAL)
        {
            return;
        }
        let State {
            held, last_forced, ..
        } = &mut *state;
        if let Some(held) = held.as_mut().filter(|h| h.tokens.access_token == token) {
            held.refresh_at = now;
            // A refused token is not worth keeping after a failed renewal.
            held.expiry = now;
            *last_forced = Some(now);
        }
    }

    /// How many logins and refreshes this source made.
    pub fn stats(&self) -> TokenStats {
        TokenStats {
            logins: self.inner.logins.load(Ordering::Relaxed),
            refreshes: self.inner.refreshes.load(Ordering::Relaxed),
        }
    }

    /// The user of the current tokens (`None` before the first login).
    pub fn user_id(&self) -> Option<String> {
        self.state().held.as_ref().map(|h| h.tokens.user_id.clone())
    }

    /// The session of the current tokens (`None` before the first login).
    pub fn session_id(&self) -> Option<String> {
        self.state()
            .held
            .as_ref()
            .map(|h| h.tokens.session_id.clone())
    }

    /// Ends the current session (`AuthService.Logout`) and forgets its tokens;
    /// the next [`access_token`](Self::access_token) logs in again.
    pub async fn logout(&self) -> Result<(), Status> {
        let Some(token) = self
            .state()
            .held
            .as_ref()
            .map(|h| h.tokens.access_token.clone())
        else {
            return Ok(());
        };
        let mut request = tonic::Request::new(LogoutRequest {});
        let mut value: tonic::metadata::MetadataValue<_> = format!("Bearer {token}")
            .parse()
            .map_err(|_| Status::internal("warden-client: access token is not ASCII"))?;
        value.set_sensitive(true);
        request.metadata_mut().insert("authorization", value);
        self.inner.auth.clone().logout(request).await?;
        let mut state = self.state();
        if state
            .held
            .as_ref()
            .is_some_and(|h| h.tokens.access_token == token)
        {
            state.held = None;
        }
        Ok(())
    }

    /// A source whose current access token is `token`, valid for `lifetime`,
    /// for unit tests that need no Warden.
    #[cfg(test)]
    pub(crate) fn with_token(channel: Channel, token: &str, lifetime: Duration) -> Self {
        let source = Self::new(channel, Credentials::api_key("unused"));
        source.state().held = Some(Held::new(
            Tokens {
                access_token: token.into(),
                expires_in: i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX),
                ..Tokens::default()
            },
            Instant::now(),
        ));
        source
    }
}

impl Inner {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Refreshes (or logs in) and stores the result.
    async fn renew(&self) -> Result<(), Status> {
        let sent = Instant::now();
        let refresh_token = self
            .state()
            .held
            .as_ref()
            .map(|h| h.tokens.refresh_token.clone())
            .filter(|t| !t.is_empty());
        let result = tokio::time::timeout(RENEW_TIMEOUT, async {
            if let Some(refresh_token) = refresh_token {
                match self.refresh(refresh_token).await {
                    Ok(tokens) => return Ok(tokens),
                    Err(status) if refresh_refused(&status) => {}
                    Err(status) => return Err(status),
                }
            }
            self.login().await
        })
        .await
        .unwrap_or_else(|_| {
            Err(Status::deadline_exceeded(
                "warden-client: login or refresh took too long",
            ))
        })
        .and_then(|tokens| {
            if tokens.access_token.is_empty() {
                Err(Status::internal(
                    "warden-client: Warden returned no access token",
                ))
            } else {
                Ok(tokens)
            }
        });
        let mut state = self.state();
        state.inflight = None;
        match result {
            Ok(tokens) => {
                state.held = Some(Held::new(tokens, sent));
                state.retry_after = None;
                Ok(())
            }
            Err(status) => {
                state.retry_after = Some(Instant::now() + RETRY_DELAY);
                Err(status)
            }
        }
    }

    async fn refresh(&self, refresh_token: String) -> Result<Tokens, Status> {
        let tokens = self
            .auth
            .clone()
            .refresh(RefreshRequest { refresh_token })
            .await?
            .into_inner()
            .tokens
            .ok_or_else(|| Status::internal("warden-client: Refresh returned no tokens"))?;
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        Ok(tokens)
    }

    async fn login(&self) -> Result<Tokens, Status> {
        let mut auth = self.auth.clone();
        let tokens = match &self.credentials {
            Credentials::Password { email, password } => {
                auth.login(LoginRequest {
                    email: email.clone(),
                    password: password.clone(),
                })
                .await?
                .into_inner()
                .tokens
            }
            Credentials::ApiKey(api_key) => {
                auth.login_with_api_key(LoginWithApiKeyRequest {
                    api_key: api_key.clone(),
                })
                .await?
                .into_inner()
                .tokens
            }
        }
        .ok_or_else(|| Status::internal("warden-client: login returned no tokens"))?;
        self.logins.fetch_add(1, Ordering::Relaxed);
        Ok(tokens)
    }
}
