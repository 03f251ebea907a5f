//! Access-token verification: the key set (pinned algorithm per key) and the
//! checks of DESIGN.md, in an order that reads no claim before the signature.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use warden_proto::auth::v1::Jwk;

use crate::error::AuthError;
use crate::KeySource;

/// Longest access token accepted; anything longer is refused unparsed.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The claims of a verified Warden access token.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Claims {
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
    /// Token id.
    pub jti: String,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
    typ: Option<String>,
}

/// One published key, with the only algorithm it verifies.
struct PinnedKey {
    algorithm: Algorithm,
    key: DecodingKey,
}

/// Builds a pinned key from a JWK; `None` for anything but the three
/// asymmetric algorithms Warden signs with, or a JWK whose type does not fit.
fn pinned(jwk: &Jwk) -> Option<PinnedKey> {
    let (algorithm, key) = match (jwk.alg.as_str(), jwk.kty.as_str(), jwk.crv.as_str()) {
        ("EdDSA", "OKP", "Ed25519") => (
            Algorithm::EdDSA,
            DecodingKey::from_ed_components(&jwk.x).ok()?,
        ),
        ("ES256", "EC", "P-256") => (
            Algorithm::ES256,
            DecodingKey::from_ec_components(&jwk.x, &jwk.y).ok()?,
        ),
        ("RS256", "RSA", _) => (
            Algorithm::RS256,
            DecodingKey::from_rsa_components(&jwk.n, &jwk.e).ok()?,
        ),
        _ => return None,
    };
    Some(PinnedKey { algorithm, key })
}

/// The verification keys by `kid`, refreshed from a [`KeySource`] when a token
/// names an unknown `kid` (at most once per `min_refresh_interval`).
pub struct JwksCache {
    source: Arc<dyn KeySource>,
    keys: RwLock<Arc<HashMap<String, PinnedKey>>>,
    last_refresh: tokio::sync::Mutex<Option<Instant>>,
    min_refresh_interval: Duration,
}

impl JwksCache {
    /// An empty cache over `source`; the first verification loads it.
    pub fn new(source: Arc<dyn KeySource>, min_refresh_interval: Duration) -> Self {
        Self {
            source,
            keys: RwLock::new(Arc::new(HashMap::new())),
            last_refresh: tokio::sync::Mutex::new(None),
            min_refresh_interval,
        }
    }

    fn snapshot(&self) -> Arc<HashMap<String, PinnedKey>> {
        self.keys
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Reloads the key set from the source, unless it was reloaded less than
    /// the minimum interval ago (then an unknown `kid` stays unknown).
    pub async fn refresh(&self, force: bool) -> Result<(), AuthError> {
        let mut last = self.last_refresh.lock().await;
        if !force && last.is_some_and(|t| t.elapsed() < self.min_refresh_interval) {
            return Ok(());
        }
        let jwks = self.source.keys().await?;
        let map: HashMap<String, PinnedKey> = jwks
            .iter()
            .filter_map(|jwk| pinned(jwk).map(|k| (jwk.kid.clone(), k)))
            .collect();
        match self.keys.write() {
            Ok(mut g) => *g = Arc::new(map),
            Err(p) => *p.into_inner() = Arc::new(map),
        }
        *last = Some(Instant::now());
        Ok(())
    }

    async fn key(&self, kid: &str) -> Result<Arc<HashMap<String, PinnedKey>>, AuthError> {
        let keys = self.snapshot();
        if keys.contains_key(kid) {
            return Ok(keys);
        }
        self.refresh(false).await?;
        let keys = self.snapshot();
        if keys.contains_key(kid) {
            Ok(keys)
        } else {
            Err(AuthError::UnknownKey)
        }
    }
}

/// Checks tokens against the key set, issuer, audience and time.
pub struct TokenVerifier {
    keys: JwksCache,
    issuer: String,
    audience: String,
    leeway: Duration,
}

impl TokenVerifier {
    /// A verifier for tokens of `issuer` meant for `audience`, tolerating
    /// `leeway` of clock skew on `exp` and `nbf`.
    pub fn new(keys: JwksCache, issuer: String, audience: String, leeway: Duration) -> Self {
        Self {
            keys,
            issuer,
            audience,
            leeway,
        }
    }

    /// The key cache.
    pub fn keys(&self) -> &JwksCache {
        &self.keys
    }

    /// Verifies a compact JWS access token and returns its claims.
    pub async fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(AuthError::MalformedToken);
        }
        let mut parts = token.split('.');
        let (Some(header_b64), Some(_), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(AuthError::MalformedToken);
        };
        let header_json = URL_SAFE_NO_PAD
            .decode(header_b64)
            .map_err(|_| AuthError::MalformedToken)?;
        let header: Header =
            serde_json::from_slice(&header_json).map_err(|_| AuthError::MalformedToken)?;
        let kid = header.kid.ok_or(AuthError::UnknownKey)?;
        let keys = self.keys.key(&kid).await?;
        let key = &keys[&kid];
        // The algorithm comes from the key; the header must merely agree.
        if header.alg != algorithm_name(key.algorithm) {
            return Err(AuthError::UnsupportedAlgorithm);
        }
        let mut validation = Validation::new(key.algorithm);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.leeway = self.leeway.as_secs();
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        let data =
            jsonwebtoken::decode::<Claims>(token, &key.key, &validation).map_err(|e| {
                match e.kind() {
                    ErrorKind::InvalidSignature => AuthError::InvalidSignature,
                    ErrorKind::ExpiredSignature => AuthError::TokenExpired,
                    ErrorKind::ImmatureSignature => AuthError::TokenNotYetValid,
                    ErrorKind::InvalidIssuer => AuthError::InvalidIssuer,
                    ErrorKind::InvalidAudience => AuthError::InvalidAudience,
                    ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
                        AuthError::UnsupportedAlgorithm
                    }
                    _ => AuthError::MalformedToken,
                }
            })?;
        // The header is authenticated now: it must declare an access token.
        if header.typ.as_deref() != Some("at+jwt") {
            return Err(AuthError::InvalidTokenType);
        }
        Ok(data.claims)
    }
}

fn algorithm_name(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::EdDSA => "EdDSA",
        Algorithm::ES256 => "ES256",
        Algorithm::RS256 => "RS256",
        _ => "",
    }
}
