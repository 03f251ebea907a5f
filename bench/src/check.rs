//! `warden-bench check`: CheckPermission over loopback on a Drive-like data
//! set, against a bare tonic unary echo RPC on the same server in the same
//! run. Both calls carry the same bearer token through the same layers, so
//! the ratio is the cost of the check itself.
//!
//! The data set is generated and written to the database by a child process
//! (`warden-bench load-dataset`), so this process's resident size before and
//! after the server starts measures the server with the relationships loaded.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tonic::transport::Channel;
use warden_bench::dataset::{check_pool, Dataset, SCHEMA};
use warden_bench::echo::echo_service_client::EchoServiceClient;
use warden_bench::echo::echo_service_server::EchoServiceServer;
use warden_bench::echo::{Echo, EchoRequest};
use warden_bench::load::{
    max_rate, max_rate_with_cpu, open_loop, percentile, round1 as round, Latencies, Round,
};
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

/// The data set's seed: `load-dataset` and `export-dataset` must write the
/// same relationships.
const SEED: u64 = 42;

/// Writes the data set into the database of `data_dir` (or `database_url`),
/// each relationship by `op`, and prints its shape and a sample of
/// (document, owner) pairs as JSON.
pub async fn load(
    data_dir: std::path::PathBuf,
    database_url: Option<String>,
    relationships: usize,
    op: WriteOp,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let data = Dataset::generate(relationships, SEED);
    let store = SqlStore::connect(database_url.as_deref(), &data_dir).await?;
    store
        .write_schema(SCHEMA, |_| true, 0)
        .await?
        .map_err(|_| anyhow::anyhow!("schema refused"))?;
    for chunk in data.tuples.chunks(10_000) {
        let updates: Vec<_> = chunk.iter().map(|t| (op, t.clone(), None)).collect();
        store
            .write_relationships(&updates, &[], SCHEMA, 0)
            .await?
            .map_err(|r| anyhow::anyhow!("write refused: {r:?}"))?;
    }
    let owners = data.owner_sample();
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

/// Writes the data set that `load-dataset` loads (same size, same seed) for
/// other systems: `bootstrap.yaml` (the schema and every relationship, as
/// SpiceDB's `--datastore-bootstrap-files` reads them) and `checks.json`
/// (the check pool of `check`, as CheckPermission requests in the JSON form
/// both Warden's and SpiceDB's APIs accept).
pub fn export(dir: &std::path::Path, relationships: usize) -> anyhow::Result<()> {
    use std::fmt::Write as _;
    let data = Dataset::generate(relationships, SEED);
    let mut yaml = String::from("schema: |-\n");
    for line in SCHEMA.trim().lines() {
        writeln!(yaml, "  {line}")?;
    }
    yaml.push_str("relationships: |-\n");
    for t in &data.tuples {
        let relation = t.subject.relation.as_deref().map(|r| format!("#{r}"));
        writeln!(
            yaml,
            "  {}:{}#{}@{}:{}{}",
            t.resource_type,
            t.resource_id,
            t.relation,
            t.subject.object_type,
            t.subject.object_id,
            relation.unwrap_or_default()
        )?;
    }
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("bootstrap.yaml"), yaml)?;
    let checks: Vec<serde_json::Value> =
        check_pool(&data.owner_sample(), data.documents, data.users)
            .iter()
            .map(|(doc, who)| {
                json!({
                    "resource": {"objectType": "document", "objectId": doc},
                    "permission": "view",
                    "subject": {"object": {"objectType": "user", "objectId": who}},
                })
            })
            .collect();
    std::fs::write(dir.join("checks.json"), serde_json::to_vec(&checks)?)?;
    println!(
        "{}",
        json!({"relationships": data.tuples.len(), "checks": checks.len(), "dir": dir})
    );
    Ok(())
}

/// CLOCK_MONOTONIC in nanoseconds: what `perf record -k CLOCK_MONOTONIC`
/// stamps its samples with, so `bench/profile_check.py` can split a profile
/// by the phases printed with `WARDEN_BENCH_PHASES=1`.
fn monotonic_ns() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_MONOTONIC)");
    now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64
}

/// The server's threads: its runtime's workers and blocking pool, and SQLite's.
fn server_thread(name: &str) -> bool {
    name.starts_with("warden-server") || name.starts_with("sqlx-sqlite")
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

pub async fn run(
    relationships: usize,
    duration: Duration,
    concurrency: &[usize],
    connections: usize,
    database_url: Option<String>,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        !concurrency.is_empty() && !concurrency.contains(&0),
        "--concurrency needs one or more levels above 0"
    );
    anyhow::ensure!(connections > 0, "--connections needs at least 1");
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
    // The server gets a runtime of its own, as it would in its own process:
    // the load generator's tasks never queue behind its handlers, or the
    // other way round.
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("warden-server")
        .enable_all()
        .build()?;
    let rss_before = rss_mib();
    let started = Instant::now();
    let routes = tonic::service::Routes::new(EchoServiceServer::new(Echo));
    let server = server_runtime
        .spawn(warden_server::app::start_with_routes(config, routes))
        .await??;
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
    let pool: Vec<CheckPermissionRequest> = check_pool(&owners, documents, users)
        .iter()
        .map(|(doc, who)| check_request(doc, who))
        .collect();
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

    // The calls spread over `connections` HTTP/2 connections, call i on i % n.
    let mut channels = vec![channel.clone()];
    for _ in 1..connections {
        channels.push(
            Channel::from_shared(format!("http://{}", server.grpc_addr))?
                .connect()
                .await?,
        );
    }
    let echo_call = {
        let clients: Vec<_> = channels
            .iter()
            .cloned()
            .map(EchoServiceClient::new)
            .collect();
        let token = token.clone();
        move |i: usize| {
            let mut client = clients[i % clients.len()].clone();
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
        let clients: Vec<_> = channels
            .iter()
            .cloned()
            .map(AuthzServiceClient::new)
            .collect();
        let (token, pool) = (token.clone(), pool.clone());
        move |i: usize| {
            let mut client = clients[i % clients.len()].clone();
            let req = bearer(pool[i % pool.len()].clone(), &token);
            async move {
                client.check_permission(req).await.expect("check");
            }
        }
    };

    // Warm up both paths, then alternate measurements so drift hits both.
    // Each call's maximum is its best over the concurrency levels: with too
    // few calls in flight a closed loop measures latency, not throughput
    // (16 in flight at 430 µs a call allow 37,000 calls a second whatever
    // the machine could do), and the slower call is held back more.
    max_rate(concurrency[0], Duration::from_secs(2), echo_call.clone()).await;
    max_rate(concurrency[0], Duration::from_secs(2), check_call.clone()).await;
    let mut levels: Vec<(Vec<Round>, Vec<Round>)> = vec![Default::default(); concurrency.len()];
    let phases = std::env::var_os("WARDEN_BENCH_PHASES").is_some();
    for _ in 0..2 {
        for (&c, (echo_rounds, check_rounds)) in concurrency.iter().zip(&mut levels) {
            let start = monotonic_ns();
            let echo = max_rate_with_cpu(c, duration, echo_call.clone(), server_thread).await;
            let middle = monotonic_ns();
            let check = max_rate_with_cpu(c, duration, check_call.clone(), server_thread).await;
            if phases {
                let calls = |r: &Round| (r.rps * duration.as_secs_f64()).round();
                eprintln!("phase echo {start} {middle} {}", calls(&echo));
                eprintln!("phase check {middle} {} {}", monotonic_ns(), calls(&check));
            }
            echo_rounds.push(echo);
            check_rounds.push(check);
        }
    }
    let mean = |v: &[Round]| Round {
        rps: v.iter().map(|r| r.rps).sum::<f64>() / v.len() as f64,
        server_cpu_us: v.iter().map(|r| r.server_cpu_us).sum::<f64>() / v.len() as f64,
        client_cpu_us: v.iter().map(|r| r.client_cpu_us).sum::<f64>() / v.len() as f64,
    };
    let sweep: Vec<(usize, Round, Round)> = (concurrency.iter().zip(&levels))
        .map(|(&c, (echo, check))| (c, mean(echo), mean(check)))
        .collect();
    let best = |pick: fn(&(usize, Round, Round)) -> Round| {
        let rps = |level: usize| pick(&sweep[level]).rps;
        let level = (0..sweep.len())
            .max_by(|&a, &b| rps(a).total_cmp(&rps(b)))
            .unwrap_or(0);
        (sweep[level].0, pick(&sweep[level]), level)
    };
    let (echo_at, echo_best, echo_level) = best(|s| s.1);
    let (check_at, check_best, check_level) = best(|s| s.2);
    let (echo_max, check_max) = (echo_best.rps, check_best.rps);
    let half = check_max / 2.0;
    // Two rounds each, alternating, pooled: one pause of the machine lands
    // in one round of one call, not in the whole of its percentiles.
    let (mut echo_latencies, mut check_latencies) = (Latencies::default(), Latencies::default());
    let (mut echo_round_p99, mut check_round_p99) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        let echo = open_loop(half, duration / 2, echo_call.clone()).await;
        echo_round_p99.push(round(percentile(&echo.from_due, 0.99)));
        echo_latencies.extend(echo);
        let check = open_loop(half, duration / 2, check_call.clone()).await;
        check_round_p99.push(round(percentile(&check.from_due, 0.99)));
        check_latencies.extend(check);
    }
    // A call's JSON line: its closed-loop numbers, then its open-loop ones.
    let line = |mut line: serde_json::Value, l: &Latencies, round_p99: Vec<f64>| {
        line["at_rps"] = json!(round(half));
        line["p50_us"] = json!(round(percentile(&l.from_due, 0.5)));
        line["p99_us"] = json!(round(percentile(&l.from_due, 0.99)));
        line["p99_us_per_round"] = json!(round_p99);
        line["p50_us_once_started"] = json!(round(percentile(&l.from_start, 0.5)));
        line["p99_us_once_started"] = json!(round(percentile(&l.from_start, 0.99)));
        line["samples"] = json!(l.from_due.len());
        line
    };

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
            "rss_mib_after_load_runs": round(rss_mib()),
            "rss_mib_for_relationships": round(rss_after - rss_before),
            "allowed_fraction": (allowed * 100.0).round() / 100.0,
        })
    );
    println!(
        "{}",
        line(
            json!({"scenario": "check.echo", "concurrency": echo_at, "rps": round(echo_max),
            "server_cpu_us_per_call": round(echo_best.server_cpu_us), "client_cpu_us_per_call": round(echo_best.client_cpu_us),
            }),
            &echo_latencies,
            echo_round_p99
        )
    );
    println!(
        "{}",
        line(
            json!({"scenario": "check.check_permission", "concurrency": check_at, "rps": round(check_max),
            "server_cpu_us_per_call": round(check_best.server_cpu_us), "client_cpu_us_per_call": round(check_best.client_cpu_us),
            }),
            &check_latencies,
            check_round_p99
        )
    );
    let per_level = |(c, echo, check): &(usize, Round, Round)| {
        json!({"concurrency": c, "echo_rps": round(echo.rps), "check_rps": round(check.rps),
               "check_over_echo": (check.rps / echo.rps * 1000.0).round() / 1000.0,
               "echo_cpu_us_per_call": {"server": round(echo.server_cpu_us), "client": round(echo.client_cpu_us)},
               "check_cpu_us_per_call": {"server": round(check.server_cpu_us), "client": round(check.client_cpu_us)}})
    };
    println!(
        "{}",
        json!({"scenario": "check.sweep", "connections": connections,
               "levels": sweep.iter().map(per_level).collect::<Vec<_>>()})
    );
    println!(
        "{}",
        json!({"scenario": "check.ratio", "check_over_echo": (check_max / echo_max * 1000.0).round() / 1000.0,
               "server_cpu_check_over_echo": (check_best.server_cpu_us / echo_best.server_cpu_us * 1000.0).round() / 1000.0,
               "runs": {"echo": levels[echo_level].0.iter().map(|r| round(r.rps)).collect::<Vec<_>>(),
                        "check": levels[check_level].1.iter().map(|r| round(r.rps)).collect::<Vec<_>>()}})
    );
    server_runtime.spawn(server.stop()).await??;
    server_runtime.shutdown_background();
    Ok(())
}
