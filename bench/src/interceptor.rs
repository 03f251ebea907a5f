//! `warden-bench interceptor` and `warden-bench revocation`: what
//! `warden-interceptor` costs a resource service, and how fast a logout
//! reaches one.
//!
//! Both run a Warden in this process on Redis + RabbitMQ (+ PostgreSQL or
//! SQLite) and a resource service serving `warden.bench.v1.EchoService`
//! behind a `WardenLayer` that leaves `EchoOpen` open and authenticates `Echo`
//! (the same handler). Keys come from Warden's `GetJwks`, sessions from Redis.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tonic::transport::Channel;
use warden_bench::echo::echo_service_client::EchoServiceClient;
use warden_bench::echo::echo_service_server::EchoServiceServer;
use warden_bench::echo::{Echo, EchoRequest};
use warden_bench::load::{max_rate, percentile};
use warden_interceptor::sources::{CachedSessionSource, GrpcKeySource, RedisSessionSource};
use warden_interceptor::{SessionSource, WardenLayer};
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::auth::v1::{LoginRequest, LogoutRequest, RegisterRequest, Tokens};
use warden_proto::session::v1::session_service_client::SessionServiceClient;
use warden_proto::session::v1::GetCurrentSessionRequest;
use warden_server::app::RunningWarden;
use warden_server::config::{Argon2Params, Config};

/// The real backends the scenarios run on.
#[derive(Debug, Clone)]
pub struct Backends {
    /// Redis (Warden's sessions, read by the resource service).
    pub redis_url: String,
    /// RabbitMQ (`warden.events`, the revocation feed).
    pub amqp_url: String,
    /// PostgreSQL maintenance URL; a fresh database is created. SQLite when absent.
    pub database_url: Option<String>,
}

/// A Warden in this process on `backends`, with its own enrichment queue.
async fn start_warden(
    backends: &Backends,
    dir: &std::path::Path,
) -> anyhow::Result<(RunningWarden, String)> {
    let mut config = Config::embedded(dir);
    config.listen = "127.0.0.1:0".parse()?;
    config.http_listen = "127.0.0.1:0".parse()?;
    config.argon2 = Argon2Params {
        memory_kib: 256,
        iterations: 1,
        parallelism: 1,
    };
    config.redis_url = Some(backends.redis_url.clone());
    config.amqp_url = Some(backends.amqp_url.clone());
    config.enrichment_queue = format!("warden.bench.enrichment.{}", uuid::Uuid::new_v4().simple());
    if let Some(url) = &backends.database_url {
        config.database_url = Some(crate::refresh::fresh_database(url).await?);
    }
    let queue = config.enrichment_queue.clone();
    Ok((warden_server::app::start(config).await?, queue))
}

/// Deletes the benchmark's durable enrichment queue (it would collect every
/// later `SessionCreated`).
async fn delete_queue(amqp_url: &str, queue: &str) {
    if let Ok(conn) = lapin::Connection::connect(amqp_url, Default::default()).await {
        if let Ok(channel) = conn.create_channel().await {
            let _ = channel.queue_delete(queue, Default::default()).await;
        }
        let _ = conn.close(0, "bench done").await;
    }
}

/// Registers a user and logs in until the session is enriched (a login that
/// races the start of Warden's enrichment consumer is never enriched).
async fn login_enriched(channel: Channel) -> anyhow::Result<Tokens> {
    let mut auth = AuthServiceClient::new(channel.clone());
    let mut sessions = SessionServiceClient::new(channel);
    let email = format!("bench-{}@example.com", uuid::Uuid::new_v4().simple());
    let password = "correct horse battery staple".to_owned();
    auth.register(RegisterRequest {
        email: email.clone(),
        password: password.clone(),
        display_name: String::new(),
    })
    .await?;
    for _ in 0..10 {
        let tokens = auth
            .login(LoginRequest {
                email: email.clone(),
                password: password.clone(),
            })
            .await?
            .into_inner()
            .tokens
            .expect("tokens");
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            let mut req = tonic::Request::new(GetCurrentSessionRequest {});
            req.metadata_mut().insert(
                "authorization",
                format!("Bearer {}", tokens.access_token).parse()?,
            );
            let session = sessions
                .get_current_session(req)
                .await?
                .into_inner()
                .session;
            if session.is_some_and(|s| s.enriched_at.is_some()) {
                return Ok(tokens);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    anyhow::bail!("no session enriched in 10 logins")
}

/// Serves the echo service behind a `WardenLayer` over `sessions`, leaving
/// `EchoOpen` open.
async fn serve_echo(
    warden: Channel,
    sessions: Arc<dyn SessionSource>,
    listen: SocketAddr,
) -> anyhow::Result<SocketAddr> {
    let layer = WardenLayer::builder("warden", "warden")
        .key_source(Arc::new(GrpcKeySource::new(warden)))
        .session_source(sessions)
        .open_method("/warden.bench.v1.EchoService/EchoOpen")
        .build();
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(
        tonic::transport::Server::builder()
            .layer(layer)
            .add_service(EchoServiceServer::new(Echo))
            .serve_with_incoming(
                tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true)),
            ),
    );
    Ok(addr)
}

async fn connect(addr: SocketAddr) -> anyhow::Result<Channel> {
    Ok(Channel::from_shared(format!("http://{addr}"))?
        .connect()
        .await?)
}

/// Which revocation feeds keep the resource server's session cache honest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Feed {
    /// `warden.events` on RabbitMQ (`SessionRevoked` after Warden's outbox relay).
    Amqp,
    /// Redis client-side caching invalidations (the session key deleted).
    Redis,
    /// Both.
    Both,
}

impl Feed {
    fn name(self) -> &'static str {
        match self {
            Feed::Amqp => "amqp",
            Feed::Redis => "redis",
            Feed::Both => "both",
        }
    }
}

/// A session cache over Redis following `feed`, once it is up.
async fn cached_sessions(
    backends: &Backends,
    feed: Feed,
) -> anyhow::Result<Arc<CachedSessionSource>> {
    let redis = Arc::new(RedisSessionSource::connect(&backends.redis_url).await?);
    let cache = CachedSessionSource::new(redis, Duration::from_secs(60));
    if feed != Feed::Redis {
        cache.follow_revocations(backends.amqp_url.clone());
    }
    if feed != Feed::Amqp {
        cache.follow_redis_invalidations(backends.redis_url.clone());
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cache.feed_up() {
        anyhow::ensure!(Instant::now() < deadline, "revocation feed not up in 10 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(cache)
}

/// Open and authenticated phases alternate this many times per server.
const ROUNDS: u32 = 4;

/// Authenticated `Echo` against open `EchoOpen` on the same resource server,
/// in the same run: once with the session cache (warm), once reading Redis on
/// every call.
pub async fn run(duration: Duration, concurrency: usize, backends: Backends) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (warden, queue) = start_warden(&backends, dir.path()).await?;
    let warden_channel = connect(warden.grpc_addr).await?;
    let tokens = login_enriched(warden_channel.clone()).await?;
    let bearer: tonic::metadata::MetadataValue<_> =
        format!("Bearer {}", tokens.access_token).parse()?;
    let any: SocketAddr = "127.0.0.1:0".parse()?;
    let cached = serve_echo(
        warden_channel.clone(),
        cached_sessions(&backends, Feed::Both).await?,
        any,
    )
    .await?;
    let direct = serve_echo(
        warden_channel.clone(),
        Arc::new(RedisSessionSource::connect(&backends.redis_url).await?),
        any,
    )
    .await?;

    let mut rows = Vec::new();
    for (name, addr) in [
        ("session cache on (warm)", cached),
        ("session cache off (Redis GET per call)", direct),
    ] {
        let client = EchoServiceClient::new(connect(addr).await?);
        let payload = vec![7u8; 16];
        // Warm up: the token verified once, the session cached, connections open.
        for _ in 0..100 {
            let mut req = tonic::Request::new(EchoRequest {
                payload: payload.clone(),
            });
            req.metadata_mut().insert("authorization", bearer.clone());
            client.clone().echo(req).await?;
        }
        // Alternating short phases, so drift in the machine's load hits both alike.
        let (mut open, mut open_with_bearer, mut authenticated) = (0.0, 0.0, 0.0);
        for _ in 0..ROUNDS {
            // The same request bytes as the authenticated call, on the open
            // method: the difference to `authenticated` is the layer's work alone.
            open_with_bearer += {
                let (client, payload, bearer) = (client.clone(), payload.clone(), bearer.clone());
                max_rate(concurrency, duration / ROUNDS, move |_| {
                    let (mut client, payload, bearer) =
                        (client.clone(), payload.clone(), bearer.clone());
                    async move {
                        let mut req = tonic::Request::new(EchoRequest { payload });
                        req.metadata_mut().insert("authorization", bearer);
                        client
                            .echo_open(req)
                            .await
                            .expect("open echo with a bearer");
                    }
                })
                .await
            };
            open += {
                let (client, payload) = (client.clone(), payload.clone());
                max_rate(concurrency, duration / ROUNDS, move |_| {
                    let (mut client, payload) = (client.clone(), payload.clone());
                    async move {
                        client
                            .echo_open(EchoRequest { payload })
                            .await
                            .expect("open echo");
                    }
                })
                .await
            };
            authenticated += {
                let (client, payload, bearer) = (client.clone(), payload.clone(), bearer.clone());
                max_rate(concurrency, duration / ROUNDS, move |_| {
                    let (mut client, payload, bearer) =
                        (client.clone(), payload.clone(), bearer.clone());
                    async move {
                        let mut req = tonic::Request::new(EchoRequest { payload });
                        req.metadata_mut().insert("authorization", bearer);
                        client.echo(req).await.expect("authenticated echo");
                    }
                })
                .await
            };
        }
        let n = ROUNDS as f64;
        let (open, open_with_bearer, authenticated) =
            (open / n, open_with_bearer / n, authenticated / n);
        rows.push(json!({
            "sessions": name,
            "open_echo_per_s": open.round(),
            "open_echo_same_bearer_per_s": open_with_bearer.round(),
            "authenticated_echo_per_s": authenticated.round(),
            "ratio": (authenticated / open * 1000.0).round() / 1000.0,
            "ratio_same_request_bytes": (authenticated / open_with_bearer * 1000.0).round() / 1000.0,
        }));
    }
    println!(
        "{}",
        json!({
            "scenario": "authenticated_vs_open_echo",
            "concurrency": concurrency,
            "seconds_per_kind_and_server": duration.as_secs(),
            "alternating_rounds": ROUNDS,
            "results": rows,
        })
    );
    warden.stop().await?;
    delete_queue(&backends.amqp_url, &queue).await;
    Ok(())
}

/// The resource server of [`revocation`], run as a separate process: prints
/// `listening on <addr>` and serves until killed.
pub async fn resource_server(
    warden_url: String,
    backends: Backends,
    feed: Feed,
) -> anyhow::Result<()> {
    let warden = Channel::from_shared(warden_url)?.connect().await?;
    let addr = serve_echo(
        warden,
        cached_sessions(&backends, feed).await?,
        "127.0.0.1:0".parse()?,
    )
    .await?;
    println!("listening on {addr}");
    std::future::pending::<()>().await;
    Ok(())
}

/// A private queue on `warden.events` for `session.revoked`: each event's
/// session id with the moment it arrived.
async fn revoked_tap(
    amqp_url: &str,
) -> anyhow::Result<(
    lapin::Connection,
    tokio::sync::mpsc::UnboundedReceiver<(String, Instant)>,
)> {
    use futures::StreamExt;
    use lapin::options::{BasicConsumeOptions, QueueBindOptions, QueueDeclareOptions};
    use lapin::types::FieldTable;
    use prost::Message;
    let connection = lapin::Connection::connect(amqp_url, Default::default()).await?;
    let channel = connection.create_channel().await?;
    let queue = channel
        .queue_declare(
            "",
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_bind(
            queue.name().as_str(),
            "warden.events",
            "session.revoked",
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let mut consumer = channel
        .basic_consume(
            queue.name().as_str(),
            "",
            BasicConsumeOptions {
                no_ack: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(Ok(delivery)) = consumer.next().await {
            let at = Instant::now();
            if let Ok(e) =
                warden_proto::events::v1::SessionRevoked::decode(delivery.data.as_slice())
            {
                let _ = tx.send((e.session_id, at));
            }
        }
    });
    Ok((connection, rx))
}

/// Kills the child resource server when the benchmark ends, however it ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// From `Logout` returning to the first call refused by the interceptor of a
/// resource server in another process (session cached there, behind the
/// revocation feed), per logout.
pub async fn revocation(logouts: usize, backends: Backends, feed: Feed) -> anyhow::Result<()> {
    use std::io::BufRead;
    let dir = tempfile::tempdir()?;
    let (warden, queue) = start_warden(&backends, dir.path()).await?;
    let warden_channel = connect(warden.grpc_addr).await?;
    let mut command = std::process::Command::new(std::env::current_exe()?);
    command
        .args(["resource-server", "--warden-url"])
        .arg(format!("http://{}", warden.grpc_addr))
        .args(["--redis-url", &backends.redis_url])
        .args(["--amqp-url", &backends.amqp_url])
        .args(["--feed", feed.name()])
        .stdout(std::process::Stdio::piped());
    let mut child = KillOnDrop(command.spawn()?);
    let stdout = child.0.stdout.take().expect("piped");
    let line = tokio::task::spawn_blocking(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        let first = lines.next();
        std::thread::spawn(move || for _ in lines {});
        first
    })
    .await?
    .ok_or_else(|| anyhow::anyhow!("resource server exited"))??;
    let addr: SocketAddr = line
        .strip_prefix("listening on ")
        .ok_or_else(|| anyhow::anyhow!("unexpected line {line:?}"))?
        .parse()?;
    let echo = EchoServiceClient::new(connect(addr).await?);
    let mut auth = AuthServiceClient::new(warden_channel.clone());
    let (_tap_connection, mut revoked_events) = revoked_tap(&backends.amqp_url).await?;
    let mut latencies_ms = Vec::with_capacity(logouts);
    let mut event_ms = Vec::with_capacity(logouts);
    let mut polls = 0u64;
    for i in 0..logouts + 5 {
        let tokens = login_enriched(warden_channel.clone()).await?;
        let call = |token: &str| {
            let mut req = tonic::Request::new(EchoRequest { payload: vec![1] });
            req.metadata_mut()
                .insert("authorization", format!("Bearer {token}").parse().unwrap());
            let mut echo = echo.clone();
            async move { echo.echo(req).await }
        };
        for _ in 0..3 {
            // Verified, remembered and cached in the other process.
            call(&tokens.access_token).await?;
        }
        let mut req = tonic::Request::new(LogoutRequest {});
        req.metadata_mut().insert(
            "authorization",
            format!("Bearer {}", tokens.access_token).parse()?,
        );
        auth.logout(req).await?;
        let returned = Instant::now();
        loop {
            polls += 1;
            match call(&tokens.access_token).await {
                Ok(_) => {}
                Err(status) if status.code() == tonic::Code::Unauthenticated => break,
                Err(status) => anyhow::bail!("unexpected refusal {status:?}"),
            }
            anyhow::ensure!(
                returned.elapsed() < Duration::from_secs(5),
                "a logged-out token still accepted after 5 s"
            );
        }
        let refused_after = returned.elapsed();
        // When SessionRevoked reached an independent consumer of warden.events.
        let arrived = tokio::time::timeout(Duration::from_secs(5), async {
            while let Some((sid, at)) = revoked_events.recv().await {
                if sid == tokens.session_id {
                    return Some(at);
                }
            }
            None
        })
        .await
        .ok()
        .flatten()
        .ok_or_else(|| anyhow::anyhow!("SessionRevoked not seen within 5 s"))?;
        if i >= 5 {
            latencies_ms.push(refused_after.as_secs_f64() * 1e3);
            event_ms.push(arrived.saturating_duration_since(returned).as_secs_f64() * 1e3);
        }
    }
    event_ms.sort_by(f64::total_cmp);
    latencies_ms.sort_by(f64::total_cmp);
    let r = |v: f64| (v * 1000.0).round() / 1000.0;
    println!(
        "{}",
        json!({
            "scenario": "revocation_latency",
            "feed": feed.name(),
            "logouts": latencies_ms.len(),
            "polls": polls,
            "p50_ms": r(percentile(&latencies_ms, 0.5)),
            "p99_ms": r(percentile(&latencies_ms, 0.99)),
            "max_ms": r(*latencies_ms.last().unwrap_or(&0.0)),
            "event_arrival_p50_ms": r(percentile(&event_ms, 0.5)),
            "event_arrival_p99_ms": r(percentile(&event_ms, 0.99)),
        })
    );
    drop(child);
    warden.stop().await?;
    delete_queue(&backends.amqp_url, &queue).await;
    Ok(())
}
