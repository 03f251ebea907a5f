//! `warden-bench refresh`: Refresh RPC throughput against a bare Redis SET+GET
//! round trip at the same concurrency, in one run, with a breakdown of where
//! a refresh spends its time (signing, Redis, PostgreSQL, publishing).

use std::sync::Arc;
use std::time::{Duration, Instant};

use fred::prelude::*;
use serde_json::json;
use tonic::transport::Channel;
use warden_bench::load::{max_rate as rate, round1 as round};
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::auth::v1::{LoginRequest, RefreshRequest, RegisterRequest};
use warden_server::config::Config;

/// Mean microseconds of `op` run sequentially `n` times.
async fn mean_us<F, Fut>(n: u32, mut op: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let start = Instant::now();
    for _ in 0..n {
        op().await;
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
}

/// Creates an empty database next to the one `admin_url` names, for this run.
pub async fn fresh_database(admin_url: &str) -> anyhow::Result<String> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(admin_url).await?;
    let name = format!("warden_bench_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await?;
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    Ok(format!("{base}/{name}"))
}

pub async fn run(
    duration: Duration,
    concurrency: usize,
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
    config.database_url = Some(fresh_database(&database_url).await?);
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

    // One session per worker, so workers never contend on one refresh chain.
    let email = format!("bench-{}@example.com", uuid::Uuid::new_v4().simple());
    let password = "correct horse battery staple".to_owned();
    auth.register(RegisterRequest {
        email: email.clone(),
        password: password.clone(),
        display_name: String::new(),
    })
    .await?;
    let mut chains = Vec::new();
    for _ in 0..concurrency {
        let tokens = auth
            .login(LoginRequest {
                email: email.clone(),
                password: password.clone(),
            })
            .await?;
        chains.push(tokio::sync::Mutex::new(
            tokens.into_inner().tokens.expect("tokens").refresh_token,
        ));
    }
    let chains = Arc::new(chains);

    // Bare Redis SET+GET round trip, same concurrency, same machine, same run.
    let redis = Builder::from_config(fred::prelude::Config::from_url(&redis_url)?).build()?;
    redis.init().await?;
    let value = "x".repeat(400); // about the size of a session's JSON
    let bare = {
        let (redis, value) = (redis.clone(), value.clone());
        rate(concurrency, duration, move |w| {
            let (redis, value) = (redis.clone(), value.clone());
            async move {
                let key = format!("warden-bench:{w}");
                let _: () = redis
                    .set(&key, value, Some(Expiration::EX(60)), None, false)
                    .await
                    .unwrap();
                let _: String = redis.get(&key).await.unwrap();
            }
        })
        .await
    };

    let refreshes = {
        let (auth, chains) = (auth.clone(), chains.clone());
        rate(concurrency, duration, move |w| {
            let (mut auth, chains) = (auth.clone(), chains.clone());
            async move {
                let mut chain = chains[w].lock().await;
                let tokens = auth
                    .refresh(RefreshRequest {
                        refresh_token: chain.clone(),
                    })
                    .await
                    .expect("refresh");
                *chain = tokens.into_inner().tokens.expect("tokens").refresh_token;
            }
        })
        .await
    };

    // Where one refresh spends its time, measured sequentially.
    let keys = warden_server::keys::KeySet::load(&config.key_dir, config.key_retention)?;
    let claims = json!({"iss": "warden", "aud": "warden", "sub": "u", "sid": "s", "iat": 0, "nbf": 0, "exp": 1, "jti": "j"});
    let sign_us = mean_us(2000, || {
        let _ = keys.sign(&claims).unwrap();
        std::future::ready(())
    })
    .await;
    let set_get_us = mean_us(2000, || {
        let (redis, value) = (redis.clone(), value.clone());
        async move {
            let _: () = redis
                .set(
                    "warden-bench:seq",
                    value,
                    Some(Expiration::EX(60)),
                    None,
                    false,
                )
                .await
                .unwrap();
            let _: String = redis.get("warden-bench:seq").await.unwrap();
        }
    })
    .await;
    let sql =
        warden_server::store::sql::SqlStore::connect(config.database_url.as_deref(), dir.path())
            .await?;
    let user_lookup_us = mean_us(2000, || {
        let sql = sql.clone();
        async move {
            use warden_server::store::UserStore;
            let _ = sql.find_user("no-such-user").await.unwrap();
        }
    })
    .await;
    let mut chain = chains[0].lock().await.clone();
    let start = Instant::now();
    for _ in 0..1000 {
        let tokens = auth
            .refresh(RefreshRequest {
                refresh_token: chain,
            })
            .await?;
        chain = tokens.into_inner().tokens.expect("tokens").refresh_token;
    }
    let refresh_us = start.elapsed().as_secs_f64() * 1e6 / 1000.0;

    println!(
        "{}",
        json!({
            "scenario": "refresh_vs_redis_set_get",
            "backends": "redis + rabbitmq + postgresql",
            "concurrency": concurrency,
            "redis_set_get_per_s": round(bare),
            "refresh_per_s": round(refreshes),
            "ratio": (refreshes / bare * 1000.0).round() / 1000.0,
        })
    );
    println!(
        "{}",
        json!({
            "scenario": "refresh_breakdown_sequential",
            "refresh_rpc_us": round(refresh_us),
            "redis_round_trips_per_refresh": 2,
            "redis_set_plus_get_us": round(set_get_us),
            "redis_estimate_us": round(set_get_us),
            "sign_us": round(sign_us),
            "postgres_suspension_check_us": round(user_lookup_us),
            "publish_us": 0,
            "rest_us": round(refresh_us - set_get_us - sign_us - user_lookup_us),
        })
    );
    server.stop().await?;
    Ok(())
}
