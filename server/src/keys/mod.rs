//! Signing keys: generated on first start into the key directory (PEM files,
//! mode 0600, plus a `keyset.json` manifest), loaded on every start, used to
//! sign access tokens and published as a JWKS.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The algorithms Warden signs access tokens with. HMAC and `none` do not exist here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SigningAlgorithm {
    /// Ed25519 (the default).
    #[serde(rename = "EdDSA")]
    EdDsa,
    /// ECDSA on P-256 with SHA-256.
    #[serde(rename = "ES256")]
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys.
    #[serde(rename = "RS256")]
    Rs256,
}

impl SigningAlgorithm {
    /// The JOSE name (`EdDSA`, `ES256`, `RS256`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EdDsa => "EdDSA",
            Self::Es256 => "ES256",
            Self::Rs256 => "RS256",
        }
    }

    /// The matching `jsonwebtoken` algorithm.
    pub fn jwt_algorithm(self) -> Algorithm {
        match self {
            Self::EdDsa => Algorithm::EdDSA,
            Self::Es256 => Algorithm::ES256,
            Self::Rs256 => Algorithm::RS256,
        }
    }
}

impl FromStr for SigningAlgorithm {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "EDDSA" | "ED25519" => Ok(Self::EdDsa),
            "ES256" => Ok(Self::Es256),
            "RS256" => Ok(Self::Rs256),
            _ => Err(format!("expected EdDSA, ES256 or RS256, got {s:?}")),
        }
    }
}

/// A public key in JWK form (RFC 7517), as published in the JWKS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// Key id: the RFC 7638 thumbprint of the key.
    pub kid: String,
    /// `OKP`, `EC` or `RSA`.
    pub kty: String,
    /// The one algorithm this key verifies.
    pub alg: String,
    /// Always `sig`.
    #[serde(rename = "use")]
    pub use_: String,
    /// Curve (`Ed25519`, `P-256`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub crv: Option<String>,
    /// x coordinate, base64url.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub x: Option<String>,
    /// y coordinate, base64url.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub y: Option<String>,
    /// RSA modulus, base64url.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub n: Option<String>,
    /// RSA exponent, base64url.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub e: Option<String>,
}

impl Jwk {
    fn new(alg: SigningAlgorithm, kty: &str) -> Self {
        Self {
            kid: String::new(),
            kty: kty.into(),
            alg: alg.as_str().into(),
            use_: "sig".into(),
            crv: None,
            x: None,
            y: None,
            n: None,
            e: None,
        }
    }

    /// RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order.
    fn thumbprint(&self) -> String {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let canonical = match self.kty.as_str() {
            "OKP" => format!(
                r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#,
                s(&self.crv),
                s(&self.x)
            ),
            "EC" => format!(
                r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
                s(&self.crv),
                s(&self.x),
                s(&self.y)
            ),
            _ => format!(
                r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
                s(&self.e),
                s(&self.n)
            ),
        };
        URL_SAFE_NO_PAD.encode(ring::digest::digest(
            &ring::digest::SHA256,
            canonical.as_bytes(),
        ))
    }

    /// The protobuf form served by `GetJwks`.
    pub fn to_proto(&self) -> warden_proto::auth::v1::Jwk {
        warden_proto::auth::v1::Jwk {
            kid: self.kid.clone(),
            kty: self.kty.clone(),
            alg: self.alg.clone(),
            r#use: self.use_.clone(),
            crv: self.crv.clone().unwrap_or_default(),
            x: self.x.clone().unwrap_or_default(),
            y: self.y.clone().unwrap_or_default(),
            n: self.n.clone().unwrap_or_default(),
            e: self.e.clone().unwrap_or_default(),
        }
    }
}

/// One entry of `keyset.json`: a key's id, algorithm and life cycle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyEntry {
    /// Key id; the private key is in `<kid>.pem`.
    pub kid: String,
    /// Algorithm.
    pub alg: SigningAlgorithm,
    /// Creation time, Unix seconds.
    pub created_at: u64,
    /// When the key starts signing, Unix seconds. Until then it is only published.
    pub activates_at: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    keys: Vec<KeyEntry>,
}

/// A private key ready to sign, with its public JWK.
pub struct SigningKey {
    /// The key's entry in the manifest.
    pub entry: KeyEntry,
    /// The public half.
    pub jwk: Jwk,
    encoding: EncodingKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.entry.kid)
            .field("alg", &self.entry.alg)
            .finish()
    }
}

/// The loaded keys: the one that signs now and every published public key.
#[derive(Debug)]
pub struct KeySet {
    current: Arc<SigningKey>,
    published: Vec<Jwk>,
    jwks_json: String,
}

/// File name of the key manifest inside the key directory.
pub const MANIFEST: &str = "keyset.json";

impl KeySet {
    /// Loads the key directory, generating a first key of `alg` when it holds none.
    pub fn load_or_generate(
        dir: &Path,
        alg: SigningAlgorithm,
        retention: Duration,
    ) -> Result<Self, Error> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Internal(format!("create key dir {}: {e}", dir.display())))?;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        let manifest_path = dir.join(MANIFEST);
        if !manifest_path.exists() {
            let now = unix_now();
            let (pem, jwk) = generate(alg)?;
            write_private(&dir.join(format!("{}.pem", jwk.kid)), pem.as_bytes())?;
            let manifest = Manifest {
                keys: vec![KeyEntry {
                    kid: jwk.kid.clone(),
                    alg,
                    created_at: now,
                    activates_at: now,
                }],
            };
            create_manifest_once(&manifest_path, &manifest)?;
            tracing::info!(kid = %jwk.kid, alg = alg.as_str(), dir = %dir.display(), "generated signing key");
        }
        Self::load(dir, retention)
    }

    /// Loads the keys of the manifest in `dir` as they stand now: the current
    /// key is the newest whose activation time has passed; keys not active yet
    /// are published (so verifiers know them before they sign anything), and
    /// a superseded key stays published for `retention` after its successor
    /// took over.
    pub fn load(dir: &Path, retention: Duration) -> Result<Self, Error> {
        let manifest = read_manifest(dir)?;
        let now = unix_now();
        // Active keys in the order they took over (manifest order breaks ties).
        let mut active: Vec<(u64, u64, usize)> = (manifest.keys.iter().enumerate())
            .filter(|(_, k)| k.activates_at <= now)
            .map(|(i, k)| (k.activates_at, k.created_at, i))
            .collect();
        active.sort_unstable();
        let &(_, _, current_index) = active
            .last()
            .ok_or_else(|| Error::Internal("no active signing key in the key directory".into()))?;
        let current_kid = manifest.keys[current_index].kid.clone();
        let superseded: std::collections::HashMap<usize, u64> =
            active.windows(2).map(|w| (w[0].2, w[1].0)).collect();
        let mut keys = Vec::new();
        for (index, entry) in manifest.keys.into_iter().enumerate() {
            let superseded_at = superseded.get(&index).copied();
            let published = entry.kid == current_kid
                || entry.activates_at > now
                || superseded_at.is_some_and(|at| at + retention.as_secs() > now);
            if !published {
                continue;
            }
            let pem = std::fs::read(dir.join(format!("{}.pem", entry.kid)))
                .map_err(|e| Error::Internal(format!("read key {}: {e}", entry.kid)))?;
            keys.push(load_key(entry, &pem)?);
        }
        // Current key first, then the others newest first.
        keys.sort_by_key(|k| {
            (
                k.entry.kid != current_kid,
                std::cmp::Reverse(k.entry.activates_at),
            )
        });
        let published: Vec<Jwk> = keys.iter().map(|k| k.jwk.clone()).collect();
        let jwks_json = serde_json::to_string(&serde_json::json!({ "keys": published }))
            .map_err(|e| Error::Internal(format!("encode jwks: {e}")))?;
        let current = Arc::new(keys.swap_remove(0));
        Ok(Self {
            current,
            published,
            jwks_json,
        })
    }

    /// The key that signs new tokens.
    pub fn current(&self) -> &SigningKey {
        &self.current
    }

    /// Every published public key, current first.
    pub fn published(&self) -> &[Jwk] {
        &self.published
    }

    /// The JWKS document served on `/.well-known/jwks.json`.
    pub fn jwks_json(&self) -> &str {
        &self.jwks_json
    }

    /// Signs `claims` as a JWT with the current key, header `{alg, kid, typ: at+jwt}`.
    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, Error> {
        let key = &self.current;
        let mut header = Header::new(key.entry.alg.jwt_algorithm());
        header.kid = Some(key.entry.kid.clone());
        header.typ = Some("at+jwt".into());
        jsonwebtoken::encode(&header, claims, &key.encoding)
            .map_err(|e| Error::Internal(format!("sign: {e}")))
    }
}

/// The key set in use, swapped atomically when the key directory changes.
#[derive(Debug)]
pub struct KeyRing {
    dir: PathBuf,
    retention: Duration,
    current: std::sync::RwLock<Arc<KeySet>>,
}

impl KeyRing {
    /// Loads (or on first start generates) the keys of `dir`.
    pub fn open(dir: &Path, alg: SigningAlgorithm, retention: Duration) -> Result<Self, Error> {
        let set = KeySet::load_or_generate(dir, alg, retention)?;
        if set.current().entry.alg != alg {
            tracing::warn!(
                configured = alg.as_str(),
                signing = set.current().entry.alg.as_str(),
                "signing_algorithm differs from the current key's; it applies to keys generated from now on"
            );
        }
        Ok(Self {
            dir: dir.to_owned(),
            retention,
            current: std::sync::RwLock::new(Arc::new(set)),
        })
    }

    /// The key set now in use.
    pub fn snapshot(&self) -> Arc<KeySet> {
        self.current
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Re-reads the key directory (a rotation, a promotion or a retirement
    /// that came due); `true` when the published key set changed.
    pub fn reload(&self) -> Result<bool, Error> {
        let set = Arc::new(KeySet::load(&self.dir, self.retention)?);
        let mut guard = self.current.write().unwrap_or_else(|p| p.into_inner());
        let changed =
            guard.published != set.published || guard.current.entry.kid != set.current.entry.kid;
        *guard = set;
        Ok(changed)
    }
}

/// Warden's own interceptor reads the published keys straight from the ring.
#[async_trait::async_trait]
impl warden_interceptor::KeySource for KeyRing {
    async fn keys(
        &self,
    ) -> Result<Vec<warden_proto::auth::v1::Jwk>, warden_interceptor::AuthError> {
        Ok(self
            .snapshot()
            .published()
            .iter()
            .map(Jwk::to_proto)
            .collect())
    }
}

/// File holding the secret that derives each refresh token from the previous one.
pub const REFRESH_SECRET_FILE: &str = "refresh-derivation.key";

/// Loads (or creates, mode 0600) the 32-byte refresh-derivation secret in `dir`.
/// Servers sharing the key directory share it, so any of them can answer a
/// retried refresh with the same next token.
pub fn refresh_secret(dir: &Path) -> Result<[u8; 32], Error> {
    let path = dir.join(REFRESH_SECRET_FILE);
    if !path.exists() {
        let mut secret = [0u8; 32];
        ring::rand::SecureRandom::fill(&SystemRandom::new(), &mut secret)
            .map_err(|_| Error::Internal("system random unavailable".into()))?;
        let tmp = dir.join(format!("{REFRESH_SECRET_FILE}.tmp.{}", std::process::id()));
        write_private(&tmp, URL_SAFE_NO_PAD.encode(secret).as_bytes())?;
        let linked = std::fs::hard_link(&tmp, &path);
        let _ = std::fs::remove_file(&tmp);
        if let Err(e) = linked {
            if e.kind() != std::io::ErrorKind::AlreadyExists {
                return Err(Error::Internal(format!("create {}: {e}", path.display())));
            }
        }
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::Internal(format!("read {}: {e}", path.display())))?;
    URL_SAFE_NO_PAD
        .decode(text.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| {
            Error::Internal(format!(
                "{} is not a 32-byte base64url secret",
                path.display()
            ))
        })
}

fn read_manifest(dir: &Path) -> Result<Manifest, Error> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::Internal(format!("read {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Internal(format!("parse {}: {e}", path.display())))
}

/// Adds a new key of `alg` to the key directory, published at once and
/// signing from `activate_in` on. Returns its manifest entry.
pub fn rotate(dir: &Path, alg: SigningAlgorithm, activate_in: Duration) -> Result<KeyEntry, Error> {
    let mut manifest = read_manifest(dir)?;
    let (pem, jwk) = generate(alg)?;
    write_private(&dir.join(format!("{}.pem", jwk.kid)), pem.as_bytes())?;
    let now = unix_now();
    let entry = KeyEntry {
        kid: jwk.kid,
        alg,
        created_at: now,
        activates_at: now + activate_in.as_secs(),
    };
    manifest.keys.push(entry.clone());
    // Replace the manifest atomically: readers see the old or the new one.
    let tmp = dir.join(format!("{MANIFEST}.tmp.{}", std::process::id()));
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Internal(e.to_string()))?;
    write_private(&tmp, &json)?;
    std::fs::rename(&tmp, dir.join(MANIFEST))
        .map_err(|e| Error::Internal(format!("replace {MANIFEST}: {e}")))?;
    Ok(entry)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Generates a private key of `alg`; returns its PEM and its public JWK (with `kid`).
pub fn generate(alg: SigningAlgorithm) -> Result<(String, Jwk), Error> {
    let rng = SystemRandom::new();
    let internal =
        |e: &dyn std::fmt::Display| Error::Internal(format!("generate {} key: {e}", alg.as_str()));
    let (pem, jwk) = match alg {
        SigningAlgorithm::EdDsa => {
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|e| internal(&e))?;
            let v1 =
                ed25519_pkcs8_v1(pkcs8.as_ref()).ok_or_else(|| internal(&"unexpected form"))?;
            let jwk = public_jwk(alg, &v1)?;
            (to_pem("PRIVATE KEY", &v1), jwk)
        }
        SigningAlgorithm::Es256 => {
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                .map_err(|e| internal(&e))?;
            let jwk = public_jwk(alg, pkcs8.as_ref())?;
            (to_pem("PRIVATE KEY", pkcs8.as_ref()), jwk)
        }
        SigningAlgorithm::Rs256 => {
            use rsa::pkcs1::EncodeRsaPrivateKey;
            let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
                .map_err(|e| internal(&e))?;
            let der = key.to_pkcs1_der().map_err(|e| internal(&e))?;
            let jwk = public_jwk(alg, der.as_bytes())?;
            (to_pem("RSA PRIVATE KEY", der.as_bytes()), jwk)
        }
    };
    Ok((pem, jwk))
}

/// The start of an Ed25519 private key in PKCS#8 v1 (RFC 8410), before the
/// 32-byte seed: what OpenSSL, Go, Python and Node all read.
const ED25519_PKCS8_V1: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// ring's Ed25519 PKCS#8 v2 document (RFC 5958: version 1, the seed, then
/// the public key) as v1 (the same seed, no public key). Python's
/// `cryptography` refuses v2, so a key file written as v2 could not be used
/// by an operator's own tools; ring and jsonwebtoken read both.
fn ed25519_pkcs8_v1(v2: &[u8]) -> Option<Vec<u8>> {
    const V2_START: [u8; 16] = [
        0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    let seed = v2.strip_prefix(&V2_START)?.get(..32)?;
    Some([&ED25519_PKCS8_V1[..], seed].concat())
}

/// Derives the public JWK (with its thumbprint `kid`) from a private key in DER
/// (PKCS#8 for EdDSA and ES256, PKCS#1 for RS256).
fn public_jwk(alg: SigningAlgorithm, der: &[u8]) -> Result<Jwk, Error> {
    let bad = |e: &dyn std::fmt::Display| {
        Error::Internal(format!("invalid {} private key: {e}", alg.as_str()))
    };
    let mut jwk = match alg {
        SigningAlgorithm::EdDsa => {
            let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(|e| bad(&e))?;
            let mut jwk = Jwk::new(alg, "OKP");
            jwk.crv = Some("Ed25519".into());
            jwk.x = Some(URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()));
            jwk
        }
        SigningAlgorithm::Es256 => {
            let pair = EcdsaKeyPair::from_pkcs8(
                &ECDSA_P256_SHA256_FIXED_SIGNING,
                der,
                &SystemRandom::new(),
            )
            .map_err(|e| bad(&e))?;
            let point = pair.public_key().as_ref(); // 0x04 || x || y
            let mut jwk = Jwk::new(alg, "EC");
            jwk.crv = Some("P-256".into());
            jwk.x = Some(URL_SAFE_NO_PAD.encode(&point[1..33]));
            jwk.y = Some(URL_SAFE_NO_PAD.encode(&point[33..65]));
            jwk
        }
        SigningAlgorithm::Rs256 => {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            use rsa::traits::PublicKeyParts;
            let key = rsa::RsaPrivateKey::from_pkcs1_der(der).map_err(|e| bad(&e))?;
            let mut jwk = Jwk::new(alg, "RSA");
            jwk.n = Some(URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()));
            jwk.e = Some(URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()));
            jwk
        }
    };
    jwk.kid = jwk.thumbprint();
    Ok(jwk)
}

fn load_key(entry: KeyEntry, pem: &[u8]) -> Result<SigningKey, Error> {
    let der = from_pem(pem)
        .ok_or_else(|| Error::Internal(format!("key {}: not a PEM file", entry.kid)))?;
    let jwk = public_jwk(entry.alg, &der)?;
    if jwk.kid != entry.kid {
        return Err(Error::Internal(format!(
            "key {}: file holds a different key ({})",
            entry.kid, jwk.kid
        )));
    }
    let encoding = match entry.alg {
        SigningAlgorithm::EdDsa => EncodingKey::from_ed_der(&der),
        SigningAlgorithm::Es256 => EncodingKey::from_ec_der(&der),
        SigningAlgorithm::Rs256 => EncodingKey::from_rsa_der(&der),
    };
    Ok(SigningKey {
        entry,
        jwk,
        encoding,
    })
}

fn to_pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn from_pem(pem: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(pem).ok()?;
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::trim)
        .collect();
    STANDARD.decode(body).ok()
}

/// Writes a secret file readable by its owner only (mode 0600).
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| Error::Internal(format!("write {}: {e}", path.display())))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::Internal(format!("write {}: {e}", path.display())))
}

/// Creates the manifest atomically unless another server sharing the directory
/// already did (hard link of a complete temp file fails if the target exists).
fn create_manifest_once(path: &Path, manifest: &Manifest) -> Result<(), Error> {
    let tmp: PathBuf = path.with_extension(format!("tmp.{}", std::process::id()));
    let json = serde_json::to_vec_pretty(manifest).map_err(|e| Error::Internal(e.to_string()))?;
    write_private(&tmp, &json)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::Internal(format!("create {}: {e}", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Claims {
        sub: String,
        exp: u64,
    }

    fn round_trip(alg: SigningAlgorithm) {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeySet::load_or_generate(dir.path(), alg, Duration::from_secs(60)).unwrap();
        let kid = keys.current().entry.kid.clone();
        let token = keys
            .sign(&Claims {
                sub: "u".into(),
                exp: unix_now() + 60,
            })
            .unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some(kid.as_str()));
        assert_eq!(header.typ.as_deref(), Some("at+jwt"));
        let jwk: jsonwebtoken::jwk::Jwk =
            serde_json::from_value(serde_json::to_value(&keys.published()[0]).unwrap()).unwrap();
        let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        let claims = jsonwebtoken::decode::<Claims>(
            &token,
            &key,
            &jsonwebtoken::Validation::new(alg.jwt_algorithm()),
        )
        .unwrap();
        assert_eq!(claims.claims.sub, "u");

        // A restart loads the same key instead of generating a new one.
        let again = KeySet::load_or_generate(dir.path(), alg, Duration::from_secs(60)).unwrap();
        assert_eq!(again.current().entry.kid, kid);
        let mode = std::fs::metadata(dir.path().join(format!("{kid}.pem")))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn eddsa_keys_sign_verifiable_tokens_and_persist() {
        round_trip(SigningAlgorithm::EdDsa);
    }

    #[test]
    fn eddsa_keys_are_written_as_pkcs8_v1_and_earlier_v2_files_still_load() {
        let dir = tempfile::tempdir().unwrap();
        let keys =
            KeySet::load_or_generate(dir.path(), SigningAlgorithm::EdDsa, Duration::from_secs(60))
                .unwrap();
        let kid = keys.current().entry.kid.clone();
        let pem = std::fs::read(dir.path().join(format!("{kid}.pem"))).unwrap();
        let der = from_pem(&pem).unwrap();
        assert_eq!((der.len(), &der[..16]), (48, &ED25519_PKCS8_V1[..]));
        // A key an earlier version wrote (v2, as ring makes it) loads as
        // before, under the same kid as its v1 form.
        let v2 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        let jwk = public_jwk(SigningAlgorithm::EdDsa, v2.as_ref()).unwrap();
        let v1 = ed25519_pkcs8_v1(v2.as_ref()).unwrap();
        assert_eq!(
            public_jwk(SigningAlgorithm::EdDsa, &v1).unwrap().kid,
            jwk.kid
        );
        let entry = KeyEntry {
            kid: jwk.kid.clone(),
            alg: SigningAlgorithm::EdDsa,
            created_at: 0,
            activates_at: 0,
        };
        load_key(entry, to_pem("PRIVATE KEY", v2.as_ref()).as_bytes()).unwrap();
        assert_eq!(
            ed25519_pkcs8_v1(&v1),
            None,
            "only ring's v2 form is converted"
        );
    }

    #[test]
    fn es256_keys_sign_verifiable_tokens_and_persist() {
        round_trip(SigningAlgorithm::Es256);
    }

    #[test]
    fn rs256_keys_sign_verifiable_tokens_and_persist() {
        round_trip(SigningAlgorithm::Rs256);
    }

    #[test]
    fn rotation_publishes_first_promotes_later_and_retires_after_retention() {
        let dir = tempfile::tempdir().unwrap();
        let old =
            KeySet::load_or_generate(dir.path(), SigningAlgorithm::EdDsa, Duration::from_secs(60))
                .unwrap();
        let old_kid = old.current().entry.kid.clone();
        // Activation in the future: published as next, old key still signs.
        let next = rotate(
            dir.path(),
            SigningAlgorithm::Es256,
            Duration::from_secs(3600),
        )
        .unwrap();
        let set = KeySet::load(dir.path(), Duration::from_secs(60)).unwrap();
        assert_eq!(set.current().entry.kid, old_kid);
        assert_eq!(
            set.published()
                .iter()
                .map(|k| k.kid.clone())
                .collect::<Vec<_>>(),
            [old_kid.clone(), next.kid.clone()]
        );
        // Activation now: the new key signs, the old one stays published for the retention.
        let now_key = rotate(dir.path(), SigningAlgorithm::EdDsa, Duration::ZERO).unwrap();
        let set = KeySet::load(dir.path(), Duration::from_secs(60)).unwrap();
        assert_eq!(set.current().entry.kid, now_key.kid);
        assert!(
            set.published().iter().any(|k| k.kid == old_kid),
            "retired key kept for the retention"
        );
        // With no retention left the retired key is gone; the pending one stays.
        let set = KeySet::load(dir.path(), Duration::ZERO).unwrap();
        let kids: Vec<_> = set.published().iter().map(|k| k.kid.clone()).collect();
        assert!(!kids.contains(&old_kid));
        assert!(kids.contains(&next.kid) && kids.contains(&now_key.kid));
    }

    #[test]
    fn kid_is_the_rfc7638_thumbprint() {
        // RFC 8037 appendix A.3: thumbprint of the example Ed25519 key.
        let mut jwk = Jwk::new(SigningAlgorithm::EdDsa, "OKP");
        jwk.crv = Some("Ed25519".into());
        jwk.x = Some("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo".into());
        assert_eq!(
            jwk.thumbprint(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn hmac_and_none_are_not_algorithms() {
        assert!("HS256".parse::<SigningAlgorithm>().is_err());
        assert!("none".parse::<SigningAlgorithm>().is_err());
    }
}
