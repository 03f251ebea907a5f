//! Test harness for Warden's end-to-end tests: starts a Warden server in the
//! test process, on the embedded default or on real PostgreSQL, Redis and
//! RabbitMQ, and connects clients to it.
//!
//! The real backends are found through `WARDEN_TEST_POSTGRES_URL`,
//! `WARDEN_TEST_REDIS_URL` and `WARDEN_TEST_AMQP_URL` (defaults: the local
//! servers that `scripts/backends.sh` starts). A test that needs one and cannot
//! reach it fails with a message saying how to start it.

use std::path::PathBuf;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use tonic::transport::Channel;
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::auth::v1::{LoginRequest, RegisterRequest, Tokens};
use warden_proto::authz::v1::authz_service_client::AuthzServiceClient;
use warden_proto::session::v1::session_service_client::SessionServiceClient;
use warden_server::app::RunningWarden;
use warden_server::config::{Argon2Params, Config};

/// Which backends a test server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, in-memory sessions, in-process events.
    Embedded,
    /// PostgreSQL, Redis and RabbitMQ.
    Real,
}

const HOW_TO_START: &str = "start the test backends with `scripts/backends.sh` (installs and starts Redis, RabbitMQ and PostgreSQL)";

/// PostgreSQL URL of the maintenance database, from which tests create their own.
pub fn postgres_admin_url() -> String {
    std::env::var("WARDEN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://warden:warden@127.0.0.1:5432/postgres".into())
}

/// Redis URL for tests.
pub fn redis_url() -> String {
    std::env::var("WARDEN_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// RabbitMQ URL for tests.
pub fn amqp_url() -> String {
    std::env::var("WARDEN_TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// How long a test database is kept: longer than any test run, so only
/// databases of runs that have ended are dropped.
const TEST_DATABASE_LIFETIME_SECS: u64 = 3_600;

/// Creates a fresh PostgreSQL database for one test and returns its URL.
///
/// Its name carries its creation time (`warden_test_<unix seconds>_<uuid>`),
/// and each call drops the test databases created more than an hour ago, so
/// repeated runs do not pile databases up on the server.
pub async fn fresh_postgres_database() -> String {
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let admin = postgres_admin_url();
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin}: {e}; {HOW_TO_START}"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let existing =
        sqlx::query("SELECT datname::text FROM pg_database WHERE datname LIKE 'warden_test_%'")
            .fetch_all(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("cannot list test databases: {e}; {HOW_TO_START}"));
    for row in existing {
        let name: String = row.get(0);
        let Some(rest) = name.strip_prefix("warden_test_") else {
            continue; // `_` matches any character in LIKE
        };
        let created = rest
            .split_once('_')
            .and_then(|(secs, _)| secs.parse::<u64>().ok());
        // Names without a time are from before names carried one: old too.
        if created.is_none_or(|c| c + TEST_DATABASE_LIFETIME_SECS < now) {
            // Best effort: another run may be dropping it at the same moment.
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn)
                .await;
        }
    }
    let name = format!("warden_test_{now}_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("cannot create a test database: {e}; {HOW_TO_START}"));
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(b, _)| b)
        .to_owned();
    format!("{base}/{name}")
}

/// Warden's SQL store on its own, for tests that race calls straight on it:
/// a fresh PostgreSQL database (`Real`) or SQLite in the returned directory,
/// with `users` created as plain users (id, `<id>@example.com`, no password).
pub async fn sql_store_with_users(
    backend: Backend,
    users: &[String],
) -> (
    std::sync::Arc<warden_server::store::sql::SqlStore>,
    tempfile::TempDir,
) {
    use warden_server::store::{User, UserStore};
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = match backend {
        Backend::Real => Some(fresh_postgres_database().await),
        Backend::Embedded => None,
    };
    let store = warden_server::store::sql::SqlStore::connect(url.as_deref(), dir.path())
        .await
        .expect("the SQL store opens");
    for id in users {
        let user = User {
            id: id.clone(),
            email: format!("{id}@example.com"),
            password_hash: String::new(),
            display_name: String::new(),
            created_at_ms: 0,
            suspended_at_ms: None,
            suspended_reason: None,
        };
        store.create_user(&user).await.expect("the user is created");
    }
    (std::sync::Arc::new(store), dir)
}

/// A connected Redis client for assertions.
pub async fn redis_client() -> fred::prelude::Client {
    use fred::prelude::*;
    let url = redis_url();
    let client = Builder::from_config(Config::from_url(&url).expect("valid redis url"))
        .build()
        .expect("redis client");
    tokio::time::timeout(Duration::from_secs(5), client.init())
        .await
        .unwrap_or_else(|_| panic!("Redis at {url} did not answer in 5 s; {HOW_TO_START}"))
        .unwrap_or_else(|e| panic!("cannot reach Redis at {url}: {e}; {HOW_TO_START}"));
    client
}

/// A connected RabbitMQ channel for assertions.
pub async fn amqp_channel() -> (lapin::Connection, lapin::Channel) {
    let url = amqp_url();
    let conn = lapin::Connection::connect(&url, lapin::ConnectionProperties::default())
        .await
        .unwrap_or_else(|e| panic!("cannot reach RabbitMQ at {url}: {e}; {HOW_TO_START}"));
    let channel = conn.create_channel().await.expect("amqp channel");
    (conn, channel)
}

/// A queue bound to `warden.events`, to watch what Warden publishes.
pub struct EventTap {
    _connection: lapin::Connection,
    channel: lapin::Channel,
    queue: String,
    consumer: Option<lapin::Consumer>,
}

impl EventTap {
    async fn declare(queue: &str, durable: bool, routing_key: &str) -> Self {
        use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
        use lapin::types::FieldTable;
        let (connection, channel) = amqp_channel().await;
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
            .await
            .expect("declare warden.events");
        let options = QueueDeclareOptions {
            durable,
            exclusive: !durable,
            ..Default::default()
        };
        let declared = channel
            .queue_declare(queue, options, FieldTable::default())
            .await
            .expect("declare queue");
        let queue = declared.name().as_str().to_owned();
        channel
            .queue_bind(
                &queue,
                "warden.events",
                routing_key,
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .expect("bind queue");
        Self {
            _connection: connection,
            channel,
            queue,
            consumer: None,
        }
    }

    /// A private queue (deleted with the connection) bound to `routing_key`.
    pub async fn bind(routing_key: &str) -> Self {
        Self::declare("", false, routing_key).await
    }

    /// A durable queue named `queue`, bound to `routing_key`: it keeps events
    /// while the broker restarts. Delete it with [`EventTap::delete`].
    pub async fn bind_durable(queue: &str, routing_key: &str) -> Self {
        Self::declare(queue, true, routing_key).await
    }

    /// Waits up to `within` for the next event of type `M` for which `wanted`
    /// is true (acknowledging the others); returns it with its AMQP properties.
    pub async fn next<M: prost::Message + Default>(
        &mut self,
        within: Duration,
        wanted: impl Fn(&M) -> bool,
    ) -> Option<(M, lapin::BasicProperties)> {
        use futures::StreamExt;
        use lapin::options::{BasicAckOptions, BasicConsumeOptions};
        if self.consumer.is_none() {
            let consumer = self
                .channel
                .basic_consume(
                    &self.queue,
                    "",
                    BasicConsumeOptions::default(),
                    lapin::types::FieldTable::default(),
                )
                .await
                .expect("consume");
            self.consumer = Some(consumer);
        }
        let consumer = self.consumer.as_mut().expect("consumer set above");
        tokio::time::timeout(within, async {
            loop {
                let delivery = consumer.next().await?.ok()?;
                delivery.ack(BasicAckOptions::default()).await.ok()?;
                let event = M::decode(delivery.data.as_slice()).expect("protobuf event body");
                if wanted(&event) {
                    return Some((event, delivery.properties));
                }
            }
        })
        .await
        .ok()
        .flatten()
    }

    /// Deletes the queue.
    pub async fn delete(self) {
        let _ = self
            .channel
            .queue_delete(&self.queue, lapin::options::QueueDeleteOptions::default())
            .await;
    }
}

/// Argon2 parameters cheap enough for tests that log in often.
pub fn cheap_argon2() -> Argon2Params {
    Argon2Params {
        memory_kib: 256,
        iterations: 1,
        parallelism: 1,
    }
}

/// A Warden server started for one test.
pub struct TestWarden {
    /// The running server.
    pub server: RunningWarden,
    /// Its configuration (data dir, URLs).
    pub config: Config,
    _data_dir: Option<tempfile::TempDir>,
}

impl TestWarden {
    /// A configuration on `backend` with a fresh data dir (and database), on free ports.
    pub async fn config(backend: Backend) -> (Config, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::embedded(dir.path());
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.http_listen = "127.0.0.1:0".parse().unwrap();
        config.argon2 = cheap_argon2();
        config.hash_threads = 2;
        if backend == Backend::Real {
            let database = fresh_postgres_database().await;
            // Servers sharing a database share an enrichment queue; test
            // databases are separate deployments on one broker.
            let name = database.rsplit('/').next().unwrap_or_default();
            config.enrichment_queue = format!("warden.test.enrichment.{name}");
            config.database_url = Some(database);
            // Fail with the how-to message rather than a connection error deep inside.
            redis_client().await;
            amqp_channel().await;
            config.redis_url = Some(redis_url());
            config.amqp_url = Some(amqp_url());
        }
        (config, dir)
    }

    /// Starts a server on `backend`.
    pub async fn start(backend: Backend) -> Self {
        Self::start_tuned(backend, |_| {}).await
    }

    /// Starts a server on `backend` after `tune` adjusted its configuration.
    pub async fn start_tuned(backend: Backend, tune: impl FnOnce(&mut Config)) -> Self {
        let (mut config, dir) = Self::config(backend).await;
        tune(&mut config);
        Self::start_with(config, Some(dir)).await
    }

    /// [`TestWarden::start_tuned`] with a bootstrap administrator, who has
    /// registered and logged in: the server and the admin's tokens.
    pub async fn start_with_admin(
        backend: Backend,
        tune: impl FnOnce(&mut Config),
    ) -> (Self, Tokens) {
        let email = unique_email();
        let warden = Self::start_tuned(backend, |c| {
            c.bootstrap_admin_email = Some(email.clone());
            tune(c);
        })
        .await;
        let (_, admin) = register_and_login_as(&mut warden.auth().await, &email).await;
        (warden, admin)
    }

    /// Starts a server with `config`, keeping `dir` alive as long as the server.
    pub async fn start_with(config: Config, dir: Option<tempfile::TempDir>) -> Self {
        let server = warden_server::app::start(config.clone())
            .await
            .expect("warden starts");
        Self {
            server,
            config,
            _data_dir: dir,
        }
    }

    /// A second server sharing this one's configuration (its database,
    /// session store and broker), on ports of its own: another replica.
    pub async fn second(&self) -> Self {
        let mut config = self.config.clone();
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.http_listen = "127.0.0.1:0".parse().unwrap();
        Self::start_with(config, None).await
    }

    /// Stops the server, returning the data dir so a restart can reuse it.
    pub async fn stop(self) -> (Config, Option<tempfile::TempDir>) {
        self.server.stop().await.expect("warden stops cleanly");
        if self.config.amqp_url.is_some() {
            // The test's durable queue would otherwise collect every later
            // test's events; a restart declares it again.
            let (_conn, channel) = amqp_channel().await;
            let _ = channel
                .queue_delete(
                    &self.config.enrichment_queue,
                    lapin::options::QueueDeleteOptions::default(),
                )
                .await;
        }
        (self.config, self._data_dir)
    }

    /// A gRPC channel to the server.
    pub async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.server.grpc_addr))
            .unwrap()
            .connect()
            .await
            .expect("connect to warden")
    }

    /// An AuthService client.
    pub async fn auth(&self) -> AuthServiceClient<Channel> {
        AuthServiceClient::new(self.channel().await)
    }

    /// A SessionService client.
    pub async fn sessions(&self) -> SessionServiceClient<Channel> {
        SessionServiceClient::new(self.channel().await)
    }

    /// An AuthzService client.
    pub async fn authz(&self) -> AuthzServiceClient<Channel> {
        AuthzServiceClient::new(self.channel().await)
    }

    /// Signs arbitrary claims with the server's current signing key (read from
    /// its key directory), to forge tokens for reject-path tests.
    pub fn sign_with_server_key(
        &self,
        header: &jsonwebtoken::Header,
        claims: &serde_json::Value,
    ) -> String {
        let (kid, key) = self.server_key();
        let mut header = header.clone();
        if header.kid.is_none() {
            header.kid = Some(kid);
        }
        jsonwebtoken::encode(&header, claims, &key).unwrap()
    }

    /// The id of the server's first EdDSA key, and the key.
    pub fn server_key(&self) -> (String, jsonwebtoken::EncodingKey) {
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(self.config.key_dir.join("keyset.json")).expect("keyset.json"),
        )
        .unwrap();
        let kid = manifest["keys"][0]["kid"].as_str().unwrap();
        let pem = std::fs::read(self.config.key_dir.join(format!("{kid}.pem"))).unwrap();
        let key = jsonwebtoken::EncodingKey::from_ed_pem(&pem).expect("EdDSA key");
        (kid.to_owned(), key)
    }

    /// A token with exactly this header and payload JSON (duplicate keys,
    /// odd fields and all), signed with the server's EdDSA key whatever the
    /// header says.
    pub fn sign_raw_with_server_key(&self, header_json: &str, payload_json: &str) -> String {
        let (_, key) = self.server_key();
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header_json),
            URL_SAFE_NO_PAD.encode(payload_json)
        );
        let signature =
            jsonwebtoken::crypto::sign(input.as_bytes(), &key, jsonwebtoken::Algorithm::EdDSA)
                .unwrap();
        format!("{input}.{signature}")
    }

    /// The HTTP base URL.
    pub fn http_base(&self) -> String {
        format!("http://{}", self.server.http_addr)
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.config.data_dir.clone()
    }
}

/// A unique email for a test user.
pub fn unique_email() -> String {
    format!("user-{}@example.com", uuid::Uuid::new_v4().simple())
}

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// Registers a new user and logs in; returns the user id and the tokens.
pub async fn register_and_login(auth: &mut AuthServiceClient<Channel>) -> (String, Tokens) {
    register_and_login_as(auth, &unique_email()).await
}

/// [`register_and_login`] with `email`.
pub async fn register_and_login_as(
    auth: &mut AuthServiceClient<Channel>,
    email: &str,
) -> (String, Tokens) {
    let user_id = auth
        .register(RegisterRequest {
            email: email.into(),
            password: PASSWORD.into(),
            display_name: "Test".into(),
        })
        .await
        .expect("register")
        .into_inner()
        .user_id;
    (user_id, login_as(auth, email).await)
}

/// Logs a registered user in with [`PASSWORD`]: a new session's tokens.
pub async fn login_as(auth: &mut AuthServiceClient<Channel>, email: &str) -> Tokens {
    auth.login(LoginRequest {
        email: email.into(),
        password: PASSWORD.into(),
    })
    .await
    .expect("login")
    .into_inner()
    .tokens
    .expect("tokens")
}

/// A request carrying `authorization: Bearer <token>`.
pub fn bearer<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut req = tonic::Request::new(message);
    req.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("ascii token"),
    );
    req
}

/// The `ErrorInfo.reason` of a status (empty when absent).
pub fn reason(status: &tonic::Status) -> String {
    use tonic_types::StatusExt;
    status
        .get_error_details()
        .error_info()
        .map(|i| i.reason.clone())
        .unwrap_or_default()
}

/// Reads a plain HTTP/1.1 GET response body (no client library needed).
pub async fn http_get(base: &str, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("http connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let status = raw
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Polls `check` every 20 ms until it returns `Some`, for at most `within`.
pub async fn eventually<T, F, Fut>(within: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A private `redis-server` whose data survives a stop (saved on shutdown,
/// loaded on start), shut down when dropped.
pub struct PrivateRedis {
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: tempfile::TempDir,
}

impl PrivateRedis {
    /// Starts one on a free port.
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let redis = Self {
            port,
            dir: tempfile::tempdir().unwrap(),
        };
        redis.run();
        redis
    }

    /// Its data directory.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// `redis-cli` against it: the trimmed output, `None` if it could not run.
    pub fn cli(&self, args: &[&str]) -> Option<String> {
        let out = std::process::Command::new("redis-cli")
            .args(["-p", &self.port.to_string()])
            .args(args)
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// Starts (or restarts) the server and waits until it answers.
    pub fn run(&self) {
        let status = std::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--daemonize", "yes"])
            .arg("--dir")
            .arg(self.dir.path())
            .status()
            .unwrap_or_else(|e| panic!("redis-server: {e}; this test needs redis-server on PATH (scripts/backends.sh installs it)"));
        assert!(status.success(), "redis-server starts");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while self.cli(&["ping"]).as_deref() != Some("PONG") {
            assert!(
                std::time::Instant::now() < deadline,
                "private redis answers within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the server, saving its data first.
    pub fn stop(&self) {
        self.cli(&["shutdown", "save"]);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while self.cli(&["ping"]).as_deref() == Some("PONG") {
            assert!(
                std::time::Instant::now() < deadline,
                "private redis stops within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.cli(&["shutdown", "nosave"]);
    }
}
