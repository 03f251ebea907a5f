//! Access-token verification: the key set (pinned algorithm per key) and the
//! checks of DESIGN.md, in an order that reads no claim before the signature.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use warden_proto::auth::v1::Jwk;

use crate::error::AuthError;
use crate::KeySource;

/// Longest access token accepted; anything longer is refused unparsed.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The claims of a Warden access token (what Warden signs, and what a
/// verified token carries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Extensions the signer says a verifier must understand. Warden signs
    /// with none and understands none, so any is refused (RFC 7515, 4.1.11),
    /// `null` included: `Some` whenever the member is present.
    #[serde(default, deserialize_with = "present")]
    crit: Option<serde_json::Value>,
}

/// A member that is present, whatever its value (`null` too).
fn present<'de, D: serde::Deserializer<'de>>(
    value: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(value).map(Some)
}

/// One published key, with the only algorithm it verifies.
struct PinnedKey {
    algorithm: Algorithm,
    key: DecodingKey,
}

/// Builds a pinned key from a JWK; `None` for anything but the three
/// asymmetric algorithms Warden signs with, a JWK whose type does not fit, or
/// one published for another use than signatures.
fn pinned(jwk: &Jwk) -> Option<PinnedKey> {
    if !jwk.r#use.is_empty() && jwk.r#use != "sig" {
        return None;
    }
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
    generation: std::sync::atomic::AtomicU64,
    last_refresh: tokio::sync::Mutex<Option<Instant>>,
    min_refresh_interval: Duration,
}

impl JwksCache {
    /// An empty cache over `source`; the first verification loads it.
    pub fn new(source: Arc<dyn KeySource>, min_refresh_interval: Duration) -> Self {
        Self {
            source,
            keys: RwLock::new(Arc::new(HashMap::new())),
            generation: std::sync::atomic::AtomicU64::new(0),
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
        {
            let mut keys = self.keys.write().unwrap_or_else(|p| p.into_inner());
            let mut old: Vec<&String> = keys.keys().collect();
            let mut new: Vec<&String> = map.keys().collect();
            old.sort();
            new.sort();
            // Only a change of a loaded set can invalidate remembered tokens.
            if !old.is_empty() && old != new {
                self.generation
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            *keys = Arc::new(map);
        }
        *last = Some(Instant::now());
        Ok(())
    }

    /// A number that changes whenever the set of key ids changes.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
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

/// Most verified tokens remembered at once; past it, expired ones are dropped
/// first and then everything.
const MAX_REMEMBERED: usize = 100_000;

/// Checks tokens against the key set, issuer, audience and time. A token that
/// verified is remembered by its exact text until its `exp` (an Ed25519 verify
/// costs more than a whole loopback RPC), and forgotten when the key set changes.
pub struct TokenVerifier {
    keys: JwksCache,
    issuer: String,
    audience: String,
    leeway: Duration,
    verified: RwLock<HashMap<String, Arc<Claims>>>,
    /// The key-set generation the remembered tokens were verified under.
    verified_generation: std::sync::atomic::AtomicU64,
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
            verified: RwLock::new(HashMap::new()),
            verified_generation: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Forgets every remembered token (the key set changed).
    pub fn forget_verified(&self) {
        self.verified
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// Number of tokens remembered as verified.
    pub fn remembered(&self) -> usize {
        self.verified
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }

    fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }

    /// Verifies a token, answering from the remembered tokens when it verified
    /// before (under the same key set) and has not expired since.
    pub async fn verify_cached(&self, token: &str) -> Result<Arc<Claims>, AuthError> {
        let now = Self::now();
        let leeway = self.leeway.as_secs();
        let generation = self.keys.generation();
        // A plain load on the hot path; a write only when the key set changed.
        if self
            .verified_generation
            .load(std::sync::atomic::Ordering::SeqCst)
            != generation
            && self
                .verified_generation
                .swap(generation, std::sync::atomic::Ordering::SeqCst)
                != generation
        {
            self.forget_verified();
        }
        if let Some(claims) = self
            .verified
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(token)
        {
            if now <= claims.exp + leeway && claims.nbf <= now + leeway {
                return Ok(claims.clone());
            }
        }
        let claims = Arc::new(self.verify(token).await?);
        let mut verified = self.verified.write().unwrap_or_else(|p| p.into_inner());
        if self.keys.generation() != generation {
            // The key set changed while verifying: do not remember under the old set.
            return Ok(claims);
        }
        if verified.len() >= MAX_REMEMBERED {
            verified.retain(|_, c| now <= c.exp + leeway);
            if verified.len() >= MAX_REMEMBERED {
                verified.clear();
            }
        }
        verified.insert(token.to_owned(), claims.clone());
        Ok(claims)
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
        if header.crit.is_some() {
            return Err(AuthError::MalformedToken);
        }
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
        // Issued in the future (beyond the skew tolerated): not a token this
        // issuer's clock made.
        if data.claims.iat > Self::now() + self.leeway.as_secs() {
            return Err(AuthError::TokenNotYetValid);
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    use super::*;

    struct Keys(Mutex<Vec<Jwk>>);

    #[async_trait]
    impl KeySource for Keys {
        async fn keys(&self) -> Result<Vec<Jwk>, AuthError> {
            Ok(self.0.lock().unwrap().clone())
        }
    }

    fn key(kid: &str) -> (jsonwebtoken::EncodingKey, Jwk) {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let jwk = Jwk {
            kid: kid.into(),
            kty: "OKP".into(),
            alg: "EdDSA".into(),
            r#use: "sig".into(),
            crv: "Ed25519".into(),
            x: URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
            ..Default::default()
        };
        (jsonwebtoken::EncodingKey::from_ed_der(pkcs8.as_ref()), jwk)
    }

    fn token(encoding: &jsonwebtoken::EncodingKey, kid: &str) -> String {
        token_with(encoding, kid, |_| {})
    }

    /// A token of `kid` whose claims `tune` may change.
    fn token_with(
        encoding: &jsonwebtoken::EncodingKey,
        kid: &str,
        tune: impl FnOnce(&mut serde_json::Value),
    ) -> String {
        let now = TokenVerifier::now();
        let mut header = jsonwebtoken::Header::new(Algorithm::EdDSA);
        header.kid = Some(kid.into());
        header.typ = Some("at+jwt".into());
        let mut claims = serde_json::json!({
            "iss": "warden", "aud": "warden", "sub": "u", "sid": "s",
            "iat": now, "nbf": now, "exp": now + 60, "jti": "j"
        });
        tune(&mut claims);
        jsonwebtoken::encode(&header, &claims, encoding).unwrap()
    }

    fn verifier_of(jwks: Vec<Jwk>, leeway: Duration) -> TokenVerifier {
        TokenVerifier::new(
            JwksCache::new(Arc::new(Keys(Mutex::new(jwks))), Duration::ZERO),
            "warden".into(),
            "warden".into(),
            leeway,
        )
    }

    #[tokio::test]
    async fn a_remembered_token_is_refused_once_it_expires() {
        let (k1, jwk1) = key("k1");
        let verifier = verifier_of(vec![jwk1], Duration::ZERO);
        let exp = TokenVerifier::now() + 1;
        let short = token_with(&k1, "k1", |c| c["exp"] = exp.into());
        verifier.verify_cached(&short).await.unwrap();
        assert_eq!(verifier.remembered(), 1);
        while TokenVerifier::now() <= exp {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(
            verifier.verify_cached(&short).await.unwrap_err(),
            AuthError::TokenExpired,
            "remembering a token never outlives its exp"
        );
    }

    #[tokio::test]
    async fn a_token_issued_in_the_future_is_not_yet_valid() {
        let (k1, jwk1) = key("k1");
        let verifier = verifier_of(vec![jwk1], Duration::from_secs(30));
        let later = TokenVerifier::now() + 3600;
        // nbf is now: only iat says the token comes from a clock an hour ahead.
        let early = token_with(&k1, "k1", |c| c["iat"] = later.into());
        assert_eq!(
            verifier.verify(&early).await.unwrap_err(),
            AuthError::TokenNotYetValid
        );
        // Within the leeway it passes: clocks differ by that much.
        let skewed = token_with(&k1, "k1", |c| c["iat"] = (later - 3600 + 20).into());
        verifier.verify(&skewed).await.unwrap();
    }

    #[tokio::test]
    async fn a_key_published_for_encryption_verifies_nothing() {
        let (k1, mut jwk1) = key("k1");
        jwk1.r#use = "enc".into();
        let verifier = verifier_of(vec![jwk1], Duration::ZERO);
        assert_eq!(
            verifier.verify(&token(&k1, "k1")).await.unwrap_err(),
            AuthError::UnknownKey
        );
        // A JWK without `use` is a signing key, as RFC 7517 allows.
        let (k2, mut jwk2) = key("k2");
        jwk2.r#use = String::new();
        let verifier = verifier_of(vec![jwk2], Duration::ZERO);
        verifier.verify(&token(&k2, "k2")).await.unwrap();
    }

    #[tokio::test]
    async fn a_critical_header_extension_is_refused_even_correctly_signed() {
        let (k1, jwk1) = key("k1");
        let verifier = verifier_of(vec![jwk1], Duration::ZERO);
        let good = token(&k1, "k1");
        let (_, rest) = good.split_once('.').unwrap();
        for header in [
            serde_json::json!({"alg": "EdDSA", "kid": "k1", "typ": "at+jwt", "crit": ["exp"]}),
            serde_json::json!({"alg": "EdDSA", "kid": "k1", "typ": "at+jwt", "crit": ["b64"], "b64": false}),
            serde_json::json!({"alg": "EdDSA", "kid": "k1", "typ": "at+jwt", "crit": null}),
        ] {
            let header = URL_SAFE_NO_PAD.encode(header.to_string());
            let (payload, _) = rest.split_once('.').unwrap();
            let input = format!("{header}.{payload}");
            let signature =
                jsonwebtoken::crypto::sign(input.as_bytes(), &k1, Algorithm::EdDSA).unwrap();
            let critical = format!("{input}.{signature}");
            assert_eq!(
                verifier.verify(&critical).await.unwrap_err(),
                AuthError::MalformedToken,
                "{header}"
            );
        }
    }

    #[tokio::test]
    async fn verified_tokens_are_remembered_until_the_key_set_changes() {
        let (k1, jwk1) = key("k1");
        let source = Arc::new(Keys(Mutex::new(vec![jwk1])));
        let verifier = TokenVerifier::new(
            JwksCache::new(source.clone(), Duration::ZERO),
            "warden".into(),
            "warden".into(),
            Duration::from_secs(5),
        );
        let good = token(&k1, "k1");
        assert_eq!(verifier.verify_cached(&good).await.unwrap().sub, "u");
        assert_eq!(verifier.remembered(), 1);
        assert_eq!(
            verifier.verify_cached(&good).await.unwrap().sid,
            "s",
            "answered from memory"
        );

        // A tampered token is never remembered, even next to a remembered one.
        let mut tampered = good.clone();
        tampered.pop();
        tampered.push(if good.ends_with('A') { 'B' } else { 'A' });
        assert!(verifier.verify_cached(&tampered).await.is_err());
        assert_eq!(verifier.remembered(), 1);

        // The key is withdrawn: the remembered token is forgotten and refused.
        let (_, jwk2) = key("k2");
        *source.0.lock().unwrap() = vec![jwk2];
        verifier.keys().refresh(true).await.unwrap();
        assert_eq!(
            verifier.verify_cached(&good).await.unwrap_err(),
            AuthError::UnknownKey
        );
        assert_eq!(verifier.remembered(), 0);
    }
}
