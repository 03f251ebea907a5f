//! `warden-bench enrichment`: the enrichment gap. On Redis + RabbitMQ +
//! PostgreSQL, logins one after another (with a pause, so the machine is
//! idle); for each, the time from `Login` returning to `enrichedAt` being
//! visible in the session's Redis key (polled with GET).

use std::time::{Duration, Instant};

use fred::prelude::*;
use serde_json::json;
use tonic::transport::Channel;
use warden_bench::load::percentile;
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::auth::v1::{LoginRequest, RegisterRequest};
use warden_server::config::Config;

pub async fn run(
    logins: usize,
    pause: Duration,
    redis_url: String,
    amqp_url: String,
    database_url: String,
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = Config::embedded(dir.path());
    config.listen = "127.0.0.1:0".parse()?;
    config.http_listen = "127.0.0.1:0".parse()?;
    config.redis_url = Some(redis_url.clone());
    config.amqp_url = Some(amqp_url);
    let database = crate::refresh::fresh_database(&database_url).await?;
    config.enrichment_queue = format!(
        "warden.bench.enrichment.{}",
        database.rsplit('/').next().unwrap_or_default()
    );
    config.database_url = Some(database);
    config.argon2 = warden_server::config::Argon2Params {
        memory_kib: 256,
        iterations: 1,
        parallelism: 1,
    };
    let server = warden_server::app::start(config.clone()).await?;
    let channel = Channel::from_shared(format!("http://{}", server.grpc_addr))?
        .connect()
        .await?;
    let mut auth = AuthServiceClient::new(channel);
    let redis = Client::new(
        fred::prelude::Config::from_url(&redis_url)?,
        None,
        None,
        None,
    );
    redis.init().await?;

    let email = format!("bench-{}@example.com", uuid::Uuid::new_v4().simple());
    let password = "correct horse battery staple".to_owned();
    auth.register(RegisterRequest {
        email: email.clone(),
        password: password.clone(),
        display_name: String::new(),
    })
    .await?;
    let mut gaps_ms = Vec::with_capacity(logins);
    let mut polls = 0u64;
    // A few logins first: connections, queue declaration, caches.
    for i in 0..logins + 10 {
        tokio::time::sleep(pause).await;
        let tokens = auth
            .login(LoginRequest {
                email: email.clone(),
                password: password.clone(),
            })
            .await?
            .into_inner()
            .tokens
            .expect("tokens");
        let returned = Instant::now();
        let key = format!("warden:session:{}", tokens.session_id);
        loop {
            let json: Option<String> = redis.get(&key).await?;
            polls += 1;
            if json.is_some_and(|j| j.contains("\"enrichedAt\"")) {
                break;
            }
            if returned.elapsed() > Duration::from_secs(10) {
                anyhow::bail!("session {} not enriched within 10 s", tokens.session_id);
            }
        }
        if i >= 10 {
            gaps_ms.push(returned.elapsed().as_secs_f64() * 1e3);
        }
    }
    gaps_ms.sort_by(f64::total_cmp);
    let round = |x: f64| (x * 100.0).round() / 100.0;
    println!(
        "{}",
        json!({
            "scenario": "enrichment",
            "backends": "redis + rabbitmq + postgresql",
            "logins": logins,
            "pause_ms": pause.as_millis() as u64,
            "gap_ms": {
                "p50": round(percentile(&gaps_ms, 0.5)),
                "p90": round(percentile(&gaps_ms, 0.9)),
                "p99": round(percentile(&gaps_ms, 0.99)),
                "max": round(*gaps_ms.last().unwrap_or(&0.0)),
                "mean": round(gaps_ms.iter().sum::<f64>() / gaps_ms.len().max(1) as f64),
            },
            "redis_polls_per_login": polls / (logins as u64 + 10),
        })
    );
    redis.quit().await?;
    server.stop().await?;
    Ok(())
}
