//! `warden-bench`: measures Warden's hot paths against a bare baseline in the
//! same run and prints one JSON object per scenario.
//!
//! Machines here are shared and noisy, so every result that matters is a ratio
//! of two numbers measured back to back, never an absolute time.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use serde_json::json;
use tonic::transport::Channel;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::auth::v1::{LoginRequest, RegisterRequest};
use warden_server::config::{Argon2Params, Config, LogFormat};
use warden_server::store::relationships::WriteOp;

#[derive(Debug, Parser)]
#[command(name = "warden-bench", about = "Warden load and data tool")]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// Login throughput against raw argon2id throughput (same parameters, same
    /// threads), and Health/Check latency idle and during a login flood.
    Login {
        /// Seconds per measurement.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent login clients during the flood, each its own user.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Password-hashing threads (the server's pool and the raw baseline alike).
        #[arg(long)]
        hash_threads: Option<usize>,
        /// Health checks per second sent while measuring latency.
        #[arg(long, default_value_t = 200)]
        health_rate: u64,
    },
    /// Authenticated `Echo` against open `EchoOpen` (the same handler) on one
    /// resource server behind warden-interceptor, same run: with the session
    /// cache warm, and with a Redis read per call.
    Interceptor {
        /// Seconds per measurement.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent clients.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Redis URL.
        #[arg(
            long,
            env = "WARDEN_REDIS_URL",
            default_value = "redis://127.0.0.1:6379"
        )]
        redis_url: String,
        /// RabbitMQ URL.
        #[arg(
            long,
            env = "WARDEN_AMQP_URL",
            default_value = "amqp://guest:guest@127.0.0.1:5672/%2f"
        )]
        amqp_url: String,
        /// PostgreSQL maintenance URL for Warden's users (SQLite when absent).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Revocation latency: from `Logout` returning to the first refusal by the
    /// interceptor of a resource server in another process, p50 and p99.
    Revocation {
        /// Logouts measured.
        #[arg(long, default_value_t = 300)]
        logouts: usize,
        /// Revocation feeds of the other process's session cache.
        #[arg(long, value_enum, default_value = "both")]
        feed: interceptor::Feed,
        /// Redis URL.
        #[arg(
            long,
            env = "WARDEN_REDIS_URL",
            default_value = "redis://127.0.0.1:6379"
        )]
        redis_url: String,
        /// RabbitMQ URL.
        #[arg(
            long,
            env = "WARDEN_AMQP_URL",
            default_value = "amqp://guest:guest@127.0.0.1:5672/%2f"
        )]
        amqp_url: String,
        /// PostgreSQL maintenance URL for Warden's users (SQLite when absent).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// The resource server of `revocation`, in its own process.
    #[command(hide = true)]
    ResourceServer {
        /// Warden's gRPC URL.
        #[arg(long)]
        warden_url: String,
        /// Revocation feeds of the session cache.
        #[arg(long, value_enum)]
        feed: interceptor::Feed,
        /// Redis URL.
        #[arg(
            long,
            env = "WARDEN_REDIS_URL",
            default_value = "redis://127.0.0.1:6379"
        )]
        redis_url: String,
        /// RabbitMQ URL.
        #[arg(
            long,
            env = "WARDEN_AMQP_URL",
            default_value = "amqp://guest:guest@127.0.0.1:5672/%2f"
        )]
        amqp_url: String,
    },
    /// Refresh throughput on Redis + RabbitMQ + PostgreSQL against a bare Redis
    /// SET+GET round trip at the same concurrency, with a per-step breakdown.
    Refresh {
        /// Seconds per measurement.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent clients (each refreshing its own session).
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Redis URL.
        #[arg(
            long,
            env = "WARDEN_REDIS_URL",
            default_value = "redis://127.0.0.1:6379"
        )]
        redis_url: String,
        /// RabbitMQ URL.
        #[arg(
            long,
            env = "WARDEN_AMQP_URL",
            default_value = "amqp://guest:guest@127.0.0.1:5672/%2f"
        )]
        amqp_url: String,
        /// PostgreSQL URL.
        #[arg(
            long,
            env = "WARDEN_DATABASE_URL",
            default_value = "postgres://warden:warden@127.0.0.1:5432/postgres"
        )]
        database_url: String,
    },
    /// CheckPermission on a generated Drive-like data set against a bare echo
    /// RPC on the same server, same run: max rate of each, their ratio, and
    /// latency at half the check's max rate; plus the resident size loaded.
    Check {
        /// Relationships to generate (up to 1000000 and more).
        #[arg(long, default_value_t = 100_000)]
        relationships: usize,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent clients: each level is measured for both calls, and
        /// each call's maximum is its best level.
        #[arg(long, value_delimiter = ',', default_values_t = [16, 64, 128])]
        concurrency: Vec<usize>,
        /// HTTP/2 connections the calls spread over (call i on i % n).
        #[arg(long, default_value_t = 1)]
        connections: usize,
        /// PostgreSQL URL (default: SQLite in a temporary directory).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// A tonic server with nothing of Warden: the echo service and gRPC health,
    /// no layers, no token (the floor `bench/floor.py` measures Warden beside).
    #[command(hide = true)]
    BareServer {
        /// Address to listen on.
        #[arg(long)]
        listen: std::net::SocketAddr,
    },
    /// Writes the data set of `check` into a database and prints its shape
    /// (used by `check` in a child process).
    #[command(hide = true)]
    LoadDataset {
        /// Data directory (SQLite).
        #[arg(long)]
        data_dir: std::path::PathBuf,
        /// PostgreSQL URL instead of SQLite.
        #[arg(long)]
        database_url: Option<String>,
        /// Relationships to generate.
        #[arg(long)]
        relationships: usize,
        /// Write each as a CREATE (which must find it absent) instead of a TOUCH.
        #[arg(long)]
        create: bool,
    },
    /// Writes the data set of `check` for another system: SpiceDB's bootstrap
    /// file and the check pool as JSON requests (`bench/spicedb.py`).
    ExportDataset {
        /// Directory to write `bootstrap.yaml` and `checks.json` into.
        #[arg(long)]
        dir: std::path::PathBuf,
        /// Relationships to generate.
        #[arg(long)]
        relationships: usize,
    },
    /// The enrichment gap: from `Login` returning to `enrichedAt` visible in
    /// Redis, per login, on Redis + RabbitMQ + PostgreSQL.
    Enrichment {
        /// Logins measured.
        #[arg(long, default_value_t = 300)]
        logins: usize,
        /// Pause between logins, in milliseconds (keeps the machine idle).
        #[arg(long, default_value_t = 20)]
        pause_ms: u64,
        /// Redis URL.
        #[arg(
            long,
            env = "WARDEN_REDIS_URL",
            default_value = "redis://127.0.0.1:6379"
        )]
        redis_url: String,
        /// RabbitMQ URL.
        #[arg(
            long,
            env = "WARDEN_AMQP_URL",
            default_value = "amqp://guest:guest@127.0.0.1:5672/%2f"
        )]
        amqp_url: String,
        /// PostgreSQL URL.
        #[arg(
            long,
            env = "WARDEN_DATABASE_URL",
            default_value = "postgres://warden:warden@127.0.0.1:5432/postgres"
        )]
        database_url: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // The servers this starts log as `warden serve`'s do, on standard error.
    warden_server::telemetry::init_logging_to(LogFormat::Text, std::io::stderr);
    match Cli::parse().scenario {
        Scenario::Login {
            seconds,
            concurrency,
            hash_threads,
            health_rate,
        } => {
            let threads = hash_threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
            login(
                Duration::from_secs(seconds),
                concurrency,
                threads,
                health_rate,
            )
            .await
        }
        Scenario::Interceptor {
            seconds,
            concurrency,
            redis_url,
            amqp_url,
            database_url,
        } => {
            let backends = interceptor::Backends {
                redis_url,
                amqp_url,
                database_url,
            };
            interceptor::run(Duration::from_secs(seconds), concurrency, backends).await
        }
        Scenario::Revocation {
            logouts,
            feed,
            redis_url,
            amqp_url,
            database_url,
        } => {
            let backends = interceptor::Backends {
                redis_url,
                amqp_url,
                database_url,
            };
            interceptor::revocation(logouts, backends, feed).await
        }
        Scenario::ResourceServer {
            warden_url,
            feed,
            redis_url,
            amqp_url,
        } => {
            let backends = interceptor::Backends {
                redis_url,
                amqp_url,
                database_url: None,
            };
            interceptor::resource_server(warden_url, backends, feed).await
        }
        Scenario::Check {
            relationships,
            seconds,
            concurrency,
            connections,
            database_url,
        } => {
            check::run(
                relationships,
                Duration::from_secs(seconds),
                &concurrency,
                connections,
                database_url,
            )
            .await
        }
        Scenario::BareServer { listen } => bare_server(listen).await,
        Scenario::LoadDataset {
            data_dir,
            database_url,
            relationships,
            create,
        } => {
            let op = if create {
                WriteOp::Create
            } else {
                WriteOp::Touch
            };
            check::load(data_dir, database_url, relationships, op).await
        }
        Scenario::ExportDataset { dir, relationships } => check::export(&dir, relationships),
        Scenario::Enrichment {
            logins,
            pause_ms,
            redis_url,
            amqp_url,
            database_url,
        } => {
            enrichment::run(
                logins,
                Duration::from_millis(pause_ms),
                redis_url,
                amqp_url,
                database_url,
            )
            .await
        }
        Scenario::Refresh {
            seconds,
            concurrency,
            redis_url,
            amqp_url,
            database_url,
        } => {
            refresh::run(
                Duration::from_secs(seconds),
                concurrency,
                redis_url,
                amqp_url,
                database_url,
            )
            .await
        }
    }
}

mod check;
mod enrichment;
mod interceptor;
mod refresh;

const PASSWORD: &str = "correct horse battery staple";

/// Serves the echo service and gRPC health (SERVING) on `listen` until
/// killed: tonic's defaults, on this runtime, with nothing else.
async fn bare_server(listen: std::net::SocketAddr) -> anyhow::Result<()> {
    use warden_bench::echo::{echo_service_server::EchoServiceServer, Echo};
    let (_reporter, health) = tonic_health::server::health_reporter();
    tonic::transport::Server::builder()
        .add_service(health)
        .add_service(EchoServiceServer::new(Echo))
        .serve(listen)
        .await?;
    Ok(())
}

/// Raw argon2id verifications per second on `threads` threads, through the
/// crate's `verify_password` (allocating its memory per call) or, with
/// `reuse_memory`, into one buffer per thread (what Warden's pool does).
fn raw_argon2_rate(
    params: Argon2Params,
    threads: usize,
    duration: Duration,
    reuse_memory: bool,
) -> f64 {
    use argon2::password_hash::rand_core::OsRng;
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
    let argon2 = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(
            params.memory_kib,
            params.iterations,
            params.parallelism,
            None,
        )
        .unwrap(),
    );
    let phc = argon2
        .hash_password(PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let (argon2, phc, count) = (argon2.clone(), phc.clone(), count.clone());
            s.spawn(move || {
                let parsed = PasswordHash::new(&phc).unwrap();
                let mut blocks = vec![argon2::Block::default(); argon2.params().block_count()];
                let mut out = [0u8; 32];
                while start.elapsed() < duration {
                    if reuse_memory {
                        argon2
                            .hash_password_into_with_memory(
                                PASSWORD.as_bytes(),
                                b"0123456789abcdef",
                                &mut out,
                                &mut blocks,
                            )
                            .unwrap();
                    } else {
                        argon2
                            .verify_password(PASSWORD.as_bytes(), &parsed)
                            .unwrap();
                    }
                    count.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    count.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx].as_secs_f64() * 1000.0
}

/// Paced Health/Check calls for `duration`; returns the sorted latencies.
async fn health_latencies(channel: Channel, rate: u64, duration: Duration) -> Vec<Duration> {
    let mut client = HealthClient::new(channel);
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let end = Instant::now() + duration;
    let mut out = Vec::new();
    while Instant::now() < end {
        tick.tick().await;
        let t = Instant::now();
        client
            .check(HealthCheckRequest {
                service: String::new(),
            })
            .await
            .expect("health check");
        out.push(t.elapsed());
    }
    out.sort();
    out
}

/// Runs a client per email logging in for `duration`; returns logins per
/// second and, when `health` is given, the Health/Check latencies measured
/// meanwhile. Each client is its own user: Warden runs at most 4 password
/// checks of one account at a time.
async fn login_flood(
    auth: &AuthServiceClient<Channel>,
    emails: &[String],
    duration: Duration,
    health: Option<(Channel, u64)>,
) -> anyhow::Result<(f64, Vec<Duration>)> {
    let stop = Arc::new(AtomicBool::new(false));
    let logins = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    let start = Instant::now();
    for email in emails {
        let (mut auth, email, stop, logins) =
            (auth.clone(), email.clone(), stop.clone(), logins.clone());
        workers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if auth
                    .login(LoginRequest {
                        email: email.clone(),
                        password: PASSWORD.into(),
                    })
                    .await
                    .is_ok()
                {
                    logins.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let latencies = match health {
        Some((channel, rate)) => health_latencies(channel, rate, duration).await,
        None => {
            tokio::time::sleep(duration).await;
            Vec::new()
        }
    };
    stop.store(true, Ordering::Relaxed);
    let elapsed = start.elapsed();
    for w in workers {
        w.await?;
    }
    Ok((
        logins.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64(),
        latencies,
    ))
}

async fn login(
    duration: Duration,
    concurrency: usize,
    threads: usize,
    health_rate: u64,
) -> anyhow::Result<()> {
    let params = Argon2Params::default();
    let dir = tempfile::tempdir()?;
    let mut config = Config::embedded(dir.path());
    config.listen = "127.0.0.1:0".parse()?;
    config.http_listen = "127.0.0.1:0".parse()?;
    config.hash_threads = threads;
    config.argon2 = params;
    let server = warden_server::app::start(config).await?;
    let channel = Channel::from_shared(format!("http://{}", server.grpc_addr))?
        .connect()
        .await?;
    let mut auth = AuthServiceClient::new(channel.clone());
    let mut emails = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let email = format!("bench-{}@example.com", uuid::Uuid::new_v4().simple());
        auth.register(RegisterRequest {
            email: email.clone(),
            password: PASSWORD.into(),
            display_name: String::new(),
        })
        .await?;
        emails.push(email);
    }

    // 1. Raw argon2id, same parameters, same number of threads, both ways;
    // the ratio is taken against the faster one.
    let raw_alloc =
        tokio::task::spawn_blocking(move || raw_argon2_rate(params, threads, duration, false))
            .await?;
    let raw_reuse =
        tokio::task::spawn_blocking(move || raw_argon2_rate(params, threads, duration, true))
            .await?;
    let raw = raw_alloc.max(raw_reuse);

    // 2. Health/Check latency on an idle server.
    let idle = health_latencies(channel.clone(), health_rate, duration).await;

    // 3. Login throughput alone; 4. Health/Check latency during the same flood.
    let (login_rate, _) = login_flood(&auth, &emails, duration, None).await?;
    let (_, busy) = login_flood(
        &auth,
        &emails,
        duration,
        Some((channel.clone(), health_rate)),
    )
    .await?;

    println!(
        "{}",
        json!({
            "scenario": "login_vs_raw_argon2id",
            "argon2": {"m_kib": params.memory_kib, "t": params.iterations, "p": params.parallelism},
            "hash_threads": threads,
            "concurrency": concurrency,
            "raw_argon2id_per_s": (raw_alloc * 10.0).round() / 10.0,
            "raw_argon2id_reused_memory_per_s": (raw_reuse * 10.0).round() / 10.0,
            "logins_per_s": (login_rate * 10.0).round() / 10.0,
            "ratio": (login_rate / raw * 1000.0).round() / 1000.0,
        })
    );
    for (name, lat) in [("health_idle", &idle), ("health_during_login_flood", &busy)] {
        println!(
            "{}",
            json!({
                "scenario": name,
                "requests": lat.len(),
                "p50_ms": (percentile(lat, 0.50) * 1000.0).round() / 1000.0,
                "p99_ms": (percentile(lat, 0.99) * 1000.0).round() / 1000.0,
                "max_ms": (percentile(lat, 1.0) * 1000.0).round() / 1000.0,
            })
        );
    }
    server.stop().await?;
    Ok(())
}
