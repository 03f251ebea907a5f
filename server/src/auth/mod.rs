//! `warden.auth.v1.AuthService`: registration, password and API-key login,
//! refresh-token rotation, logout, password change, API keys, user
//! suspension, and the JWKS.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};
use subtle::ConstantTimeEq;
use tonic::{Request, Response, Status};
use warden_interceptor::{AuthContext, Claims};
use warden_proto::auth::v1::{self as pb, auth_service_server};
use warden_proto::events::v1::{self as events_pb, RevocationReason};
use warden_proto::session::v1::{AuthMethod, Session};

use crate::error::{Error, FieldViolation};
use crate::events::{new_event_id, Event};
use crate::keys::KeyRing;
use crate::lifecycle::SessionLifecycle;
use crate::paging::PageRequest;
use crate::store::{
    required_user_id, timestamp_from_ms, unix_ms, ApiKeyRecord, ApiKeyStore, RefreshOutcome,
    RefreshWindows, RoleStore, User, UserStore, ADMIN_ROLE,
};

pub mod attempts;
pub mod password;

use password::{check_new_password, check_presented_password, PasswordHasher};

/// Prefix of refresh tokens, so they are recognisable (and never mistaken for a JWT).
pub const REFRESH_TOKEN_PREFIX: &str = "wrt_";
/// Prefix of API keys, for secret scanners: `wdn_<16 hex id>_<secret>`.
pub const API_KEY_PREFIX: &str = "wdn_";
/// Longest API-key name, in characters.
const MAX_API_KEY_NAME_CHARS: usize = 100;
/// Longest accepted email (RFC 5321 path limit).
const MAX_EMAIL_BYTES: usize = 254;
/// Longest accepted display name, in characters.
const MAX_DISPLAY_NAME_CHARS: usize = 200;
/// Longest user agent kept in a session.
const MAX_USER_AGENT_CHARS: usize = 256;

/// Token lifetimes and the identity of the issuer.
#[derive(Debug, Clone)]
pub struct TokenSettings {
    /// `iss` claim.
    pub issuer: String,
    /// `aud` claim.
    pub audience: String,
    /// Access-token lifetime.
    pub access_token_ttl: Duration,
    /// Absolute session lifetime.
    pub session_lifetime: Duration,
    /// A session not refreshed (or otherwise seen) for this long ends.
    pub session_idle_timeout: Duration,
    /// How long a just-rotated refresh token still answers with its successor.
    pub refresh_grace: Duration,
}

/// The AuthService implementation.
pub struct Auth {
    users: Arc<dyn UserStore>,
    roles: Arc<dyn RoleStore>,
    bootstrap_admin_email: Option<String>,
    api_keys: Arc<dyn ApiKeyStore>,
    sessions: SessionLifecycle,
    keys: Arc<KeyRing>,
    refresh_derivation: ring::hmac::Key,
    hasher: Arc<PasswordHasher>,
    /// Password checks running, by account.
    attempts: attempts::InFlight,
    /// Hashing jobs (logins, registrations) running, by client address.
    clients: attempts::InFlight,
    /// See [`AuthDeps::client_ip_header`].
    client_ip_header: Option<String>,
    /// Failed password checks, by account (normalized email).
    failures: attempts::Failures,
    settings: TokenSettings,
    rng: SystemRandom,
}

/// The ports and settings the AuthService works with.
pub struct AuthDeps {
    /// Users.
    pub users: Arc<dyn UserStore>,
    /// Role assignments (for the admin checks).
    pub roles: Arc<dyn RoleStore>,
    /// Email that becomes admin when it registers (`WARDEN_BOOTSTRAP_ADMIN_EMAIL`).
    pub bootstrap_admin_email: Option<String>,
    /// API keys.
    pub api_keys: Arc<dyn ApiKeyStore>,
    /// Sessions and their revocation.
    pub sessions: SessionLifecycle,
    /// Signing keys.
    pub keys: Arc<KeyRing>,
    /// Secret deriving each refresh token from the previous one.
    pub refresh_secret: [u8; 32],
    /// Password hashing pool.
    pub hasher: Arc<PasswordHasher>,
    /// Metadata naming the client's address, set by a proxy in front of
    /// Warden (`x-forwarded-for`, `x-real-ip`); its last value is used. `None`:
    /// the connection's peer address.
    pub client_ip_header: Option<String>,
    /// Failed password checks of one account after which its logins wait
    /// ([`attempts::Failures`]); 0: no limit.
    pub max_failed_logins: u32,
    /// Where failed logins are counted (Redis where sessions are).
    pub failure_store: Arc<dyn attempts::FailureStore>,
    /// Token settings.
    pub settings: TokenSettings,
}

impl Auth {
    /// Wires the service to its ports.
    pub fn new(deps: AuthDeps) -> Self {
        Self {
            users: deps.users,
            roles: deps.roles,
            bootstrap_admin_email: deps.bootstrap_admin_email,
            api_keys: deps.api_keys,
            sessions: deps.sessions,
            keys: deps.keys,
            refresh_derivation: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &deps.refresh_secret),
            attempts: attempts::InFlight::new(attempts::PER_ACCOUNT),
            // One address may fill half the pool: a flood from it over many
            // accounts leaves the other half to everyone else.
            clients: attempts::InFlight::new((deps.hasher.places() / 2).max(1)),
            client_ip_header: deps.client_ip_header,
            failures: attempts::Failures::new(
                deps.max_failed_logins,
                attempts::FORGET_EVERY,
                deps.failure_store,
            ),
            hasher: deps.hasher,
            settings: deps.settings,
            rng: SystemRandom::new(),
        }
    }

    fn client_of<T>(&self, req: &Request<T>) -> ClientInfo {
        ClientInfo::of(req, self.client_ip_header.as_deref())
    }

    fn random_bytes<const N: usize>(&self) -> Result<[u8; N], Error> {
        let mut buf = [0u8; N];
        self.rng
            .fill(&mut buf)
            .map_err(|_| Error::Internal("system random unavailable".into()))?;
        Ok(buf)
    }

    async fn register(
        &self,
        req: pb::RegisterRequest,
        client: ClientInfo,
    ) -> Result<pb::RegisterResponse, Error> {
        let mut violations = Vec::new();
        let email = normalize_email(&req.email)
            .map_err(|v| violations.push(v))
            .ok();
        violations.extend(check_new_password("password", &req.password));
        let display_name = req.display_name.trim().to_owned();
        if display_name.chars().count() > MAX_DISPLAY_NAME_CHARS
            || display_name.chars().any(char::is_control)
        {
            violations.push(FieldViolation::new(
                "display_name",
                format!("must be at most {MAX_DISPLAY_NAME_CHARS} characters, without control characters"),
            ));
        }
        let (Some(email), true) = (email, violations.is_empty()) else {
            return Err(Error::InvalidArgument(violations));
        };
        let _client = self.clients.enter(&client.ip)?;
        let password_hash = self.hasher.hash(req.password).await?;
        let user = User {
            id: uuid::Uuid::new_v4().to_string(),
            email,
            password_hash,
            display_name,
            created_at_ms: unix_ms(SystemTime::now()),
            suspended_at_ms: None,
            suspended_reason: None,
        };
        self.users.create_user(&user).await?;
        if self.bootstrap_admin_email.as_deref() == Some(user.email.as_str()) {
            self.roles.grant_role(&user.id, ADMIN_ROLE).await?;
            tracing::info!(user_id = %user.id, "bootstrap admin registered");
        }
        metrics::counter!("warden_registrations_total").increment(1);
        tracing::info!(user_id = %user.id, "user registered");
        Ok(pb::RegisterResponse { user_id: user.id })
    }

    async fn login(
        &self,
        req: pb::LoginRequest,
        client: ClientInfo,
    ) -> Result<pb::LoginResponse, Error> {
        let mut violations = Vec::new();
        let email = if req.email.trim().is_empty() {
            violations.push(FieldViolation::new("email", "must not be empty"));
            String::new()
        } else if req.email.len() > MAX_EMAIL_BYTES {
            violations.push(FieldViolation::new(
                "email",
                format!("must be at most {MAX_EMAIL_BYTES} bytes"),
            ));
            String::new()
        } else {
            req.email.trim().to_lowercase()
        };
        violations.extend(check_presented_password("password", &req.password));
        if !violations.is_empty() {
            return Err(Error::InvalidArgument(violations));
        }
        // A flood from one address takes at most half the pool's places, one
        // against one account a few.
        let _client = self.clients.enter(&client.ip)?;
        let _attempt = self.attempts.enter(&email)?;
        // Unknown emails count too, so the refusal tells nothing of them.
        let failed_before = (self.failures)
            .check(&email, unix_ms(SystemTime::now()))
            .await?;
        let user = self.users.find_user_by_email(&email).await?;
        // An unknown email costs one dummy verify, like a wrong password.
        let ok = self
            .hasher
            .verify(req.password, user.as_ref().map(|u| u.password_hash.clone()))
            .await?;
        let user = match (ok, user) {
            (true, Some(user)) => user,
            _ => {
                self.failures
                    .failed(&email, unix_ms(SystemTime::now()))
                    .await?;
                metrics::counter!("warden_logins_total", "result" => "invalid_credentials")
                    .increment(1);
                return Err(Error::InvalidCredentials);
            }
        };
        if failed_before {
            self.failures.succeeded(&email).await?;
        }
        // Only a caller who knows the password learns of the suspension.
        if user.suspended_at_ms.is_some() {
            return Err(Error::UserSuspended);
        }
        let tokens = self
            .start_session(&user.id, AuthMethod::Password, None, client)
            .await?;
        metrics::counter!("warden_logins_total", "result" => "success").increment(1);
        Ok(pb::LoginResponse {
            tokens: Some(tokens),
        })
    }

    /// Creates a session for `user_id`, stores it, publishes `SessionCreated`
    /// and returns its first tokens.
    async fn start_session(
        &self,
        user_id: &str,
        method: AuthMethod,
        api_key_id: Option<&str>,
        client: ClientInfo,
    ) -> Result<pb::Tokens, Error> {
        let now = SystemTime::now();
        let session_id = hex::encode(self.random_bytes::<16>()?);
        let secret = URL_SAFE_NO_PAD.encode(self.random_bytes::<32>()?);
        let refresh_token = format!("{REFRESH_TOKEN_PREFIX}{session_id}.{secret}");
        let session = Session {
            session_id: session_id.clone(),
            user_id: user_id.to_owned(),
            created_at: Some(now.into()),
            expires_at: Some((now + self.settings.session_lifetime).into()),
            last_seen_at: Some(now.into()),
            auth_method: method as i32,
            client_ip: client.ip,
            user_agent: client.user_agent,
            api_key_id: api_key_id.unwrap_or_default().to_owned(),
            ..Default::default()
        };
        self.sessions
            .store()
            .create(&session, &refresh_token_hash(&secret))
            .await?;
        // Suspended or deleted while the password was being checked: the
        // suspension's or deletion's sweep of sessions may have run before
        // this one existed, so look again now that it does.
        let gone = match method {
            AuthMethod::ApiKey => Error::InvalidApiKey,
            _ => Error::InvalidCredentials,
        };
        if let Err(e) = self.ensure_active(user_id, gone).await {
            let _ = self.sessions.store().delete(&session_id, user_id).await;
            return Err(e);
        }
        let session_end = session.expires_at.as_ref().map(|t| t.seconds);
        let event = Event::SessionCreated(events_pb::SessionCreated {
            event_id: new_event_id(),
            occurred_at: Some(now.into()),
            session_id: session_id.clone(),
            user_id: user_id.to_owned(),
            auth_method: method as i32,
            expires_at: session.expires_at,
        });
        if let Err(e) = self.sessions.events().publish(event).await {
            // Without its event the session would never be enriched: undo it.
            let _ = self.sessions.store().delete(&session_id, user_id).await;
            return Err(e);
        }
        self.tokens(user_id, &session_id, session_end, refresh_token, now)
    }

    /// Tokens for a session that ends at `session_end` (Unix seconds): the
    /// access token never outlives it.
    fn tokens(
        &self,
        user_id: &str,
        session_id: &str,
        session_end: Option<i64>,
        refresh_token: String,
        now: SystemTime,
    ) -> Result<pb::Tokens, Error> {
        let iat = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let exp = session_end
            .and_then(|end| u64::try_from(end).ok())
            .map_or(u64::MAX, |end| end.max(iat))
            .min(iat + self.settings.access_token_ttl.as_secs());
        Ok(pb::Tokens {
            access_token: self.sign_access_token(user_id, session_id, iat, exp)?,
            refresh_token,
            token_type: "Bearer".into(),
            expires_in: (exp - iat) as i64,
            session_id: session_id.to_owned(),
            user_id: user_id.to_owned(),
        })
    }

    /// `UserSuspended` when the user is suspended, `gone` when there is no
    /// such user (deleted): the error the caller gets for an unknown one.
    async fn ensure_active(&self, user_id: &str, gone: Error) -> Result<(), Error> {
        match self.users.find_user(user_id).await? {
            Some(user) if user.suspended_at_ms.is_none() => Ok(()),
            Some(_) => Err(Error::UserSuspended),
            None => Err(gone),
        }
    }

    /// `PermissionDenied` unless the caller holds the admin role.
    async fn require_admin(&self, ctx: &AuthContext) -> Result<(), Error> {
        if self.roles.has_role(&ctx.user_id, ADMIN_ROLE).await? {
            Ok(())
        } else {
            Err(Error::PermissionDenied("needs the admin role"))
        }
    }

    async fn suspend_user(
        &self,
        ctx: &AuthContext,
        req: pb::SuspendUserRequest,
    ) -> Result<pb::SuspendUserResponse, Error> {
        self.require_admin(ctx).await?;
        required_user_id(&req.user_id)?;
        if req.user_id == ctx.user_id {
            return Err(Error::invalid(
                "user_id",
                "an administrator cannot suspend themselves",
            ));
        }
        let reason = req.reason.trim().chars().take(500).collect::<String>();
        let now = SystemTime::now();
        if !self
            .users
            .set_suspended(&req.user_id, Some((&reason, unix_ms(now))))
            .await?
        {
            return Err(Error::NotFound("user"));
        }
        let revoked = self
            .sessions
            .revoke_user_sessions(&req.user_id, |_| true, RevocationReason::UserSuspended)
            .await?;
        self.sessions
            .events()
            .publish(Event::UserSuspended(events_pb::UserSuspended {
                event_id: new_event_id(),
                occurred_at: Some(now.into()),
                user_id: req.user_id.clone(),
                reason,
            }))
            .await?;
        tracing::info!(user_id = %req.user_id, by = %ctx.user_id, revoked, "user suspended");
        Ok(pb::SuspendUserResponse {
            revoked_sessions: revoked,
        })
    }

    async fn delete_user(
        &self,
        ctx: &AuthContext,
        req: pb::DeleteUserRequest,
    ) -> Result<pb::DeleteUserResponse, Error> {
        self.require_admin(ctx).await?;
        required_user_id(&req.user_id)?;
        if req.user_id == ctx.user_id {
            return Err(Error::invalid(
                "user_id",
                "an administrator cannot delete themselves",
            ));
        }
        // The row goes first: a login racing this finds the user gone when
        // it checks again after storing its session (`start_session`).
        if !self.users.delete_user(&req.user_id).await? {
            return Err(Error::NotFound("user"));
        }
        let now = SystemTime::now();
        let revoked = self
            .sessions
            .revoke_user_sessions(&req.user_id, |_| true, RevocationReason::UserDeleted)
            .await?;
        self.sessions
            .events()
            .publish(Event::UserDeleted(events_pb::UserDeleted {
                event_id: new_event_id(),
                occurred_at: Some(now.into()),
                user_id: req.user_id.clone(),
            }))
            .await?;
        tracing::info!(user_id = %req.user_id, by = %ctx.user_id, revoked, "user deleted");
        Ok(pb::DeleteUserResponse {
            revoked_sessions: revoked,
        })
    }

    async fn reinstate_user(
        &self,
        ctx: &AuthContext,
        req: pb::ReinstateUserRequest,
    ) -> Result<pb::ReinstateUserResponse, Error> {
        self.require_admin(ctx).await?;
        required_user_id(&req.user_id)?;
        if !self.users.set_suspended(&req.user_id, None).await? {
            return Err(Error::NotFound("user"));
        }
        tracing::info!(user_id = %req.user_id, by = %ctx.user_id, "user reinstated");
        Ok(pb::ReinstateUserResponse {})
    }

    async fn unlock_user(
        &self,
        ctx: &AuthContext,
        req: pb::UnlockUserRequest,
    ) -> Result<pb::UnlockUserResponse, Error> {
        self.require_admin(ctx).await?;
        required_user_id(&req.user_id)?;
        let Some(user) = self.users.find_user(&req.user_id).await? else {
            return Err(Error::NotFound("user"));
        };
        self.failures.succeeded(&user.email).await?;
        tracing::info!(user_id = %req.user_id, by = %ctx.user_id, "failed logins forgotten");
        Ok(pb::UnlockUserResponse {})
    }

    async fn get_user(
        &self,
        ctx: &AuthContext,
        req: pb::GetUserRequest,
    ) -> Result<pb::GetUserResponse, Error> {
        use pb::get_user_request::User as Named;
        let found = match req.user {
            None => self.users.find_user(&ctx.user_id).await?,
            Some(Named::UserId(id)) => {
                required_user_id(&id)?;
                if id != ctx.user_id {
                    self.require_admin(ctx).await?;
                }
                self.users.find_user(&id).await?
            }
            Some(Named::Email(raw)) => {
                let email = normalize_email(&raw).map_err(|v| Error::InvalidArgument(vec![v]))?;
                let found = self.users.find_user_by_email(&email).await?;
                // Denied alike whether another user has that email or none.
                if found.as_ref().map(|u| u.id.as_str()) != Some(ctx.user_id.as_str()) {
                    self.require_admin(ctx).await?;
                }
                found
            }
        };
        let user = found.ok_or(Error::NotFound("user"))?;
        let now = SystemTime::now();
        let refused = self
            .failures
            .refused_for(&[&user.email], unix_ms(now))
            .await?;
        let refused_until = refused.into_iter().next().flatten().map(|wait| now + wait);
        Ok(pb::GetUserResponse {
            user: Some(user_message(user, refused_until)),
        })
    }

    async fn list_users(
        &self,
        ctx: &AuthContext,
        req: pb::ListUsersRequest,
    ) -> Result<pb::ListUsersResponse, Error> {
        self.require_admin(ctx).await?;
        let page = PageRequest::new(req.page_size, &req.page_token, |email| {
            (1..=MAX_EMAIL_BYTES).contains(&email.len())
        })?;
        let users = self.users.list_users(&page.after, page.fetch()).await?;
        let (users, next_page_token) = page.page(users, |user| &user.email);
        // One read of the failure counts for the whole page.
        let now = SystemTime::now();
        let emails: Vec<&str> = users.iter().map(|u| u.email.as_str()).collect();
        let refused = self.failures.refused_for(&emails, unix_ms(now)).await?;
        let users = users
            .into_iter()
            .zip(refused)
            .map(|(user, refused)| user_message(user, refused.map(|wait| now + wait)))
            .collect();
        Ok(pb::ListUsersResponse {
            users,
            next_page_token,
        })
    }
    /// The refresh secret that follows `secret`: HMAC-SHA256 under the
    /// server's derivation key, so a retried refresh gets the same answer
    /// without Warden storing any token in clear.
    fn next_refresh_secret(&self, secret: &str) -> String {
        URL_SAFE_NO_PAD.encode(ring::hmac::sign(
            &self.refresh_derivation,
            secret.as_bytes(),
        ))
    }

    async fn refresh(&self, req: pb::RefreshRequest) -> Result<pb::RefreshResponse, Error> {
        let (session_id, secret) =
            parse_refresh_token(&req.refresh_token).ok_or(Error::InvalidRefreshToken)?;
        let store = self.sessions.store();
        let session = store
            .get(session_id)
            .await?
            .ok_or(Error::InvalidRefreshToken)?;
        let now = SystemTime::now();
        self.ensure_active(&session.user_id, Error::InvalidRefreshToken)
            .await?;
        let next_secret = self.next_refresh_secret(secret);
        let windows = RefreshWindows {
            grace: self.settings.refresh_grace,
            idle_timeout: self.settings.session_idle_timeout,
        };
        let presented = refresh_token_hash(secret);
        // One atomic step on the refresh state; the session itself is not rewritten.
        match store
            .rotate_refresh(
                session_id,
                &presented,
                &refresh_token_hash(&next_secret),
                windows,
            )
            .await?
        {
            RefreshOutcome::Rotated | RefreshOutcome::WithinGrace => {}
            RefreshOutcome::Idle => {
                self.sessions
                    .revoke(session_id, &session.user_id, RevocationReason::Expired)
                    .await?;
                return Err(Error::SessionExpired);
            }
            RefreshOutcome::Reused => {
                tracing::warn!(session_id, user_id = %session.user_id, "refresh token reused; revoking the session");
                self.sessions
                    .revoke(
                        session_id,
                        &session.user_id,
                        RevocationReason::RefreshTokenReuse,
                    )
                    .await?;
                return Err(Error::RefreshTokenReused);
            }
            RefreshOutcome::Unknown => return Err(Error::InvalidRefreshToken),
        }
        let refresh_token = format!("{REFRESH_TOKEN_PREFIX}{session_id}.{next_secret}");
        let session_end = session.expires_at.as_ref().map(|t| t.seconds);
        let tokens = self.tokens(
            &session.user_id,
            session_id,
            session_end,
            refresh_token,
            now,
        )?;
        Ok(pb::RefreshResponse {
            tokens: Some(tokens),
        })
    }

    async fn change_password(
        &self,
        ctx: &AuthContext,
        req: pb::ChangePasswordRequest,
    ) -> Result<pb::ChangePasswordResponse, Error> {
        let mut violations: Vec<FieldViolation> =
            check_presented_password("current_password", &req.current_password)
                .into_iter()
                .chain(check_new_password("new_password", &req.new_password))
                .collect();
        if violations.is_empty() && req.current_password == req.new_password {
            violations.push(FieldViolation::new(
                "new_password",
                "must differ from the current password",
            ));
        }
        if !violations.is_empty() {
            return Err(Error::InvalidArgument(violations));
        }
        let user = self.users.find_user(&ctx.user_id).await?;
        // Guesses of the current password (with a stolen access token) count
        // against the account as failed logins do.
        let email = user.as_ref().map(|u| u.email.clone()).unwrap_or_default();
        let failed_before = (self.failures)
            .check(&email, unix_ms(SystemTime::now()))
            .await?;
        if !self
            .hasher
            .verify(req.current_password, user.map(|u| u.password_hash))
            .await?
        {
            self.failures
                .failed(&email, unix_ms(SystemTime::now()))
                .await?;
            return Err(Error::InvalidCredentials);
        }
        if failed_before {
            self.failures.succeeded(&email).await?;
        }
        let hash = self.hasher.hash(req.new_password).await?;
        self.users.update_password(&ctx.user_id, &hash).await?;
        let keep = ctx.session_id.clone();
        let revoked = self
            .sessions
            .revoke_user_sessions(
                &ctx.user_id,
                |s| s.session_id != keep,
                RevocationReason::PasswordChanged,
            )
            .await?;
        tracing::info!(user_id = %ctx.user_id, revoked, "password changed");
        Ok(pb::ChangePasswordResponse {
            revoked_sessions: revoked,
        })
    }

    async fn create_api_key(
        &self,
        ctx: &AuthContext,
        req: pb::CreateApiKeyRequest,
    ) -> Result<pb::CreateApiKeyResponse, Error> {
        let name = req.name.trim().to_owned();
        let mut violations = Vec::new();
        if name.is_empty()
            || name.chars().count() > MAX_API_KEY_NAME_CHARS
            || name.chars().any(char::is_control)
        {
            violations.push(FieldViolation::new(
                "name",
                format!(
                    "must be 1 to {MAX_API_KEY_NAME_CHARS} characters, without control characters"
                ),
            ));
        }
        let now_ms = unix_ms(SystemTime::now());
        let expires_at_ms = req
            .expires_at
            .map(|t| t.seconds.saturating_mul(1000) + i64::from(t.nanos) / 1_000_000);
        if expires_at_ms.is_some_and(|e| e <= now_ms) {
            violations.push(FieldViolation::new("expires_at", "must be in the future"));
        }
        if !violations.is_empty() {
            return Err(Error::InvalidArgument(violations));
        }
        let key_id = hex::encode(self.random_bytes::<8>()?);
        let secret = URL_SAFE_NO_PAD.encode(self.random_bytes::<32>()?);
        let created = self
            .api_keys
            .create_api_key(&ApiKeyRecord {
                id: key_id.clone(),
                user_id: ctx.user_id.clone(),
                name,
                secret_hash: refresh_token_hash(&secret),
                created_at_ms: now_ms,
                expires_at_ms,
                revoked_at_ms: None,
                last_used_at_ms: None,
            })
            .await?;
        if !created {
            // The caller's account was deleted while this request ran.
            return Err(Error::NotFound("user"));
        }
        Ok(pb::CreateApiKeyResponse {
            api_key: format!("{API_KEY_PREFIX}{key_id}_{secret}"),
            key_id,
        })
    }

    async fn list_api_keys(&self, ctx: &AuthContext) -> Result<pb::ListApiKeysResponse, Error> {
        let keys = self.api_keys.list_api_keys(&ctx.user_id).await?;
        Ok(pb::ListApiKeysResponse {
            api_keys: keys
                .into_iter()
                .map(|k| pb::ApiKey {
                    prefix: format!("{API_KEY_PREFIX}{}", k.id),
                    key_id: k.id,
                    name: k.name,
                    created_at: Some(timestamp_from_ms(k.created_at_ms)),
                    expires_at: k.expires_at_ms.map(timestamp_from_ms),
                    revoked_at: k.revoked_at_ms.map(timestamp_from_ms),
                    last_used_at: k.last_used_at_ms.map(timestamp_from_ms),
                })
                .collect(),
        })
    }

    async fn revoke_api_key(
        &self,
        ctx: &AuthContext,
        req: pb::RevokeApiKeyRequest,
    ) -> Result<pb::RevokeApiKeyResponse, Error> {
        let key = self.api_keys.find_api_key(&req.key_id).await?;
        let Some(key) = key.filter(|k| k.user_id == ctx.user_id) else {
            return Err(Error::NotFound("api key"));
        };
        self.api_keys
            .revoke_api_key(&key.id, unix_ms(SystemTime::now()))
            .await?;
        let revoked = self
            .sessions
            .revoke_user_sessions(
                &key.user_id,
                |s| s.api_key_id == key.id,
                RevocationReason::ApiKeyRevoked,
            )
            .await?;
        Ok(pb::RevokeApiKeyResponse {
            revoked_sessions: revoked,
        })
    }

    async fn login_with_api_key(
        &self,
        req: pb::LoginWithApiKeyRequest,
        client: ClientInfo,
    ) -> Result<pb::LoginWithApiKeyResponse, Error> {
        let (key_id, secret) = parse_api_key(&req.api_key).ok_or(Error::InvalidApiKey)?;
        let presented = refresh_token_hash(secret);
        let key = self.api_keys.find_api_key(key_id).await?;
        // Compare in constant time, against a dummy when the id is unknown.
        let stored = key.as_ref().map_or("", |k| k.secret_hash.as_str());
        let matches = bool::from(presented.as_bytes().ct_eq(stored.as_bytes()));
        let key = match key {
            Some(key) if matches => key,
            _ => return Err(Error::InvalidApiKey),
        };
        let now_ms = unix_ms(SystemTime::now());
        if key.revoked_at_ms.is_some() {
            return Err(Error::ApiKeyRevoked);
        }
        if key.expires_at_ms.is_some_and(|e| e <= now_ms) {
            return Err(Error::ApiKeyExpired);
        }
        self.ensure_active(&key.user_id, Error::InvalidApiKey)
            .await?;
        self.api_keys.touch_api_key(&key.id, now_ms).await?;
        let tokens = self
            .start_session(&key.user_id, AuthMethod::ApiKey, Some(&key.id), client)
            .await?;
        Ok(pb::LoginWithApiKeyResponse {
            tokens: Some(tokens),
        })
    }

    fn sign_access_token(
        &self,
        user_id: &str,
        session_id: &str,
        iat: u64,
        exp: u64,
    ) -> Result<String, Error> {
        let claims = Claims {
            iss: self.settings.issuer.clone(),
            aud: self.settings.audience.clone(),
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            iat,
            nbf: iat,
            exp,
            jti: URL_SAFE_NO_PAD.encode(self.random_bytes::<16>()?),
        };
        self.keys.snapshot().sign(&claims)
    }

    fn jwks(&self) -> pb::GetJwksResponse {
        let set = self.keys.snapshot();
        pb::GetJwksResponse {
            keys: set.published().iter().map(|k| k.to_proto()).collect(),
            jwks_json: set.jwks_json().to_owned(),
        }
    }
}

/// What Warden records about the client that opened a session.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// Remote IP address.
    pub ip: String,
    /// `user-agent` metadata, truncated.
    pub user_agent: String,
}

impl ClientInfo {
    /// The client of `req`: its address is the last value of `ip_header`
    /// when that is set and holds an IP address (what the proxy nearest to
    /// Warden saw), else the connection's peer address.
    fn of<T>(req: &Request<T>, ip_header: Option<&str>) -> Self {
        let forwarded = ip_header
            .and_then(|name| req.metadata().get_all(name).iter().next_back())
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok());
        Self {
            ip: forwarded
                .or_else(|| req.remote_addr().map(|a| a.ip()))
                .map(|ip| ip.to_string())
                .unwrap_or_default(),
            user_agent: req
                .metadata()
                .get("user-agent")
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(MAX_USER_AGENT_CHARS).collect())
                .unwrap_or_default(),
        }
    }
}

/// Splits `wrt_<session id>.<secret>`.
fn parse_refresh_token(token: &str) -> Option<(&str, &str)> {
    let (session_id, secret) = token.strip_prefix(REFRESH_TOKEN_PREFIX)?.split_once('.')?;
    let hex_id = session_id.len() == 32 && session_id.bytes().all(|b| b.is_ascii_hexdigit());
    (hex_id && !secret.is_empty() && secret.len() <= 64).then_some((session_id, secret))
}

/// Splits `wdn_<16 hex id>_<secret>`.
fn parse_api_key(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix(API_KEY_PREFIX)?;
    let (key_id, secret) = (rest.get(..16)?, rest.get(17..)?);
    let hex_id = key_id.bytes().all(|b| b.is_ascii_hexdigit());
    (hex_id && rest.as_bytes()[16] == b'_' && !secret.is_empty() && secret.len() <= 64)
        .then_some((key_id, secret))
}

/// SHA-256 (hex) of a refresh-token secret: the only form it is stored in.
pub fn refresh_token_hash(secret: &str) -> String {
    hex::encode(ring::digest::digest(
        &ring::digest::SHA256,
        secret.as_bytes(),
    ))
}

/// Trims and lower-cases an email and checks its shape.
pub fn normalize_email(raw: &str) -> Result<String, FieldViolation> {
    let email = raw.trim().to_lowercase();
    let bad = |why: &str| Err(FieldViolation::new("email", why));
    if email.is_empty() {
        return bad("must not be empty");
    }
    if email.len() > MAX_EMAIL_BYTES {
        return bad("must be at most 254 bytes");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return bad("must be an email address like name@example.com");
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if local_ok && domain_ok {
        Ok(email)
    } else {
        bad("must be an email address like name@example.com")
    }
}

#[tonic::async_trait]
impl auth_service_server::AuthService for Auth {
    async fn register(
        &self,
        req: Request<pb::RegisterRequest>,
    ) -> Result<Response<pb::RegisterResponse>, Status> {
        let client = self.client_of(&req);
        Ok(Response::new(
            self.register(req.into_inner(), client).await?,
        ))
    }

    async fn login(
        &self,
        req: Request<pb::LoginRequest>,
    ) -> Result<Response<pb::LoginResponse>, Status> {
        let client = self.client_of(&req);
        Ok(Response::new(self.login(req.into_inner(), client).await?))
    }

    async fn login_with_api_key(
        &self,
        req: Request<pb::LoginWithApiKeyRequest>,
    ) -> Result<Response<pb::LoginWithApiKeyResponse>, Status> {
        let client = self.client_of(&req);
        Ok(Response::new(
            self.login_with_api_key(req.into_inner(), client).await?,
        ))
    }

    async fn refresh(
        &self,
        req: Request<pb::RefreshRequest>,
    ) -> Result<Response<pb::RefreshResponse>, Status> {
        Ok(Response::new(self.refresh(req.into_inner()).await?))
    }

    async fn logout(
        &self,
        req: Request<pb::LogoutRequest>,
    ) -> Result<Response<pb::LogoutResponse>, Status> {
        let ctx = AuthContext::of(&req)?;
        self.sessions
            .revoke(&ctx.session_id, &ctx.user_id, RevocationReason::Logout)
            .await?;
        Ok(Response::new(pb::LogoutResponse {}))
    }

    async fn get_jwks(
        &self,
        _req: Request<pb::GetJwksRequest>,
    ) -> Result<Response<pb::GetJwksResponse>, Status> {
        Ok(Response::new(self.jwks()))
    }

    async fn change_password(
        &self,
        req: Request<pb::ChangePasswordRequest>,
    ) -> Result<Response<pb::ChangePasswordResponse>, Status> {
        let ctx = AuthContext::of(&req)?.clone();
        Ok(Response::new(
            self.change_password(&ctx, req.into_inner()).await?,
        ))
    }

    async fn create_api_key(
        &self,
        req: Request<pb::CreateApiKeyRequest>,
    ) -> Result<Response<pb::CreateApiKeyResponse>, Status> {
        let ctx = AuthContext::of(&req)?.clone();
        Ok(Response::new(
            self.create_api_key(&ctx, req.into_inner()).await?,
        ))
    }

    async fn list_api_keys(
        &self,
        req: Request<pb::ListApiKeysRequest>,
    ) -> Result<Response<pb::ListApiKeysResponse>, Status> {
        Ok(Response::new(
            self.list_api_keys(AuthContext::of(&req)?).await?,
        ))
    }

    async fn revoke_api_key(
        &self,
        req: Request<pb::RevokeApiKeyRequest>,
    ) -> Result<Response<pb::RevokeApiKeyResponse>, Status> {
        let ctx = AuthContext::of(&req)?.clone();
        Ok(Response::new(
            self.revoke_api_key(&ctx, req.into_inner()).await?,
        ))
    }

    async fn suspend_user(
        &self,
        req: Request<pb::SuspendUserRequest>,
    ) -> Result<Response<pb::SuspendUserResponse>, Status> {
        let ctx = AuthContext::of(&req)?.clone();
        Ok(Response::new(
            self.suspend_user(&ctx, req.into_inner()).await?,
        ))
    }

    async fn reinstate_user(
        &self,
        req: Request<pb::ReinstateUserRequest>,
    ) -> Result<Response<pb::ReinstateUserResponse>, Status> {
        let ctx = AuthContext::of(&req)?.clone();
        Ok(Response::new(
            self.reinstate_user(&ctx, req.into_inner()).await?,
        ))
    }

    async fn unlock_user(
        &self,
        req: Request<pb::UnlockUserRequest>,
    ) -> Result<Response<pb::UnlockUserResponse>, Status> {
        let ctx = AuthContext::of(&req)?.clone();
        Ok(Response::new(
            self.unlock_user(&ctx, req.into_inner()).await?,
        ))
    }

    async fn delete_user(
        &self,
        req: Request<pb::DeleteUserRequest>,
    ) -> Result<Response<pb::DeleteUserResponse>, Status> {
        let ctx = AuthContext::of(&req)?.clone();
        Ok(Response::new(
            self.delete_user(&ctx, req.into_inner()).await?,
        ))
    }

    async fn get_user(
        &self,
        req: Request<pb::GetUserRequest>,
    ) -> Result<Response<pb::GetUserResponse>, Status> {
        let ctx = AuthContext::of(&req)?.clone();
        Ok(Response::new(self.get_user(&ctx, req.into_inner()).await?))
    }

    async fn list_users(
        &self,
        req: Request<pb::ListUsersRequest>,
    ) -> Result<Response<pb::ListUsersResponse>, Status> {
        let ctx = AuthContext::of(&req)?.clone();
        Ok(Response::new(
            self.list_users(&ctx, req.into_inner()).await?,
        ))
    }
}

/// A user as `GetUser` and `ListUsers` show it (no password hash), with
/// when password logins are let through again if they are refused now.
fn user_message(user: User, refused_until: Option<SystemTime>) -> pb::User {
    let suspended_reason = match user.suspended_at_ms {
        Some(_) => user.suspended_reason.unwrap_or_default(),
        None => String::new(),
    };
    pb::User {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        created_at: Some(timestamp_from_ms(user.created_at_ms)),
        suspended_at: user.suspended_at_ms.map(timestamp_from_ms),
        suspended_reason,
        login_refused_until: refused_until.map(Into::into),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(
            normalize_email("  Alice@Example.COM ").unwrap(),
            "alice@example.com"
        );
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "alice@example",
            "a b@example.com",
            "alice@exa_mple.com",
            "a..b@example.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(normalize_email(&format!("{}@example.com", "a".repeat(65))).is_err());
    }

    #[test]
    fn the_client_address_is_the_peer_or_the_proxy_header_last_value() {
        let request = |values: &[&str]| {
            let mut req = Request::new(());
            req.extensions_mut()
                .insert(tonic::transport::server::TcpConnectInfo {
                    local_addr: None,
                    remote_addr: Some("10.0.0.9:40000".parse().unwrap()),
                });
            for v in values {
                req.metadata_mut()
                    .append("x-forwarded-for", v.parse().unwrap());
            }
            req
        };
        let ip =
            |values: &[&str], header: Option<&str>| ClientInfo::of(&request(values), header).ip;
        // Without the setting, the header is the client's to write: ignored.
        assert_eq!(ip(&["203.0.113.7"], None), "10.0.0.9");
        let xff = Some("x-forwarded-for");
        assert_eq!(ip(&[], xff), "10.0.0.9");
        // The last value is what the proxy nearest to Warden saw; the ones
        // before it came from the client.
        assert_eq!(ip(&["198.51.100.1, 203.0.113.7"], xff), "203.0.113.7");
        assert_eq!(ip(&["198.51.100.1", "2001:db8::1"], xff), "2001:db8::1");
        // Not an address: the peer.
        assert_eq!(ip(&["203.0.113.7, unknown"], xff), "10.0.0.9");
        assert_eq!(ip(&[""], xff), "10.0.0.9");
    }

    #[test]
    fn refresh_hash_is_sha256_hex() {
        assert_eq!(
            refresh_token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
