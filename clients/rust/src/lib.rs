//! Rust client of Warden.
//!
//! [`WardenClient`] holds typed clients for `AuthService`, `SessionService`
//! and `AuthzService` that share one [`tonic::transport::Channel`]. Built with
//! [`Credentials`] (a password or an API key) it logs in and keeps the access
//! token fresh: a [`TokenSource`] refreshes it when less than a fifth of its
//! lifetime (at most 30 s) remains, rotating the refresh token, logs in again
//! when Warden refuses the refresh token, and makes concurrent calls share
//! one refresh. The [`BearerLayer`] (a tower layer on the channel) attaches
//! `authorization: Bearer <token>` to every call except Warden's open RPCs
//! (`Register`, `Login`, `LoginWithApiKey`, `Refresh`, `GetJwks`, health).
//!
//! Errors are Warden's own [`tonic::Status`], with its `google.rpc.ErrorInfo`;
//! [`reason`] reads the stable reason (`INVALID_CREDENTIALS`, ...).
//!
//! ```no_run
//! use warden_client::{Credentials, WardenClient};
//! use warden_client::proto::session::v1::GetCurrentSessionRequest;
//!
//! # async fn demo() -> Result<(), warden_client::Error> {
//! let client = WardenClient::connect(
//!     "http://127.0.0.1:50051",
//!     Credentials::password("alice@example.com", "correct horse battery staple"),
//! )
//! .await?;
//! let me = client.sessions().get_current_session(GetCurrentSessionRequest {}).await?;
//! println!("{:?}", me.into_inner().session.map(|s| s.user_id));
//! # Ok(())
//! # }
//! ```
//!
//! Tokens, refresh tokens, passwords and API keys are never logged or
//! printed (their `Debug` output is redacted).

#![warn(missing_docs)]

mod layer;
mod tokens;

use tonic::transport::{Channel, Endpoint};
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::authz::v1::authz_service_client::AuthzServiceClient;
use warden_proto::session::v1::session_service_client::SessionServiceClient;

pub use layer::{is_open_method, BearerLayer, BearerService};
pub use tokens::{Credentials, TokenSource, TokenStats};

/// The generated messages and stubs of the Warden API (`warden-proto`).
pub use warden_proto as proto;

/// A channel to Warden whose calls carry the client's access token.
pub type AuthenticatedChannel = BearerService<Channel>;

/// What can go wrong connecting to Warden or logging in.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address is invalid or the connection could not be made.
    #[error("cannot connect to Warden: {0}")]
    Connect(#[from] tonic::transport::Error),
    /// Warden (or the channel) answered with this status; its details keep
    /// Warden's `ErrorInfo`.
    #[error("Warden refused the call: {} ({})", .0.code(), .0.message())]
    Status(#[from] tonic::Status),
}

impl Error {
    /// The gRPC status, when Warden answered.
    pub fn status(&self) -> Option<&tonic::Status> {
        match self {
            Self::Status(status) => Some(status),
            Self::Connect(_) => None,
        }
    }

    /// Warden's `ErrorInfo.reason`, when Warden answered with one.
    pub fn reason(&self) -> Option<String> {
        self.status().and_then(reason)
    }
}

/// The `google.rpc.ErrorInfo` in a status' details, if any.
pub fn error_info(status: &tonic::Status) -> Option<tonic_types::ErrorInfo> {
    use tonic_types::StatusExt;
    status.get_error_details().error_info().cloned()
}

/// The stable `ErrorInfo.reason` of a Warden status (for example
/// `INVALID_CREDENTIALS`, `TOKEN_EXPIRED`, `SESSION_REVOKED`), if any.
pub fn reason(status: &tonic::Status) -> Option<String> {
    error_info(status).map(|info| info.reason)
}

/// Typed clients for Warden's three services on one shared channel, and the
/// token source that authenticates them (when built with credentials).
/// Cloning is cheap and shares the channel and the tokens.
#[derive(Clone)]
pub struct WardenClient {
    channel: Channel,
    tokens: Option<TokenSource>,
    authenticated: AuthenticatedChannel,
}

impl std::fmt::Debug for WardenClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WardenClient")
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

impl WardenClient {
    /// Connects to the Warden at `endpoint` (`http://host:port`, or `https://`
    /// with tonic's TLS features) and logs in with `credentials`. Fails with
    /// Warden's status when the login is refused.
    pub async fn connect(
        endpoint: impl Into<String>,
        credentials: Credentials,
    ) -> Result<Self, Error> {
        let channel = Endpoint::from_shared(endpoint.into())?.connect().await?;
        Ok(Self::login(channel, credentials).await?)
    }

    /// A client on `channel` that logs in with `credentials` now (so a wrong
    /// password fails here) and keeps the access token fresh afterwards.
    pub async fn login(channel: Channel, credentials: Credentials) -> Result<Self, tonic::Status> {
        let tokens = TokenSource::new(channel.clone(), credentials);
        tokens.access_token().await?;
        Ok(Self::with_tokens(channel, tokens))
    }

    /// A client on `channel` authenticated by `tokens` (which logs in on first
    /// use).
    pub fn with_tokens(channel: Channel, tokens: TokenSource) -> Self {
        let authenticated = BearerLayer::new(tokens.clone()).wrap(channel.clone());
        Self {
            channel,
            tokens: Some(tokens),
            authenticated,
        }
    }

    /// A client without credentials, for the open RPCs (`Register`, `Login`,
    /// `GetJwks`, ...); other RPCs are refused by Warden with
    /// `UNAUTHENTICATED` / `MISSING_TOKEN`.
    pub fn anonymous(channel: Channel) -> Self {
        Self {
            authenticated: BearerService::passthrough(channel.clone()),
            channel,
            tokens: None,
        }
    }

    /// `warden.auth.v1.AuthService`.
    pub fn auth(&self) -> AuthServiceClient<AuthenticatedChannel> {
        AuthServiceClient::new(self.authenticated.clone())
    }

    /// `warden.session.v1.SessionService`.
    pub fn sessions(&self) -> SessionServiceClient<AuthenticatedChannel> {
        SessionServiceClient::new(self.authenticated.clone())
    }

    /// `warden.authz.v1.AuthzService`.
    pub fn authz(&self) -> AuthzServiceClient<AuthenticatedChannel> {
        AuthzServiceClient::new(self.authenticated.clone())
    }

    /// The token source, `None` for an anonymous client.
    pub fn tokens(&self) -> Option<&TokenSource> {
        self.tokens.as_ref()
    }

    /// A layer that authenticates calls to other services (protected by
    /// `warden-interceptor` or another Warden interceptor) with this client's
    /// tokens; `None` for an anonymous client.
    pub fn bearer_layer(&self) -> Option<BearerLayer> {
        self.tokens.clone().map(BearerLayer::new)
    }

    /// The underlying channel, without authentication.
    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// Ends the current session (`AuthService.Logout`) and forgets its tokens;
    /// a later authenticated call logs in again. Does nothing for an
    /// anonymous client.
    pub async fn logout(&self) -> Result<(), tonic::Status> {
        match &self.tokens {
            Some(tokens) => tokens.logout().await,
            None => Ok(()),
        }
    }
}
