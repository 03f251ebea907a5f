//! Wiring: builds the stores, the event bus, the keys and the services from a
//! [`Config`], and serves gRPC and HTTP until shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use fred::interfaces::ClientLike;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use warden_proto::auth::v1::auth_service_server::AuthServiceServer;

use crate::auth::attempts::{FailureStore, MemoryFailures};
use crate::auth::password::PasswordHasher;
use crate::auth::{Auth, AuthDeps, TokenSettings};
use crate::authz::enrichment::Enricher;
use crate::authz::replica::Replica;
use crate::authz::service::Authz;
use crate::config::Config;
use crate::events::inprocess::InProcessBus;
use crate::events::rabbitmq::RabbitMqBus;
use crate::events::EventBus;
use crate::keys::KeyRing;
use crate::lifecycle::{InvalidatingStore, SessionLifecycle, StoreSessionSource};
use crate::session::SessionApi;
use crate::store::memory::MemorySessionStore;
use crate::store::redis::RedisSessionStore;
use crate::store::sql::SqlStore;
use crate::store::SessionStore;
use crate::telemetry::GrpcMetricsLayer;
use warden_interceptor::sources::CachedSessionSource;
use warden_interceptor::{SessionSource, WardenLayer};
use warden_proto::authz::v1::authz_service_server::AuthzServiceServer;
use warden_proto::session::v1::session_service_server::SessionServiceServer;

/// The backends a readiness check probes.
pub struct Backends {
    sql: SqlStore,
    redis: Option<Arc<RedisSessionStore>>,
}

impl Backends {
    /// Pings the database and Redis; names the first one that does not answer.
    pub async fn check(&self) -> Result<(), &'static str> {
        let sql = tokio::time::timeout(
            Duration::from_secs(2),
            sqlx::query("SELECT 1").execute(self.sql.pool()),
        );
        if !matches!(sql.await, Ok(Ok(_))) {
            return Err("database");
        }
        if let Some(redis) = &self.redis {
            let ping =
                tokio::time::timeout(Duration::from_secs(2), redis.client().ping::<String>(None));
            if !matches!(ping.await, Ok(Ok(_))) {
                return Err("redis");
            }
        }
        Ok(())
    }
}

/// Makes the user with `email` an administrator if it exists (otherwise it
/// becomes one when it registers).
async fn bootstrap_admin(sql: &SqlStore, email: &str) -> Result<(), crate::error::Error> {
    use crate::store::{RoleStore, UserStore, ADMIN_ROLE};
    if let Some(user) = sql.find_user_by_email(email).await? {
        sql.grant_role(&user.id, ADMIN_ROLE).await?;
        tracing::info!(user_id = %user.id, "bootstrap admin granted");
    }
    Ok(())
}

/// Drops expired sessions from the in-memory store every minute, on a
/// blocking thread: a sweep removes them a batch at a time and pauses
/// between batches (about 3 µs a session: 20,000 take 60 ms).
async fn sweep_memory_sessions(
    store: Arc<MemorySessionStore>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        let store = store.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || store.sweep_expired()).await {
            tracing::error!(error = %e, "sweeping expired sessions failed");
        }
    }
}

/// How often the key directory is re-read (rotations by `warden keys rotate`,
/// promotions and retirements coming due).
const KEY_RELOAD_INTERVAL: Duration = Duration::from_secs(2);

/// Where sessions live, and how the verification layer reads them.
struct SessionBackend {
    sessions: Arc<dyn SessionStore>,
    /// Redis, when sessions live there (for the readiness check).
    redis: Option<Arc<RedisSessionStore>>,
    /// Failed logins are counted where sessions live: shared in Redis.
    failure_store: Arc<dyn FailureStore>,
    session_source: Arc<dyn SessionSource>,
}

/// The longest a session stays in the verification layer's cache (Redis
/// sessions only). Redis's invalidations drop a changed session at once, and
/// the cache is bypassed while their connection is down: the bound only
/// limits what a lost invalidation could cost.
const SESSION_CACHE_MAX_AGE: Duration = Duration::from_secs(30);

/// The HTTP/2 flow-control window of a gRPC connection, in bytes. It also
/// sizes h2's flood protection, which closes a connection (GOAWAY
/// `ENHANCE_YOUR_CALM`, every call on it failing) once the small DATA frames
/// it holds unread cost more than half the window: at the default 64 KiB,
/// about 180 small unary calls queued on one connection while the server was
/// busy. 8 MiB holds about 23,000 (a CheckPermission request is about 80
/// bytes), at most 8 MiB of requests per connection unread.
const HTTP2_CONNECTION_WINDOW: u32 = 8 << 20;

async fn reload_keys(keys: Arc<KeyRing>, layer: WardenLayer, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(KEY_RELOAD_INTERVAL) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        match keys.reload() {
            Ok(true) => {
                tracing::info!(kid = %keys.snapshot().current().entry.kid, "signing keys changed");
                if let Err(e) = layer.refresh_keys().await {
                    tracing::warn!(error = %e, "could not refresh the interceptor's key set");
                }
            }
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, "cannot reload the signing keys; keeping the loaded ones")
            }
        }
    }
}

/// A Warden server running in the background (used by `warden serve` and by tests).
pub struct RunningWarden {
    /// Bound gRPC address.
    pub grpc_addr: SocketAddr,
    /// Bound HTTP address.
    pub http_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    grpc_task: JoinHandle<Result<(), tonic::transport::Error>>,
    http_task: JoinHandle<std::io::Result<()>>,
}

impl RunningWarden {
    /// Stops accepting calls, lets in-flight calls finish and waits for the servers to end.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        self.grpc_task.await??;
        self.http_task.await??;
        Ok(())
    }
}

/// Builds every component from `config`, binds both listeners and starts serving.
pub async fn start(config: Config) -> anyhow::Result<RunningWarden> {
    start_with_routes(config, tonic::service::Routes::default()).await
}

/// [`start`], also serving `extra` gRPC services behind the same layers (the
/// benchmarks add a bare echo service this way, to compare against).
pub async fn start_with_routes(
    config: Config,
    extra: tonic::service::Routes,
) -> anyhow::Result<RunningWarden> {
    crate::telemetry::metrics_handle();
    let grpc_listener = TcpListener::bind(config.listen).await.with_context(|| {
        format!(
            "listen (gRPC) on {} (another address: --listen or WARDEN_LISTEN)",
            config.listen
        )
    })?;
    let http_listener = TcpListener::bind(config.http_listen)
        .await
        .with_context(|| {
            format!(
                "http_listen on {} (another address: --http-listen or WARDEN_HTTP_LISTEN)",
                config.http_listen
            )
        })?;
    let grpc_addr = grpc_listener.local_addr()?;
    let http_addr = http_listener.local_addr()?;
    let (shutdown, shutdown_rx) = watch::channel(false);

    let sql = SqlStore::connect(config.database_url.as_deref(), &config.data_dir)
        .await
        .context(if config.database_url.is_some() {
            "database_url"
        } else {
            "data_dir"
        })?;
    let SessionBackend {
        sessions,
        redis,
        failure_store,
        session_source,
    } = match &config.redis_url {
        Some(url) => {
            let redis = Arc::new(RedisSessionStore::connect(url).await.context("redis_url")?);
            // The verification layer reads the session of every call: from a
            // cache that Redis keeps current (client-side caching, as a
            // resource service's interceptor does), and that this server's
            // own writes clear before they return.
            let cache = CachedSessionSource::new(
                Arc::new(StoreSessionSource(redis.clone())),
                SESSION_CACHE_MAX_AGE,
            );
            cache.follow_redis_invalidations(url.clone());
            tokio::spawn({
                let (cache, mut stop) = (cache.clone(), shutdown_rx.clone());
                async move {
                    let _ = stop.wait_for(|stop| *stop).await;
                    cache.stop_following();
                }
            });
            SessionBackend {
                sessions: Arc::new(InvalidatingStore::new(redis.clone(), cache.clone())),
                redis: Some(redis.clone()),
                failure_store: redis,
                session_source: cache,
            }
        }
        None => {
            let memory = Arc::new(MemorySessionStore::new());
            tokio::spawn(sweep_memory_sessions(memory.clone(), shutdown_rx.clone()));
            SessionBackend {
                sessions: memory.clone(),
                redis: None,
                failure_store: Arc::new(MemoryFailures::default()),
                session_source: Arc::new(StoreSessionSource(memory)),
            }
        }
    };
    let events: Arc<dyn EventBus> = match &config.amqp_url {
        Some(url) => Arc::new(RabbitMqBus::start(
            url.clone(),
            Arc::new(sql.clone()),
            shutdown_rx.clone(),
        )),
        None => Arc::new(InProcessBus::new()),
    };
    let keys = Arc::new(KeyRing::open(
        &config.key_dir,
        config.signing_algorithm,
        config.key_retention,
    )?);
    let refresh_secret = crate::keys::refresh_secret(&config.key_dir)?;
    let hasher = Arc::new(PasswordHasher::new(config.argon2, config.hash_threads)?);
    let lifecycle = SessionLifecycle::new(sessions.clone(), events.clone());
    if let Some(email) = &config.bootstrap_admin_email {
        bootstrap_admin(&sql, email).await?;
    }
    let auth = Auth::new(AuthDeps {
        users: Arc::new(sql.clone()),
        roles: Arc::new(sql.clone()),
        bootstrap_admin_email: config.bootstrap_admin_email.clone(),
        api_keys: Arc::new(sql.clone()),
        sessions: lifecycle.clone(),
        keys: keys.clone(),
        refresh_secret,
        hasher,
        client_ip_header: config.client_ip_header.clone(),
        max_failed_logins: config.max_failed_logins,
        failure_store,
        settings: TokenSettings {
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
            access_token_ttl: config.access_token_ttl,
            session_lifetime: config.session_lifetime,
            session_idle_timeout: config.session_idle_timeout,
            refresh_grace: config.refresh_grace,
        },
    });
    let session_api = SessionApi::new(lifecycle, Arc::new(sql.clone()));
    let replica = Replica::load(sql.clone()).await?;
    tokio::spawn(crate::authz::keep_current(
        replica.clone(),
        sql.clone(),
        events.follow("authz.relationships.changed"),
        shutdown_rx.clone(),
    ));
    let enricher = Enricher::new(
        Arc::new(sql.clone()),
        Arc::new(sql.clone()),
        sessions.clone(),
        events.clone(),
    );
    tokio::spawn(enricher.clone().consume(
        events.consume(config.enrichment_queue.clone(), "session.created"),
        shutdown_rx.clone(),
    ));
    tokio::spawn(enricher.clone().repair_stale(shutdown_rx.clone()));
    let authz = Authz::new(
        replica,
        sql.clone(),
        Arc::new(sql.clone()),
        Arc::new(sql.clone()),
        events.clone(),
        enricher,
    )
    .reads_need(config.authz_read_role.clone());
    // Warden is the first user of its own interceptor.
    let auth_layer = WardenLayer::builder(config.issuer.clone(), config.audience.clone())
        .key_source(keys.clone())
        .session_source(session_source)
        .leeway(config.token_leeway)
        .key_refresh_interval(Duration::from_secs(1))
        .without_enrichment_wait()
        .open_method("/warden.auth.v1.AuthService/Register")
        .open_method("/warden.auth.v1.AuthService/Login")
        .open_method("/warden.auth.v1.AuthService/LoginWithApiKey")
        .open_method("/warden.auth.v1.AuthService/Refresh")
        .open_method("/warden.auth.v1.AuthService/GetJwks")
        .open_service("grpc.health.v1.Health")
        .open_service("grpc.reflection.v1.ServerReflection")
        .open_service("grpc.reflection.v1alpha.ServerReflection")
        .build();
    tokio::spawn(reload_keys(
        keys.clone(),
        auth_layer.clone(),
        shutdown_rx.clone(),
    ));
    let backends = Arc::new(Backends { sql, redis });

    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_serving::<AuthServiceServer<Auth>>()
        .await;
    health_reporter
        .set_serving::<SessionServiceServer<SessionApi>>()
        .await;
    health_reporter
        .set_serving::<AuthzServiceServer<Authz>>()
        .await;
    let served = [
        "warden.auth.v1.AuthService",
        "warden.session.v1.SessionService",
        "warden.authz.v1.AuthzService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
    ];
    let reflection = || {
        served.iter().fold(
            tonic_reflection::server::Builder::configure()
                .register_encoded_file_descriptor_set(warden_proto::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET),
            |builder, name| builder.with_service_name(*name),
        )
    };
    let reflection_v1 = reflection().build_v1()?;
    let reflection_v1alpha = reflection().build_v1alpha()?;

    let mut grpc_shutdown = shutdown_rx.clone();
    let grpc = tonic::transport::Server::builder()
        // Room for oversized metadata, so the layer (not HTTP/2) refuses it with a gRPC status.
        .http2_max_header_list_size(Some(1 << 20))
        .initial_connection_window_size(HTTP2_CONNECTION_WINDOW)
        .layer(GrpcMetricsLayer::for_services(&served))
        .layer(auth_layer)
        .add_routes(extra)
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(AuthServiceServer::new(auth))
        .add_service(SessionServiceServer::new(session_api))
        .add_service(AuthzServiceServer::new(authz));
    let grpc_task = tokio::spawn(grpc.serve_with_incoming_shutdown(
        tonic::transport::server::TcpIncoming::from(grpc_listener).with_nodelay(Some(true)),
        async move {
            let _ = grpc_shutdown.wait_for(|stop| *stop).await;
        },
    ));

    let mut http_shutdown = shutdown_rx;
    let router = crate::http::router(keys, backends);
    let http_task = tokio::spawn(async move {
        axum::serve(http_listener, router)
            .with_graceful_shutdown(async move {
                let _ = http_shutdown.wait_for(|stop| *stop).await;
            })
            .await
    });
    tracing::info!(%grpc_addr, %http_addr, "warden serving");
    Ok(RunningWarden {
        grpc_addr,
        http_addr,
        shutdown,
        grpc_task,
        http_task,
    })
}
