//! `warden-bench interceptor`: what `warden-interceptor` adds to a unary call.
//! On one in-process Warden (embedded backends), 16 clients call
//! `Health/Check` (open) and then `SessionService/GetCurrentSession` with a
//! bearer token (verified, remembered, session loaded) for the same time.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tonic::transport::Channel;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::auth::v1::{LoginRequest, RegisterRequest};
use warden_proto::session::v1::session_service_client::SessionServiceClient;
use warden_proto::session::v1::GetCurrentSessionRequest;
use warden_server::config::{Argon2Params, Config};

/// Calls per second of `call` on `concurrency` tasks for `duration`.
async fn rate<F, Fut>(concurrency: usize, duration: Duration, call: F) -> f64
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let call = Arc::new(call);
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (call, stop, count) = (call.clone(), stop.clone(), count.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    call().await;
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = start.elapsed();
    for w in workers {
        let _ = w.await;
    }
    count.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64()
}

pub async fn run(duration: Duration, concurrency: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = Config::embedded(dir.path());
    config.listen = "127.0.0.1:0".parse()?;
    config.http_listen = "127.0.0.1:0".parse()?;
    config.argon2 = Argon2Params {
        memory_kib: 256,
        iterations: 1,
        parallelism: 1,
    };
    let server = warden_server::app::start(config).await?;
    let channel = Channel::from_shared(format!("http://{}", server.grpc_addr))?
        .connect()
        .await?;
    let mut auth = AuthServiceClient::new(channel.clone());
    let (email, password) = (
        "bench@example.com".to_owned(),
        "correct horse battery staple".to_owned(),
    );
    auth.register(RegisterRequest {
        email: email.clone(),
        password: password.clone(),
        display_name: String::new(),
    })
    .await?;
    let tokens = auth
        .login(LoginRequest { email, password })
        .await?
        .into_inner()
        .tokens
        .expect("tokens");
    let bearer: tonic::metadata::MetadataValue<_> =
        format!("Bearer {}", tokens.access_token).parse()?;

    let health = HealthClient::new(channel.clone());
    let open = rate(concurrency, duration, move || {
        let mut health = health.clone();
        async move {
            health
                .check(HealthCheckRequest {
                    service: String::new(),
                })
                .await
                .expect("health");
        }
    })
    .await;
    let sessions = SessionServiceClient::new(channel);
    let authenticated = rate(concurrency, duration, move || {
        let (mut sessions, bearer) = (sessions.clone(), bearer.clone());
        async move {
            let mut req = tonic::Request::new(GetCurrentSessionRequest {});
            req.metadata_mut().insert("authorization", bearer);
            sessions
                .get_current_session(req)
                .await
                .expect("authenticated call");
        }
    })
    .await;
    println!(
        "{}",
        json!({
            "scenario": "authenticated_vs_open_unary",
            "backends": "embedded (in-memory sessions)",
            "concurrency": concurrency,
            "open_health_check_per_s": (open * 10.0).round() / 10.0,
            "authenticated_get_current_session_per_s": (authenticated * 10.0).round() / 10.0,
            "ratio": (authenticated / open * 1000.0).round() / 1000.0,
        })
    );
    server.stop().await?;
    Ok(())
}
