//! `articles`: the example resource service. Run it next to a Warden:
//! `cargo run -p warden-articles -- --warden-url http://127.0.0.1:50051`.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;

/// Serves `warden.articles.v1.ArticleService` behind warden-interceptor.
#[derive(Parser, Debug)]
#[command(name = "articles", version)]
struct Args {
    /// gRPC address to listen on.
    #[arg(long, default_value = "127.0.0.1:50061")]
    listen: SocketAddr,
    /// Warden's gRPC URL (keys, sessions without Redis, CheckPermission).
    #[arg(long, env = "WARDEN_URL", default_value = "http://127.0.0.1:50051")]
    warden_url: String,
    /// Warden's HTTP JWKS URL (`http://host:port/.well-known/jwks.json`);
    /// keys come from `GetJwks` over gRPC when absent.
    #[arg(long, env = "WARDEN_JWKS_URL")]
    jwks_url: Option<String>,
    /// Redis holding Warden's sessions; without it sessions come from
    /// Warden's `SessionService`.
    #[arg(long, env = "WARDEN_REDIS_URL")]
    redis_url: Option<String>,
    /// RabbitMQ carrying `warden.events`: its revocations drop cached sessions
    /// at once. (With Redis, Redis invalidation messages do too; with neither,
    /// every call reads the session.)
    #[arg(long, env = "WARDEN_AMQP_URL")]
    amqp_url: Option<String>,
    /// API key the service logs in with for `CheckPermission`; without it
    /// each caller's own token is used.
    #[arg(long, env = "ARTICLES_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Expected `iss` of access tokens.
    #[arg(long, env = "WARDEN_ISSUER", default_value = "warden")]
    issuer: String,
    /// Expected `aud` of access tokens.
    #[arg(long, env = "WARDEN_AUDIENCE", default_value = "warden")]
    audience: String,
    /// Longest a session stays in the local cache, in seconds (0: no cache).
    #[arg(long, default_value_t = 30)]
    session_cache_max_age_secs: u64,
    /// Longest a session not enriched yet is waited for, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    enrichment_wait_ms: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let running = warden_articles::start(warden_articles::Settings {
        listen: args.listen,
        warden_url: args.warden_url,
        jwks_url: args.jwks_url,
        redis_url: args.redis_url,
        amqp_url: args.amqp_url,
        api_key: args.api_key,
        issuer: args.issuer,
        audience: args.audience,
        session_cache_max_age: Duration::from_secs(args.session_cache_max_age_secs),
        enrichment_wait: Duration::from_millis(args.enrichment_wait_ms),
    })
    .await?;
    // Tests and scripts read the bound address from this line.
    println!("articles listening on {}", running.addr);
    tracing::info!(addr = %running.addr, "articles serving");
    tokio::select! {
        served = running.task => served??,
        _ = tokio::signal::ctrl_c() => tracing::info!("articles stopping"),
    }
    Ok(())
}
