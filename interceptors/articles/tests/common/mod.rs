//! Shared by the `articles` end-to-end tests: spawns the built `articles`
//! binary against a Warden started in the test process, and sets up the
//! admin, the role, the schema and the service's API key.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use std::io::{BufRead, BufReader};
use tonic::transport::Channel;
use warden_articles::pb::article_service_client::ArticleServiceClient;
use warden_e2e::{bearer, eventually, register_and_login, unique_email, TestWarden, PASSWORD};
use warden_proto::auth::v1::{CreateApiKeyRequest, LoginRequest, RegisterRequest};
use warden_proto::authz::v1::{DefineRoleRequest, WriteSchemaRequest};
use warden_proto::session::v1::GetCurrentSessionRequest;

/// The relationship schema the articles service checks against.
pub const SCHEMA: &str = "definition user {}

definition article {
  relation owner: user
  relation viewer: user
  permission view = owner + viewer
}
";

/// The role that grants `articles.create`.
pub const WRITER: &str = "writer";

/// One `articles` process, killed when dropped.
pub struct ArticlesProcess {
    child: std::process::Child,
    /// Its gRPC address.
    pub addr: SocketAddr,
}

impl ArticlesProcess {
    /// A client to it.
    pub async fn client(&self) -> ArticleServiceClient<Channel> {
        let channel = Channel::from_shared(format!("http://{}", self.addr))
            .unwrap()
            .connect()
            .await
            .expect("connect to articles");
        ArticleServiceClient::new(channel)
    }

    /// Stops it.
    pub async fn stop(self) {
        drop(self);
    }
}

impl Drop for ArticlesProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How one `articles` process finds its backends.
#[derive(Default, Clone)]
pub struct Wiring {
    /// Redis for sessions (`SessionService` otherwise).
    pub redis_url: Option<String>,
    /// RabbitMQ for the revocation feed (no session cache otherwise).
    pub amqp_url: Option<String>,
    /// Keys over HTTP (`GetJwks` otherwise).
    pub http_jwks: bool,
    /// API key for CheckPermission (the caller's token otherwise).
    pub api_key: Option<String>,
    /// Longest a session stays cached, in seconds (the binary's default otherwise).
    pub cache_max_age_secs: Option<u64>,
}

/// Spawns the `articles` binary against `warden` and waits until it serves.
pub async fn spawn_articles(warden: &TestWarden, wiring: &Wiring) -> ArticlesProcess {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_articles"));
    command
        .arg("--listen")
        .arg("127.0.0.1:0")
        .arg("--warden-url")
        .arg(format!("http://{}", warden.server.grpc_addr))
        .env_remove("WARDEN_REDIS_URL")
        .env_remove("WARDEN_AMQP_URL")
        .env_remove("ARTICLES_API_KEY")
        .env_remove("WARDEN_JWKS_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(url) = &wiring.redis_url {
        command.arg("--redis-url").arg(url);
    }
    if let Some(url) = &wiring.amqp_url {
        command.arg("--amqp-url").arg(url);
    }
    if wiring.http_jwks {
        command
            .arg("--jwks-url")
            .arg(format!("{}/.well-known/jwks.json", warden.http_base()));
    }
    if let Some(secs) = wiring.cache_max_age_secs {
        command
            .arg("--session-cache-max-age-secs")
            .arg(secs.to_string());
    }
    if let Some(key) = &wiring.api_key {
        // Through the environment, so it does not show in `ps`.
        command.env("ARTICLES_API_KEY", key);
    }
    let mut child = command.spawn().expect("spawn the articles binary");
    let stdout = child.stdout.take().expect("piped stdout");
    let (first, rx) = tokio::sync::oneshot::channel();
    // Reads the address line, then keeps draining so the pipe never fills.
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = first.send(lines.next());
        for _ in lines {}
    });
    let mut process = ArticlesProcess {
        child,
        addr: "0.0.0.0:0".parse().unwrap(),
    };
    let line = tokio::time::timeout(Duration::from_secs(30), rx)
        .await
        .expect("articles prints its address within 30 s")
        .expect("stdout reader")
        .expect("articles exited before serving")
        .expect("read articles stdout");
    let addr: SocketAddr = line
        .strip_prefix("articles listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .expect("an address");
    process.addr = addr;
    process
}

/// Waits until the session behind `token` is enriched in Warden (its roles are there).
pub async fn wait_enriched(warden: &TestWarden, token: &str) {
    let sessions = warden.sessions().await;
    let done = eventually(Duration::from_secs(10), || {
        let mut sessions = sessions.clone();
        let token = token.to_owned();
        async move {
            let s = sessions
                .get_current_session(bearer(GetCurrentSessionRequest {}, &token))
                .await
                .ok()?
                .into_inner()
                .session?;
            s.enriched_at.map(|_| ())
        }
    })
    .await;
    assert!(done.is_some(), "the session is enriched within 10 s");
}

/// What [`setup`] prepared.
pub struct Setup {
    /// The admin's access token.
    pub admin: String,
    /// An API key of a service account, for the articles processes.
    pub api_key: String,
}

/// Logs the bootstrap admin in, writes [`SCHEMA`], defines [`WRITER`] and
/// creates a service account with an API key. `warden` must have been
/// started with `bootstrap_admin_email = admin_email`.
pub async fn setup(warden: &TestWarden, admin_email: &str) -> Setup {
    wait_for_enrichment_consumer(warden).await;
    let mut auth = warden.auth().await;
    auth.register(RegisterRequest {
        email: admin_email.into(),
        password: PASSWORD.into(),
        display_name: "Admin".into(),
    })
    .await
    .expect("register the admin");
    let admin = auth
        .login(LoginRequest {
            email: admin_email.into(),
            password: PASSWORD.into(),
        })
        .await
        .expect("admin login")
        .into_inner()
        .tokens
        .unwrap()
        .access_token;
    wait_enriched(warden, &admin).await;
    let mut authz = warden.authz().await;
    authz
        .write_schema(bearer(
            WriteSchemaRequest {
                schema: SCHEMA.into(),
            },
            &admin,
        ))
        .await
        .expect("write the schema");
    authz
        .define_role(bearer(
            DefineRoleRequest {
                role: WRITER.into(),
                permissions: vec!["articles.create".into()],
                attributes: Default::default(),
            },
            &admin,
        ))
        .await
        .expect("define the writer role");
    let (_, service) = register_and_login(&mut auth).await;
    let api_key = auth
        .create_api_key(bearer(
            CreateApiKeyRequest {
                name: "articles".into(),
                expires_at: None,
            },
            &service.access_token,
        ))
        .await
        .expect("create the service's API key")
        .into_inner()
        .api_key;
    Setup { admin, api_key }
}

/// A fresh admin email for `bootstrap_admin_email`.
pub fn admin_email() -> String {
    unique_email()
}

/// Waits until the server's enrichment queue has its consumer: Warden starts
/// it in the background, and a `SessionCreated` published before the queue
/// is bound reaches no one (that session would never be enriched).
pub async fn wait_for_enrichment_consumer(warden: &TestWarden) {
    if warden.config.amqp_url.is_none() {
        return;
    }
    let queue = warden.config.enrichment_queue.clone();
    let consuming = eventually(Duration::from_secs(10), || {
        let queue = queue.clone();
        async move {
            // A passive declare of a missing queue closes its channel: one per try.
            let (_connection, channel) = warden_e2e::amqp_channel().await;
            let declared = channel
                .queue_declare(
                    &queue,
                    lapin::options::QueueDeclareOptions {
                        passive: true,
                        ..Default::default()
                    },
                    lapin::types::FieldTable::default(),
                )
                .await
                .ok()?;
            (declared.consumer_count() > 0).then_some(())
        }
    })
    .await;
    assert!(
        consuming.is_some(),
        "warden's enrichment queue has a consumer within 10 s"
    );
}
