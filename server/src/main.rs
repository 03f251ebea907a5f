//! `warden`: the Warden server binary.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use warden_server::config::{Config, ServeArgs};

/// Warden: gRPC-first authentication and authorization for microservices.
#[derive(Debug, Parser)]
#[command(name = "warden", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the gRPC API and the HTTP endpoints (embedded backends unless URLs are given).
    Serve(Box<ServeArgs>),
    /// Manage signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Administer Warden's own users.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Give the `admin` role to the registered user with this email.
    Grant {
        /// The user's email.
        email: String,
        /// PostgreSQL URL [default: SQLite in the data dir].
        #[arg(long, env = "WARDEN_DATABASE_URL")]
        database_url: Option<String>,
        /// Data directory of the embedded SQLite database.
        #[arg(long, env = "WARDEN_DATA_DIR", default_value = "./warden-data")]
        data_dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Add a new signing key: published in the JWKS at once, signing after
    /// `--activate-in`. Running servers sharing the key directory pick it up
    /// within seconds; the previous key stays published for the retention.
    Rotate {
        /// Key directory [default: <data-dir>/keys].
        #[arg(long, env = "WARDEN_KEY_DIR")]
        key_dir: Option<PathBuf>,
        /// Data directory, used when --key-dir is not given.
        #[arg(long, env = "WARDEN_DATA_DIR", default_value = "./warden-data")]
        data_dir: PathBuf,
        /// Algorithm of the new key: EdDSA, ES256 or RS256.
        #[arg(long, env = "WARDEN_SIGNING_ALGORITHM", default_value = "EdDSA")]
        algorithm: String,
        /// Delay before the new key signs, so every verifier has fetched it (for example 10m).
        #[arg(long, default_value = "10m")]
        activate_in: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            let config = match Config::load(*args) {
                Ok(config) => config,
                Err(e) => {
                    eprintln!("warden: {e}");
                    std::process::exit(2);
                }
            };
            warden_server::telemetry::init_logging(config.log_format);
            let running = match warden_server::app::start(config).await {
                Ok(running) => running,
                Err(e) => {
                    // `{:#}`: what failed, then why, on one line.
                    eprintln!("warden: {e:#}");
                    std::process::exit(1);
                }
            };
            shutdown_signal().await;
            tracing::info!("shutting down");
            running.stop().await
        }
        Command::Admin(AdminCommand::Grant {
            email,
            database_url,
            data_dir,
        }) => {
            use warden_server::store::{RoleStore, UserStore, ADMIN_ROLE};
            let email = warden_server::auth::normalize_email(&email).unwrap_or_else(|v| {
                eprintln!("warden: email {}", v.description);
                std::process::exit(2)
            });
            let embedded = data_dir.join("warden.db");
            if database_url.is_none() && !embedded.exists() {
                // A mistyped --data-dir would otherwise get a new, empty database.
                eprintln!(
                    "warden: no database at {}; give the server's --data-dir (or --database-url)",
                    embedded.display()
                );
                std::process::exit(2)
            }
            let sql =
                warden_server::store::sql::SqlStore::connect(database_url.as_deref(), &data_dir)
                    .await?;
            let Some(user) = sql.find_user_by_email(&email).await? else {
                eprintln!("warden: no user with email {email}; register first (or set WARDEN_BOOTSTRAP_ADMIN_EMAIL)");
                std::process::exit(1)
            };
            sql.grant_role(&user.id, ADMIN_ROLE).await?;
            println!(
                "{}",
                serde_json::json!({"user_id": user.id, "email": email, "role": ADMIN_ROLE})
            );
            Ok(())
        }
        Command::Keys(KeysCommand::Rotate {
            key_dir,
            data_dir,
            algorithm,
            activate_in,
        }) => {
            let fail = |msg: String| -> ! {
                eprintln!("warden: {msg}");
                std::process::exit(2)
            };
            let alg = algorithm
                .parse()
                .unwrap_or_else(|e| fail(format!("invalid configuration: algorithm: {e}")));
            let delay = warden_server::config::parse_duration("activate_in", &activate_in)
                .unwrap_or_else(|e| fail(e.to_string()));
            let dir = key_dir.unwrap_or_else(|| data_dir.join("keys"));
            let entry = warden_server::keys::rotate(&dir, alg, delay)
                .unwrap_or_else(|e| fail(format!("{e}")));
            println!(
                "{}",
                serde_json::json!({"kid": entry.kid, "alg": alg.as_str(), "activates_at": entry.activates_at, "key_dir": dir})
            );
            Ok(())
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing a SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
}
