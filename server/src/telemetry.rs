//! Logs (`tracing`, filtered by `RUST_LOG`, text or JSON) and Prometheus metrics.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Instant;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global log subscriber, writing to standard output (once;
/// later calls are ignored).
pub fn init_logging(format: LogFormat) {
    init_logging_to(format, std::io::stdout);
}

/// [`init_logging`], writing to `writer`: a load tool that prints its
/// results on standard output logs to standard error, and so measures the
/// server as `warden serve` runs it. (With no subscriber at all, every
/// disabled span of the HTTP/2 stack is handed to the `log` crate, which
/// `sqlx` turns on: about 1 µs a call.)
pub fn init_logging_to<W>(format: LogFormat, writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(writer);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// How often histogram samples are folded into their summaries.
const METRICS_UPKEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// The process-wide Prometheus recorder, installed on first use.
pub fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        // `build_recorder` leaves upkeep to its owner: without it, every
        // histogram sample is kept until the next scrape, so a server nobody
        // scrapes grows by every call it answers.
        let upkeep = handle.clone();
        let spawned = std::thread::Builder::new()
            .name("warden-metrics".into())
            .spawn(move || loop {
                std::thread::sleep(METRICS_UPKEEP_INTERVAL);
                upkeep.run_upkeep();
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no metrics upkeep thread; histograms drain only when scraped");
        }
        // Another recorder may already be installed (embedding application); then ours only renders empty.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Tower layer recording `warden_grpc_requests_total{method,code}` and
/// `warden_grpc_request_seconds{method}` for every gRPC call. Paths that are
/// not served methods are counted as `method="other"`, so clients cannot
/// create unbounded label values.
#[derive(Debug, Clone)]
pub struct GrpcMetricsLayer {
    known: Arc<HashSet<&'static str>>,
}

impl GrpcMetricsLayer {
    /// A layer labelling the methods of `services` (full protobuf names)
    /// found in Warden's descriptor pool, plus health and reflection.
    pub fn for_services(services: &[&str]) -> Self {
        let pool = warden_proto::descriptor_pool();
        let mut paths: Vec<String> = services
            .iter()
            .filter_map(|name| pool.get_service_by_name(name))
            .flat_map(|service| {
                service
                    .methods()
                    .map(|m| format!("/{}/{}", m.parent_service().full_name(), m.name()))
                    .collect::<Vec<_>>()
            })
            .collect();
        paths.extend(
            [
                "/grpc.health.v1.Health/Check",
                "/grpc.health.v1.Health/Watch",
                "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
            ]
            .map(String::from),
        );
        // Leaked at start-up (a few dozen short strings per server), so that each
        // call labels its metrics with a `&'static str` instead of allocating.
        let known = paths
            .into_iter()
            .map(|p| &*Box::leak(p.into_boxed_str()))
            .collect();
        Self {
            known: Arc::new(known),
        }
    }
}

impl<S> tower::Layer<S> for GrpcMetricsLayer {
    type Service = GrpcMetrics<S>;

    fn layer(&self, inner: S) -> Self::Service {
        GrpcMetrics {
            inner,
            known: self.known.clone(),
        }
    }
}

/// The service of [`GrpcMetricsLayer`].
#[derive(Debug, Clone)]
pub struct GrpcMetrics<S> {
    inner: S,
    known: Arc<HashSet<&'static str>>,
}

impl<S, B, RB> tower::Service<http::Request<B>> for GrpcMetrics<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<RB>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let method: &'static str = self.known.get(req.uri().path()).copied().unwrap_or("other");
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let start = Instant::now();
        Box::pin(async move {
            let response = inner.call(req).await?;
            // Errors of unary calls travel in the headers (trailers-only
            // response); an absent grpc-status here means the call succeeded
            // or is a stream whose status comes later.
            let code = response
                .headers()
                .get("grpc-status")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<usize>().ok())
                .map_or("OK", |c| CODE_NAMES.get(c).copied().unwrap_or("UNKNOWN"));
            metrics::counter!("warden_grpc_requests_total", "method" => method, "code" => code)
                .increment(1);
            metrics::histogram!("warden_grpc_request_seconds", "method" => method)
                .record(start.elapsed().as_secs_f64());
            Ok(response)
        })
    }
}

/// gRPC status code names, indexed by code.
const CODE_NAMES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];
