//! `warden-bench check`: CheckPermission over loopback on a Drive-like data
//! set, against a bare tonic unary echo RPC on the same server in the same
//! run. Both calls carry the same bearer token through the same layers, so
//! the ratio is the cost of the check itself.
//!
//! The data set is generated and written to the database by a child process
//! (`warden-bench load-dataset`), so this process's resident size before and
//! after the server starts measures the server with the relationships loaded.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use tonic::transport::Channel;
use warden_bench::dataset::{document, user, Dataset, Rng, SCHEMA};
use warden_bench::echo::echo_service_client::EchoServiceClient;
use warden_bench::echo::echo_service_server::EchoServiceServer;
use warden_bench::echo::{Echo, EchoRequest};
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::auth::v1::{LoginRequest, RegisterRequest};
use warden_proto::authz::v1::authz_service_client::AuthzServiceClient;
use warden_proto::authz::v1::{
    CheckBulkPermissionsRequest, CheckBulkPermissionsRequestItem, CheckPermissionRequest,
    ObjectReference, Permissionship, SubjectReference,
};
use warden_server::config::Config;
use warden_server::store::relationships::WriteOp;
use warden_server::store::sql::SqlStore;

/// Writes the data set into the database of `data_dir` (or `database_url`)
/// and prints its shape and a sample of (document, owner) pairs as JSON.
pub async fn load(
    data_dir: std::path::PathBuf,
    database_url: Option<String>,
    relationships: usize,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let data = Dataset::generate(relationships, 42);
    let store = SqlStore::connect(database_url.as_deref(), &data_dir).await?;
    store
        .write_schema(SCHEMA, |_| true)
        .await?
        .map_err(|_| anyhow::anyhow!("schema refused"))?;
    for chunk in data.tuples.chunks(10_000) {
        let updates: Vec<_> = chunk
            .iter()
            .map(|t| (WriteOp::Touch, t.clone(), None))
            .collect();
        store
            .write_relationships(&updates, &[], SCHEMA, 0)
            .await?
            .map_err(|r| anyhow::anyhow!("write refused: {r:?}"))?;
    }
    let owners: Vec<(String, String)> = data
        .tuples
        .iter()
        .filter(|t| t.resource_type == "document" && t.relation == "owner")
        .step_by(97)
        .take(2_000)
        .map(|t| (t.resource_id.clone(), t.subject.object_id.clone()))
        .collect();
    println!(
        "{}",
        json!({
            "relationships": data.tuples.len(),
            "users": data.users,
            "groups": data.groups,
            "folders": data.folders,
            "folder_depth": data.folder_depth,
            "documents": data.documents,
            "owners": owners,
            "load_seconds": started.elapsed().as_secs_f64(),
        })
    );
    Ok(())
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn bearer<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut req = tonic::Request::new(message);
    req.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("ascii token"),
    );
    req
}

fn object(t: &str, id: &str) -> Option<ObjectReference> {
    Some(ObjectReference {
        object_type: t.into(),
        object_id: id.into(),
    })
}

fn check_request(doc: &str, who: &str) -> CheckPermissionRequest {
    CheckPermissionRequest {
        resource: object("document", doc),
        permission: "view".into(),
        subject: Some(SubjectReference {
            object: object("user", who),
            optional_relation: String::new(),
        }),
        consistency: None,
        with_tracing: false,
    }
}

/// Closed loop: `concurrency` callers as fast as they can; calls per second.
async fn max_rate<F, Fut>(concurrency: usize, duration: Duration, call: F) -> f64
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let call = Arc::new(call);
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|w| {
            let (call, stop, count) = (call.clone(), stop.clone(), count.clone());
            tokio::spawn(async move {
                let mut i = w;
                while !stop.load(Ordering::Relaxed) {
                    call(i).await;
                    i += concurrency;
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

/// Open loop: calls started at `rate` per second for `duration`; latency
/// percentiles in microseconds (p50, p99).
async fn latency_at<F, Fut>(rate: f64, duration: Duration, call: F) -> (f64, f64, usize)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let call = Arc::new(call);
    let samples = Arc::new(Mutex::new(Vec::new()));
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let end = Instant::now() + duration;
    let mut tasks = Vec::new();
    let mut i = 0;
    while Instant::now() < end {
        ticker.tick().await;
        let (call, samples) = (call.clone(), samples.clone());
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            call(i).await;
            let us = started.elapsed().as_secs_f64() * 1e6;
            samples.lock().expect("samples").push(us);
        }));
        i += 1;
    }
    for t in tasks {
        let _ = t.await;
    }
    let mut s = samples.lock().expect("samples").clone();
    s.sort_by(f64::total_cmp);
    let at = |p: f64| s[((s.len() as f64 - 1.0) * p).round() as usize];
    (at(0.5), at(0.99), s.len())
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub async fn run(
    relationships: usize,
    duration: Duration,
    concurrency: usize,
    database_url: Option<String>,
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut loader = std::process::Command::new(std::env::current_exe()?);
    loader
        .arg("load-dataset")
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--relationships")
        .arg(relationships.to_string());
    if let Some(url) = &database_url {
        loader.arg("--database-url").arg(url);
    }
    let output = loader.output()?;
    anyhow::ensure!(
        output.status.success(),
        "load-dataset failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let shape: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let documents = shape["documents"].as_u64().unwrap_or(1) as usize;
    let users = shape["users"].as_u64().unwrap_or(1) as usize;
    let owners: Vec<(String, String)> = serde_json::from_value(shape["owners"].clone())?;

    let mut config = Config::embedded(dir.path());
    config.listen = "127.0.0.1:0".parse()?;
    config.http_listen = "127.0.0.1:0".parse()?;
    config.database_url = database_url;
    config.argon2 = warden_server::config::Argon2Params {
        memory_kib: 256,
        iterations: 1,
        parallelism: 1,
    };
    let rss_before = rss_mib();
    let started = Instant::now();
    let routes = tonic::service::Routes::new(EchoServiceServer::new(Echo));
    let server = warden_server::app::start_with_routes(config, routes).await?;
    let start_seconds = started.elapsed().as_secs_f64();
    let rss_after = rss_mib();

    let channel = Channel::from_shared(format!("http://{}", server.grpc_addr))?
        .connect()
        .await?;
    let mut auth = AuthServiceClient::new(channel.clone());
    let email = format!("bench-{}@example.com", uuid::Uuid::new_v4().simple());
    let password = "correct horse battery staple".to_owned();
    auth.register(RegisterRequest {
        email: email.clone(),
        password: password.clone(),
        display_name: String::new(),
    })
    .await?;
    let token = auth
        .login(LoginRequest { email, password })
        .await?
        .into_inner()
        .tokens
        .expect("tokens")
        .access_token;

    // Half owners of their document (allowed), half random pairs (mostly denied).
    let mut rng = Rng::new(99);
    let mut pool: Vec<CheckPermissionRequest> = Vec::with_capacity(4_000);
    for (doc, owner) in &owners {
        pool.push(check_request(doc, owner));
        pool.push(check_request(
            &document(rng.below(documents)),
            &user(rng.below(users)),
        ));
    }
    let mut authz = AuthzServiceClient::new(channel.clone());
    let bulk = authz
        .check_bulk_permissions(bearer(
            CheckBulkPermissionsRequest {
                items: pool
                    .iter()
                    .take(1_000)
                    .map(|r| CheckBulkPermissionsRequestItem {
                        resource: r.resource.clone(),
                        permission: r.permission.clone(),
                        subject: r.subject.clone(),
                    })
                    .collect(),
                consistency: None,
            },
            &token,
        ))
        .await?
        .into_inner();
    let allowed = bulk
        .pairs
        .iter()
        .filter(|p| {
            p.response
                == Some(
                    warden_proto::authz::v1::check_bulk_permissions_pair::Response::Permissionship(
                        Permissionship::HasPermission as i32,
                    ),
                )
        })
        .count() as f64
        / bulk.pairs.len().max(1) as f64;
    let pool = Arc::new(pool);

    let echo_call = {
        let client = EchoServiceClient::new(channel.clone());
        let token = token.clone();
        move |_i: usize| {
            let mut client = client.clone();
            let req = bearer(
                EchoRequest {
                    payload: b"warden".to_vec(),
                },
                &token,
            );
            async move {
                client.echo(req).await.expect("echo");
            }
        }
    };
    let check_call = {
        let client = AuthzServiceClient::new(channel.clone());
        let (token, pool) = (token.clone(), pool.clone());
        move |i: usize| {
            let mut client = client.clone();
            let req = bearer(pool[i % pool.len()].clone(), &token);
            async move {
                client.check_permission(req).await.expect("check");
            }
        }
    };

    // Warm up both paths, then alternate measurements so drift hits both.
    max_rate(concurrency, Duration::from_secs(2), echo_call.clone()).await;
    max_rate(concurrency, Duration::from_secs(2), check_call.clone()).await;
    let (mut echo_rps, mut check_rps) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        echo_rps.push(max_rate(concurrency, duration, echo_call.clone()).await);
        check_rps.push(max_rate(concurrency, duration, check_call.clone()).await);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (echo_max, check_max) = (mean(&echo_rps), mean(&check_rps));
    let half = check_max / 2.0;
    let (echo_p50, echo_p99, echo_n) = latency_at(half, duration, echo_call).await;
    let (check_p50, check_p99, check_n) = latency_at(half, duration, check_call).await;

    println!(
        "{}",
        json!({
            "scenario": "check.dataset",
            "relationships": shape["relationships"],
            "users": shape["users"],
            "groups": shape["groups"],
            "folders": shape["folders"],
            "folder_depth": shape["folder_depth"],
            "documents": shape["documents"],
            "load_seconds": round(shape["load_seconds"].as_f64().unwrap_or(0.0)),
            "server_start_seconds": round(start_seconds),
            "rss_mib_before_start": round(rss_before),
            "rss_mib_loaded": round(rss_after),
            "rss_mib_for_relationships": round(rss_after - rss_before),
            "allowed_fraction": (allowed * 100.0).round() / 100.0,
        })
    );
    println!(
        "{}",
        json!({"scenario": "check.echo", "concurrency": concurrency, "rps": round(echo_max),
               "at_rps": round(half), "p50_us": round(echo_p50), "p99_us": round(echo_p99), "samples": echo_n})
    );
    println!(
        "{}",
        json!({"scenario": "check.check_permission", "concurrency": concurrency, "rps": round(check_max),
               "at_rps": round(half), "p50_us": round(check_p50), "p99_us": round(check_p99), "samples": check_n})
    );
    println!(
        "{}",
        json!({"scenario": "check.ratio", "check_over_echo": (check_max / echo_max * 1000.0).round() / 1000.0,
               "runs": {"echo": echo_rps.iter().map(|r| round(*r)).collect::<Vec<_>>(),
                        "check": check_rps.iter().map(|r| round(*r)).collect::<Vec<_>>()}})
    );
    server.stop().await?;
    Ok(())
}
