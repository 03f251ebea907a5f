//! The HTTP side: `GET /.well-known/jwks.json`, `GET /metrics` (Prometheus)
//! and `GET /healthz`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::app::Backends;
use crate::keys::KeyRing;

#[derive(Clone)]
struct HttpState {
    keys: Arc<KeyRing>,
    backends: Arc<Backends>,
}

/// The HTTP router.
pub fn router(keys: Arc<KeyRing>, backends: Arc<Backends>) -> Router {
    Router::new()
        .route("/.well-known/jwks.json", get(jwks))
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .with_state(HttpState { keys, backends })
}

async fn jwks(State(state): State<HttpState>) -> impl IntoResponse {
    let body = state.keys.snapshot().jwks_json().to_owned();
    (
        [
            (header::CONTENT_TYPE, "application/jwk-set+json"),
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        body,
    )
}

async fn metrics() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::telemetry::metrics_handle().render(),
    )
}

async fn healthz(State(state): State<HttpState>) -> impl IntoResponse {
    match state.backends.check().await {
        Ok(()) => (StatusCode::OK, "ok\n".to_owned()),
        Err(down) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("unavailable: {down}\n"),
        ),
    }
}
