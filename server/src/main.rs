//! `warden`: the Warden server binary.

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
    Serve(ServeArgs),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            let config = match Config::load(args) {
                Ok(config) => config,
                Err(e) => {
                    eprintln!("warden: {e}");
                    std::process::exit(2);
                }
            };
            warden_server::telemetry::init_logging(config.log_format);
            let running = warden_server::app::start(config).await?;
            shutdown_signal().await;
            tracing::info!("shutting down");
            running.stop().await
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
