//! `warden.auth.v1.AuthService`: registration, password login and the JWKS.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use tonic::{Request, Response, Status};
use warden_proto::auth::v1::{self as pb, auth_service_server};
use warden_proto::events::v1 as events_pb;
use warden_proto::session::v1::{AuthMethod, Session};

use crate::error::{Error, FieldViolation};
use crate::events::{new_event_id, Event, EventBus};
use crate::keys::KeyRing;
use crate::store::{unix_ms, SessionStore, User, UserStore};

pub mod password;

use password::{check_new_password, check_presented_password, PasswordHasher};

/// Prefix of refresh tokens, so they are recognisable (and never mistaken for a JWT).
pub const REFRESH_TOKEN_PREFIX: &str = "wrt_";
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
}

/// The claims of a Warden access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// User id.
    pub sub: String,
    /// Session id.
    pub sid: String,
    /// Issued at (Unix seconds).
    pub iat: u64,
    /// Not before (Unix seconds).
    pub nbf: u64,
    /// Expiry (Unix seconds).
    pub exp: u64,
    /// Unique token id.
    pub jti: String,
}

/// The AuthService implementation.
pub struct Auth {
    users: Arc<dyn UserStore>,
    sessions: Arc<dyn SessionStore>,
    events: Arc<dyn EventBus>,
    keys: Arc<KeyRing>,
    hasher: Arc<PasswordHasher>,
    settings: TokenSettings,
    rng: SystemRandom,
}

impl Auth {
    /// Wires the service to its ports.
    pub fn new(
        users: Arc<dyn UserStore>,
        sessions: Arc<dyn SessionStore>,
        events: Arc<dyn EventBus>,
        keys: Arc<KeyRing>,
        hasher: Arc<PasswordHasher>,
        settings: TokenSettings,
    ) -> Self {
        Self {
            users,
            sessions,
            events,
            keys,
            hasher,
            settings,
            rng: SystemRandom::new(),
        }
    }

    fn random_bytes<const N: usize>(&self) -> Result<[u8; N], Error> {
        let mut buf = [0u8; N];
        self.rng
            .fill(&mut buf)
            .map_err(|_| Error::Internal("system random unavailable".into()))?;
        Ok(buf)
    }

    async fn register(&self, req: pb::RegisterRequest) -> Result<pb::RegisterResponse, Error> {
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
        let password_hash = self.hasher.hash(req.password).await?;
        let user = User {
            id: uuid::Uuid::new_v4().to_string(),
            email,
            password_hash,
            display_name,
            created_at_ms: unix_ms(SystemTime::now()),
        };
        self.users.create_user(&user).await?;
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
        let user = self.users.find_user_by_email(&email).await?;
        // An unknown email costs one dummy verify, like a wrong password.
        let ok = self
            .hasher
            .verify(req.password, user.as_ref().map(|u| u.password_hash.clone()))
            .await?;
        let user = match (ok, user) {
            (true, Some(user)) => user,
            _ => {
                metrics::counter!("warden_logins_total", "result" => "invalid_credentials")
                    .increment(1);
                return Err(Error::InvalidCredentials);
            }
        };
        let tokens = self
            .start_session(&user.id, AuthMethod::Password, client)
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
            ..Default::default()
        };
        self.sessions
            .create(&session, &refresh_token_hash(&secret))
            .await?;
        let event = Event::SessionCreated(events_pb::SessionCreated {
            event_id: new_event_id(),
            occurred_at: Some(now.into()),
            session_id: session_id.clone(),
            user_id: user_id.to_owned(),
            auth_method: method as i32,
            expires_at: session.expires_at,
        });
        if let Err(e) = self.events.publish(event).await {
            // Without its event the session would never be enriched: undo it.
            let _ = self.sessions.delete(&session_id, user_id).await;
            return Err(e);
        }
        let access_token = self.sign_access_token(user_id, &session_id, now)?;
        Ok(pb::Tokens {
            access_token,
            refresh_token,
            token_type: "Bearer".into(),
            expires_in: self.settings.access_token_ttl.as_secs() as i64,
            session_id,
            user_id: user_id.to_owned(),
        })
    }

    fn sign_access_token(
        &self,
        user_id: &str,
        session_id: &str,
        now: SystemTime,
    ) -> Result<String, Error> {
        let iat = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let claims = AccessClaims {
            iss: self.settings.issuer.clone(),
            aud: self.settings.audience.clone(),
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            iat,
            nbf: iat,
            exp: iat + self.settings.access_token_ttl.as_secs(),
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
    fn of<T>(req: &Request<T>) -> Self {
        Self {
            ip: req
                .remote_addr()
                .map(|a| a.ip().to_string())
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
        Ok(Response::new(self.register(req.into_inner()).await?))
    }

    async fn login(
        &self,
        req: Request<pb::LoginRequest>,
    ) -> Result<Response<pb::LoginResponse>, Status> {
        let client = ClientInfo::of(&req);
        Ok(Response::new(self.login(req.into_inner(), client).await?))
    }

    async fn login_with_api_key(
        &self,
        _req: Request<pb::LoginWithApiKeyRequest>,
    ) -> Result<Response<pb::LoginWithApiKeyResponse>, Status> {
        Err(Status::unimplemented(
            "LoginWithApiKey arrives with the session-lifecycle issue",
        ))
    }

    async fn refresh(
        &self,
        _req: Request<pb::RefreshRequest>,
    ) -> Result<Response<pb::RefreshResponse>, Status> {
        Err(Status::unimplemented(
            "Refresh arrives with the session-lifecycle issue",
        ))
    }

    async fn logout(
        &self,
        _req: Request<pb::LogoutRequest>,
    ) -> Result<Response<pb::LogoutResponse>, Status> {
        Err(Status::unimplemented(
            "Logout arrives with the session-lifecycle issue",
        ))
    }

    async fn get_jwks(
        &self,
        _req: Request<pb::GetJwksRequest>,
    ) -> Result<Response<pb::GetJwksResponse>, Status> {
        Ok(Response::new(self.jwks()))
    }

    async fn change_password(
        &self,
        _req: Request<pb::ChangePasswordRequest>,
    ) -> Result<Response<pb::ChangePasswordResponse>, Status> {
        Err(Status::unimplemented(
            "ChangePassword arrives with the session-lifecycle issue",
        ))
    }

    async fn create_api_key(
        &self,
        _req: Request<pb::CreateApiKeyRequest>,
    ) -> Result<Response<pb::CreateApiKeyResponse>, Status> {
        Err(Status::unimplemented(
            "CreateApiKey arrives with the session-lifecycle issue",
        ))
    }

    async fn list_api_keys(
        &self,
        _req: Request<pb::ListApiKeysRequest>,
    ) -> Result<Response<pb::ListApiKeysResponse>, Status> {
        Err(Status::unimplemented(
            "ListApiKeys arrives with the session-lifecycle issue",
        ))
    }

    async fn revoke_api_key(
        &self,
        _req: Request<pb::RevokeApiKeyRequest>,
    ) -> Result<Response<pb::RevokeApiKeyResponse>, Status> {
        Err(Status::unimplemented(
            "RevokeApiKey arrives with the session-lifecycle issue",
        ))
    }

    async fn suspend_user(
        &self,
        _req: Request<pb::SuspendUserRequest>,
    ) -> Result<Response<pb::SuspendUserResponse>, Status> {
        Err(Status::unimplemented(
            "SuspendUser arrives with the roles issue",
        ))
    }

    async fn reinstate_user(
        &self,
        _req: Request<pb::ReinstateUserRequest>,
    ) -> Result<Response<pb::ReinstateUserResponse>, Status> {
        Err(Status::unimplemented(
            "ReinstateUser arrives with the roles issue",
        ))
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
    fn refresh_hash_is_sha256_hex() {
        assert_eq!(
            refresh_token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
