//! Configuration: defaults, then an optional TOML file, then `WARDEN_*`
//! environment variables, then command-line flags, validated once at start.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use serde::Deserialize;

use crate::keys::SigningAlgorithm;

/// Flags (and their `WARDEN_*` environment variables) of `warden serve`.
/// Every field is optional so that the TOML file can fill what they leave.
#[derive(Debug, Default, Clone, Args)]
pub struct ServeArgs {
    /// TOML configuration file; its keys are the long flag names with `_`.
    #[arg(long, env = "WARDEN_CONFIG")]
    pub config: Option<PathBuf>,
    /// gRPC listen address [default: 127.0.0.1:50051].
    #[arg(long, env = "WARDEN_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// HTTP listen address for /.well-known/jwks.json, /metrics and /healthz [default: 127.0.0.1:50052].
    #[arg(long, env = "WARDEN_HTTP_LISTEN")]
    pub http_listen: Option<SocketAddr>,
    /// Directory for embedded data: the SQLite file and the signing keys [default: ./warden-data].
    #[arg(long, env = "WARDEN_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Directory of signing keys [default: <data-dir>/keys].
    #[arg(long, env = "WARDEN_KEY_DIR")]
    pub key_dir: Option<PathBuf>,
    /// PostgreSQL URL for users, keys, roles and relationships [default: SQLite in the data dir].
    #[arg(long, env = "WARDEN_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Redis URL for sessions [default: in-memory].
    #[arg(long, env = "WARDEN_REDIS_URL")]
    pub redis_url: Option<String>,
    /// RabbitMQ URL for events [default: in-process].
    #[arg(long, env = "WARDEN_AMQP_URL")]
    pub amqp_url: Option<String>,
    /// `iss` claim of access tokens [default: warden].
    #[arg(long, env = "WARDEN_ISSUER")]
    pub issuer: Option<String>,
    /// `aud` claim of access tokens [default: warden].
    #[arg(long, env = "WARDEN_AUDIENCE")]
    pub audience: Option<String>,
    /// Algorithm of newly generated signing keys: EdDSA, ES256 or RS256 [default: EdDSA].
    #[arg(long, env = "WARDEN_SIGNING_ALGORITHM")]
    pub signing_algorithm: Option<String>,
    /// Access-token lifetime, for example 900s, 15m or 1h [default: 15m].
    #[arg(long, env = "WARDEN_ACCESS_TOKEN_TTL")]
    pub access_token_ttl: Option<String>,
    /// Absolute session lifetime (also the refresh-token lifetime) [default: 7d].
    #[arg(long, env = "WARDEN_SESSION_LIFETIME")]
    pub session_lifetime: Option<String>,
    /// A session not refreshed for this long ends [default: 24h].
    #[arg(long, env = "WARDEN_SESSION_IDLE_TIMEOUT")]
    pub session_idle_timeout: Option<String>,
    /// How long a just-rotated refresh token still gets its successor (lost responses, concurrent refreshes) [default: 10s].
    #[arg(long, env = "WARDEN_REFRESH_GRACE")]
    pub refresh_grace: Option<String>,
    /// Clock skew tolerated on token `exp`/`nbf` [default: 30s].
    #[arg(long, env = "WARDEN_TOKEN_LEEWAY")]
    pub token_leeway: Option<String>,
    /// How long a retired signing key stays in the JWKS (at least access_token_ttl) [default: access_token_ttl + 1m].
    #[arg(long, env = "WARDEN_KEY_RETENTION")]
    pub key_retention: Option<String>,
    /// argon2id memory cost in KiB [default: 19456].
    #[arg(long, env = "WARDEN_ARGON2_MEMORY_KIB")]
    pub argon2_memory_kib: Option<u32>,
    /// argon2id iterations [default: 2].
    #[arg(long, env = "WARDEN_ARGON2_ITERATIONS")]
    pub argon2_iterations: Option<u32>,
    /// argon2id parallelism [default: 1].
    #[arg(long, env = "WARDEN_ARGON2_PARALLELISM")]
    pub argon2_parallelism: Option<u32>,
    /// Threads of the password-hashing pool [default: number of CPUs].
    #[arg(long, env = "WARDEN_HASH_THREADS")]
    pub hash_threads: Option<usize>,
    /// Log format: text or json [default: text].
    #[arg(long, env = "WARDEN_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// Email of the first administrator: granted `admin` at start if it exists, or when it registers.
    #[arg(long, env = "WARDEN_BOOTSTRAP_ADMIN_EMAIL")]
    pub bootstrap_admin_email: Option<String>,
    /// Durable RabbitMQ queue of session enrichment; servers sharing a
    /// database share it [default: warden.authz.session-enrichment].
    #[arg(long, env = "WARDEN_ENRICHMENT_QUEUE")]
    pub enrichment_queue: Option<String>,
    /// Role that authorization reads need (checks, lookups, ReadRelationships, ReadSchema), besides admin [default: none; any authenticated caller may read].
    #[arg(long, env = "WARDEN_AUTHZ_READ_ROLE")]
    pub authz_read_role: Option<String>,
    /// Metadata a proxy in front of Warden sets to the client's address (x-forwarded-for, x-real-ip); its last value is the client's address [default: none; the connection's peer address].
    #[arg(long, env = "WARDEN_CLIENT_IP_HEADER")]
    pub client_ip_header: Option<String>,
    /// Failed logins of one account after which its logins are refused (TOO_MANY_ATTEMPTS) until one is forgotten, one a minute; 0 turns it off [default: 10].
    #[arg(long, env = "WARDEN_MAX_FAILED_LOGINS")]
    pub max_failed_logins: Option<u32>,
}

/// The keys the TOML file may hold; an unknown key is an error naming it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    http_listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    key_dir: Option<PathBuf>,
    database_url: Option<String>,
    redis_url: Option<String>,
    amqp_url: Option<String>,
    issuer: Option<String>,
    audience: Option<String>,
    signing_algorithm: Option<String>,
    access_token_ttl: Option<String>,
    session_lifetime: Option<String>,
    session_idle_timeout: Option<String>,
    refresh_grace: Option<String>,
    token_leeway: Option<String>,
    key_retention: Option<String>,
    argon2_memory_kib: Option<u32>,
    argon2_iterations: Option<u32>,
    argon2_parallelism: Option<u32>,
    hash_threads: Option<usize>,
    log_format: Option<String>,
    bootstrap_admin_email: Option<String>,
    enrichment_queue: Option<String>,
    authz_read_role: Option<String>,
    client_ip_header: Option<String>,
    max_failed_logins: Option<u32>,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Params {
    /// Memory cost in KiB.
    pub memory_kib: u32,
    /// Number of passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for Argon2Params {
    /// The OWASP password-storage recommendation: m=19456 KiB, t=2, p=1.
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

/// The validated configuration of a Warden server.
#[derive(Debug, Clone)]
pub struct Config {
    /// gRPC listen address.
    pub listen: SocketAddr,
    /// HTTP listen address.
    pub http_listen: SocketAddr,
    /// Directory of embedded data.
    pub data_dir: PathBuf,
    /// Directory of signing keys.
    pub key_dir: PathBuf,
    /// PostgreSQL URL, or `None` for SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Redis URL, or `None` for in-memory sessions.
    pub redis_url: Option<String>,
    /// RabbitMQ URL, or `None` for the in-process bus.
    pub amqp_url: Option<String>,
    /// `iss` of access tokens.
    pub issuer: String,
    /// `aud` of access tokens.
    pub audience: String,
    /// Algorithm of newly generated signing keys.
    pub signing_algorithm: SigningAlgorithm,
    /// Access-token lifetime.
    pub access_token_ttl: Duration,
    /// Absolute session lifetime.
    pub session_lifetime: Duration,
    /// Idle timeout of a session (time since its last refresh).
    pub session_idle_timeout: Duration,
    /// Grace window of a rotated refresh token.
    pub refresh_grace: Duration,
    /// Clock skew tolerated on `exp` and `nbf`.
    pub token_leeway: Duration,
    /// How long a retired signing key stays published.
    pub key_retention: Duration,
    /// argon2id parameters for new hashes.
    pub argon2: Argon2Params,
    /// Threads of the password-hashing pool.
    pub hash_threads: usize,
    /// Log format.
    pub log_format: LogFormat,
    /// Normalized email of the bootstrap administrator.
    pub bootstrap_admin_email: Option<String>,
    /// Durable queue session enrichment consumes (RabbitMQ).
    pub enrichment_queue: String,
    /// The role authorization reads need besides `admin` (`None`: any
    /// authenticated caller may read).
    pub authz_read_role: Option<String>,
    /// Metadata holding the client's address, set by a proxy (`None`: the
    /// connection's peer address).
    pub client_ip_header: Option<String>,
    /// Failed logins of one account before its logins wait (0: no limit).
    pub max_failed_logins: u32,
}

/// A configuration value was rejected; the message names the key.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

impl Config {
    /// Defaults for embedded use under `data_dir`, as `warden serve` with no flags.
    pub fn embedded(data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        Self {
            listen: "127.0.0.1:50051".parse().expect("valid address"),
            http_listen: "127.0.0.1:50052".parse().expect("valid address"),
            key_dir: data_dir.join("keys"),
            data_dir,
            database_url: None,
            redis_url: None,
            amqp_url: None,
            issuer: "warden".into(),
            audience: "warden".into(),
            signing_algorithm: SigningAlgorithm::EdDsa,
            access_token_ttl: Duration::from_secs(15 * 60),
            session_lifetime: Duration::from_secs(7 * 24 * 3600),
            session_idle_timeout: Duration::from_secs(24 * 3600),
            refresh_grace: Duration::from_secs(10),
            token_leeway: Duration::from_secs(30),
            key_retention: Duration::from_secs(16 * 60),
            argon2: Argon2Params::default(),
            hash_threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            log_format: LogFormat::Text,
            bootstrap_admin_email: None,
            enrichment_queue: crate::authz::enrichment::QUEUE.to_owned(),
            authz_read_role: None,
            client_ip_header: None,
            max_failed_logins: 10,
        }
    }

    /// Builds the configuration from flags/environment (already parsed by
    /// clap) over the optional TOML file over the defaults, and validates it.
    pub fn load(args: ServeArgs) -> Result<Self, ConfigError> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let data_dir = args
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("./warden-data"));
        let mut config = Self::embedded(&data_dir);
        if let Some(v) = args.listen.or(file.listen) {
            config.listen = v;
        }
        if let Some(v) = args.http_listen.or(file.http_listen) {
            config.http_listen = v;
        }
        if let Some(v) = args.key_dir.or(file.key_dir) {
            config.key_dir = v;
        }
        config.database_url = non_empty(args.database_url.or(file.database_url));
        config.redis_url = non_empty(args.redis_url.or(file.redis_url));
        config.amqp_url = non_empty(args.amqp_url.or(file.amqp_url));
        if let Some(v) = args.issuer.or(file.issuer) {
            config.issuer = v;
        }
        if let Some(v) = args.audience.or(file.audience) {
            config.audience = v;
        }
        if let Some(v) = args.signing_algorithm.or(file.signing_algorithm) {
            config.signing_algorithm = v
                .parse()
                .map_err(|e| ConfigError(format!("signing_algorithm: {e}")))?;
        }
        if let Some(v) = args.access_token_ttl.or(file.access_token_ttl) {
            config.access_token_ttl = parse_duration("access_token_ttl", &v)?;
        }
        if let Some(v) = args.session_lifetime.or(file.session_lifetime) {
            config.session_lifetime = parse_duration("session_lifetime", &v)?;
        }
        if let Some(v) = args.session_idle_timeout.or(file.session_idle_timeout) {
            let idle = parse_duration("session_idle_timeout", &v)?;
            // Shorter than a token, a session would end between two
            // refreshes; longer than the lifetime, it would never apply.
            if idle < config.access_token_ttl || idle > config.session_lifetime {
                return Err(ConfigError(format!(
                    "session_idle_timeout: {v} must be at least access_token_ttl and at most session_lifetime"
                )));
            }
            config.session_idle_timeout = idle;
        } else {
            // The default (24h) within the same bounds.
            config.session_idle_timeout = (config.session_idle_timeout).clamp(
                config.access_token_ttl,
                config.session_lifetime.max(config.access_token_ttl),
            );
        }
        if let Some(v) = args.refresh_grace.or(file.refresh_grace) {
            config.refresh_grace = parse_duration("refresh_grace", &v)?;
        }
        if let Some(v) = args.token_leeway.or(file.token_leeway) {
            config.token_leeway = parse_duration("token_leeway", &v)?;
        }
        match args.key_retention.or(file.key_retention) {
            Some(v) => config.key_retention = parse_duration("key_retention", &v)?,
            None => config.key_retention = config.access_token_ttl + Duration::from_secs(60),
        }
        if let Some(v) = args.argon2_memory_kib.or(file.argon2_memory_kib) {
            config.argon2.memory_kib = v;
        }
        if let Some(v) = args.argon2_iterations.or(file.argon2_iterations) {
            config.argon2.iterations = v;
        }
        if let Some(v) = args.argon2_parallelism.or(file.argon2_parallelism) {
            config.argon2.parallelism = v;
        }
        if let Some(v) = args.hash_threads.or(file.hash_threads) {
            config.hash_threads = v;
        }
        if let Some(v) = args.log_format.or(file.log_format) {
            config.log_format = match v.as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                other => {
                    return Err(ConfigError(format!(
                        "log_format: expected text or json, got {other:?}"
                    )))
                }
            };
        }
        if let Some(v) = non_empty(args.bootstrap_admin_email.or(file.bootstrap_admin_email)) {
            let email = crate::auth::normalize_email(&v)
                .map_err(|e| ConfigError(format!("bootstrap_admin_email: {}", e.description)))?;
            config.bootstrap_admin_email = Some(email);
        }
        if let Some(v) = non_empty(args.enrichment_queue.or(file.enrichment_queue)) {
            let valid =
                v.len() <= 255 && !v.starts_with("amq.") && v.chars().all(|c| c.is_ascii_graphic());
            if !valid {
                return Err(ConfigError(format!(
                    "enrichment_queue: {v:?} is not a usable queue name (printable ASCII, at most 255 bytes, not amq.*)"
                )));
            }
            config.enrichment_queue = v;
        }
        if let Some(v) = non_empty(args.authz_read_role.or(file.authz_read_role)) {
            if !crate::authz::service::valid_role(&v) {
                return Err(ConfigError(format!(
                    "authz_read_role: {v:?} is not a role name (lower case letters, digits and _.:-, at most 64)"
                )));
            }
            config.authz_read_role = Some(v);
        }
        if let Some(v) = args.max_failed_logins.or(file.max_failed_logins) {
            config.max_failed_logins = v;
        }
        if let Some(v) = non_empty(args.client_ip_header.or(file.client_ip_header)) {
            let v = v.to_ascii_lowercase();
            let token = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.';
            if v.len() > 64
                || !v.bytes().all(token)
                || v.ends_with("-bin")
                || v.starts_with("grpc-")
            {
                return Err(ConfigError(format!(
                    "client_ip_header: {v:?} is not a usable metadata name (letters, digits and -_., at most 64, not -bin or grpc-)"
                )));
            }
            config.client_ip_header = Some(v);
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks the cross-field rules; the error names the offending key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |key: &str, msg: &str| Err(ConfigError(format!("{key}: {msg}")));
        if self.issuer.trim().is_empty() {
            return err("issuer", "must not be empty");
        }
        if self.audience.trim().is_empty() {
            return err("audience", "must not be empty");
        }
        if self.access_token_ttl < Duration::from_secs(10) {
            return err("access_token_ttl", "must be at least 10s");
        }
        if self.session_lifetime < self.access_token_ttl {
            return err("session_lifetime", "must be at least access_token_ttl");
        }
        if self.key_retention < self.access_token_ttl {
            return err("key_retention", "must be at least access_token_ttl, or tokens of a retired key stop verifying early");
        }
        if self.refresh_grace > Duration::from_secs(300) {
            return err("refresh_grace", "must be at most 5m");
        }
        if self.token_leeway > Duration::from_secs(300) {
            return err("token_leeway", "must be at most 5m");
        }
        if let Some(url) = &self.database_url {
            if !(url.starts_with("postgres://")
                || url.starts_with("postgresql://")
                || url.starts_with("sqlite:"))
            {
                return err("database_url", "expected a postgres:// (or sqlite:) URL");
            }
        }
        if let Some(url) = &self.redis_url {
            if !(url.starts_with("redis://")
                || url.starts_with("rediss://")
                || url.starts_with("redis-cluster://"))
            {
                return err(
                    "redis_url",
                    "expected a redis://, rediss:// or redis-cluster:// URL",
                );
            }
        }
        if let Some(url) = &self.amqp_url {
            if !(url.starts_with("amqp://") || url.starts_with("amqps://")) {
                return err("amqp_url", "expected an amqp:// or amqps:// URL");
            }
        }
        if self.argon2.memory_kib < 8 * self.argon2.parallelism.max(1) {
            return err("argon2_memory_kib", "must be at least 8 KiB per lane");
        }
        if self.argon2.iterations == 0 {
            return err("argon2_iterations", "must be at least 1");
        }
        if self.argon2.parallelism == 0 {
            return err("argon2_parallelism", "must be at least 1");
        }
        if self.hash_threads == 0 {
            return err("hash_threads", "must be at least 1");
        }
        Ok(())
    }
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("config: cannot read {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| ConfigError(format!("config file {}: {e}", path.display())))
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

/// Parses `90`, `90s`, `15m`, `2h` or `7d` into a duration; the error names `key`.
pub fn parse_duration(key: &str, value: &str) -> Result<Duration, ConfigError> {
    let value = value.trim();
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(split);
    let n: u64 = digits.parse().map_err(|_| {
        ConfigError(format!(
            "{key}: expected a duration like 900s, 15m, 2h or 7d, got {value:?}"
        ))
    })?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        "ms" => return Ok(Duration::from_millis(n)),
        _ => {
            return Err(ConfigError(format!(
                "{key}: unknown unit {unit:?} in {value:?} (use ms, s, m, h or d)"
            )))
        }
    };
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(
            parse_duration("k", "15m").unwrap(),
            Duration::from_secs(900)
        );
        assert_eq!(parse_duration("k", "90").unwrap(), Duration::from_secs(90));
        assert_eq!(
            parse_duration("k", "7d").unwrap(),
            Duration::from_secs(604_800)
        );
        assert_eq!(
            parse_duration("k", "250ms").unwrap(),
            Duration::from_millis(250)
        );
        let err = parse_duration("access_token_ttl", "soon")
            .unwrap_err()
            .to_string();
        assert!(err.contains("access_token_ttl"), "{err}");
    }

    #[test]
    fn file_then_flags_override_defaults_and_unknown_keys_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("warden.toml");
        std::fs::write(&path, "issuer = \"from-file\"\naudience = \"file-aud\"\n").unwrap();
        let args = ServeArgs {
            config: Some(path.clone()),
            issuer: Some("from-flag".into()),
            ..Default::default()
        };
        let config = Config::load(args).unwrap();
        assert_eq!(config.issuer, "from-flag");
        assert_eq!(config.audience, "file-aud");
        assert_eq!(config.argon2, Argon2Params::default());

        std::fs::write(&path, "isuer = \"typo\"\n").unwrap();
        let err = Config::load(ServeArgs {
            config: Some(path),
            ..Default::default()
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("isuer"), "{err}");
    }

    #[test]
    fn bad_values_name_their_key() {
        let args = ServeArgs {
            redis_url: Some("http://nope".into()),
            ..Default::default()
        };
        assert!(Config::load(args)
            .unwrap_err()
            .to_string()
            .contains("redis_url"));
        let args = ServeArgs {
            signing_algorithm: Some("HS256".into()),
            ..Default::default()
        };
        assert!(Config::load(args)
            .unwrap_err()
            .to_string()
            .contains("signing_algorithm"));
        let args = ServeArgs {
            log_format: Some("xml".into()),
            ..Default::default()
        };
        assert!(Config::load(args)
            .unwrap_err()
            .to_string()
            .contains("log_format"));
        let args = ServeArgs {
            authz_read_role: Some("Readers Group".into()),
            ..Default::default()
        };
        assert!(Config::load(args)
            .unwrap_err()
            .to_string()
            .contains("authz_read_role"));
        let args = ServeArgs {
            authz_read_role: Some("authz-reader".into()),
            ..Default::default()
        };
        assert_eq!(
            Config::load(args).unwrap().authz_read_role.as_deref(),
            Some("authz-reader")
        );
        // The idle timeout: within [access_token_ttl, session_lifetime].
        for (lifetime, idle) in [("1h", "2h"), ("8h", "5m")] {
            let args = ServeArgs {
                session_lifetime: Some(lifetime.into()),
                session_idle_timeout: Some(idle.into()),
                ..Default::default()
            };
            let err = Config::load(args).unwrap_err().to_string();
            assert!(err.contains("session_idle_timeout"), "{idle}: {err}");
        }
        // Unset, the default of 24h comes within them.
        let args = ServeArgs {
            session_lifetime: Some("1h".into()),
            ..Default::default()
        };
        let config = Config::load(args).unwrap();
        assert_eq!(config.session_idle_timeout, Duration::from_secs(3600));
        let args = ServeArgs {
            access_token_ttl: Some("30h".into()),
            ..Default::default()
        };
        let config = Config::load(args).unwrap();
        assert_eq!(config.session_idle_timeout, Duration::from_secs(30 * 3600));
        for bad in ["x forwarded for", "grpc-peer", "x-ip-bin", "x:ip"] {
            let args = ServeArgs {
                client_ip_header: Some(bad.into()),
                ..Default::default()
            };
            let err = Config::load(args).unwrap_err().to_string();
            assert!(err.contains("client_ip_header"), "{bad}: {err}");
        }
        let args = ServeArgs {
            client_ip_header: Some("X-Forwarded-For".into()),
            ..Default::default()
        };
        assert_eq!(
            Config::load(args).unwrap().client_ip_header.as_deref(),
            Some("x-forwarded-for")
        );
    }
}
