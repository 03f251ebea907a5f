//! [`BearerLayer`]: a tower layer that puts a fresh access token on every
//! call but Warden's open RPCs.

use std::task::{Context, Poll};

use futures::future::BoxFuture;
use http::header::AUTHORIZATION;
use http::HeaderValue;
use tonic::body::Body;
use tonic::Status;

use crate::TokenSource;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The RPCs that take no access token: the token source calls them itself,
/// and a client may call them before logging in.
const OPEN_METHODS: &[&str] = &[
    "/warden.auth.v1.AuthService/Register",
    "/warden.auth.v1.AuthService/Login",
    "/warden.auth.v1.AuthService/LoginWithApiKey",
    "/warden.auth.v1.AuthService/Refresh",
    "/warden.auth.v1.AuthService/GetJwks",
    "/grpc.health.v1.Health/Check",
    "/grpc.health.v1.Health/Watch",
];

/// Whether `path` (`/package.Service/Method`) is an RPC that carries no token.
pub fn is_open_method(path: &str) -> bool {
    OPEN_METHODS.contains(&path)
}

/// Tower layer that authenticates calls with a [`TokenSource`]: every request
/// except the open RPCs gets `authorization: Bearer <access token>` (unless
/// the caller set `authorization` itself). When a call is answered
/// `UNAUTHENTICATED`, the token is renewed before the next call.
///
/// Use it on a channel to any service that accepts Warden tokens:
/// `tower::ServiceBuilder::new().layer(layer).service(channel)`.
#[derive(Clone, Debug)]
pub struct BearerLayer {
    tokens: TokenSource,
}

impl BearerLayer {
    /// A layer that takes its tokens from `tokens`.
    pub fn new(tokens: TokenSource) -> Self {
        Self { tokens }
    }

    /// Wraps `inner` (usually a `tonic::transport::Channel`).
    pub fn wrap<S>(&self, inner: S) -> BearerService<S> {
        BearerService {
            inner,
            tokens: Some(self.tokens.clone()),
        }
    }
}

impl<S> tower::Layer<S> for BearerLayer {
    type Service = BearerService<S>;

    fn layer(&self, inner: S) -> BearerService<S> {
        self.wrap(inner)
    }
}

/// The service [`BearerLayer`] builds around a channel.
#[derive(Clone, Debug)]
pub struct BearerService<S> {
    inner: S,
    tokens: Option<TokenSource>,
}

impl<S> BearerService<S> {
    /// Passes every call through unchanged (an anonymous client).
    pub(crate) fn passthrough(inner: S) -> Self {
        Self {
            inner,
            tokens: None,
        }
    }
}

/// The `grpc-status` of a trailers-only response (how gRPC servers answer
/// calls refused before the handler, and unary errors).
fn header_code(headers: &http::HeaderMap) -> Option<tonic::Code> {
    let value = headers.get("grpc-status")?.to_str().ok()?.parse().ok()?;
    Some(tonic::Code::from_i32(value))
}

impl<S, B> tower::Service<http::Request<Body>> for BearerService<S>
where
    S: tower::Service<http::Request<Body>, Response = http::Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<B>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<B>, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, mut request: http::Request<Body>) -> Self::Future {
        // The clone may not be ready: call the instance that was polled ready.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let tokens = self
            .tokens
            .clone()
            .filter(|_| !is_open_method(request.uri().path()))
            .filter(|_| !request.headers().contains_key(AUTHORIZATION));
        Box::pin(async move {
            let Some(tokens) = tokens else {
                return inner.call(request).await.map_err(Into::into);
            };
            // A Status error reaches the caller as that Status (tonic
            // recognises it), with Warden's ErrorInfo intact.
            let token = tokens.access_token().await.map_err(Box::new)?;
            let mut value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
                Box::new(Status::internal("warden-client: access token is not ASCII"))
            })?;
            value.set_sensitive(true);
            request.headers_mut().insert(AUTHORIZATION, value);
            let response = inner.call(request).await.map_err(Into::into)?;
            if header_code(response.headers()) == Some(tonic::Code::Unauthenticated) {
                tokens.token_refused(&token);
            }
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use tower::{Service, ServiceExt};

    use super::*;

    /// A service that records the `authorization` header of each call and
    /// answers with `code` in a trailers-only response.
    #[derive(Clone)]
    struct Recorder {
        code: tonic::Code,
        seen: Arc<Mutex<Vec<Option<String>>>>,
    }

    impl Recorder {
        fn new(code: tonic::Code) -> Self {
            Self {
                code,
                seen: Arc::default(),
            }
        }

        fn seen(&self) -> Vec<Option<String>> {
            self.seen.lock().unwrap().clone()
        }
    }

    impl tower::Service<http::Request<Body>> for Recorder {
        type Response = http::Response<Body>;
        type Error = BoxError;
        type Future = futures::future::Ready<Result<http::Response<Body>, BoxError>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: http::Request<Body>) -> Self::Future {
            let header = request
                .headers()
                .get(AUTHORIZATION)
                .map(|v| v.to_str().unwrap().to_owned());
            self.seen.lock().unwrap().push(header);
            let response = http::Response::builder()
                .header("grpc-status", (self.code as i32).to_string())
                .body(Body::empty())
                .unwrap();
            futures::future::ready(Ok(response))
        }
    }

    fn request(path: &str) -> http::Request<Body> {
        http::Request::builder()
            .uri(format!("http://warden{path}"))
            .body(Body::empty())
            .unwrap()
    }

    fn unreachable_channel() -> tonic::transport::Channel {
        tonic::transport::Endpoint::from_static("http://127.0.0.1:9").connect_lazy()
    }

    #[tokio::test]
    async fn open_rpcs_carry_no_token_and_the_others_carry_the_current_one() {
        let tokens =
            TokenSource::with_token(unreachable_channel(), "tok-1", Duration::from_secs(600));
        let recorder = Recorder::new(tonic::Code::Ok);
        let mut service = BearerLayer::new(tokens).wrap(recorder.clone());
        for path in [
            "/warden.auth.v1.AuthService/Register",
            "/warden.auth.v1.AuthService/Login",
            "/warden.auth.v1.AuthService/LoginWithApiKey",
            "/warden.auth.v1.AuthService/Refresh",
            "/warden.auth.v1.AuthService/GetJwks",
            "/warden.session.v1.SessionService/GetCurrentSession",
            "/warden.auth.v1.AuthService/Logout",
            "/warden.authz.v1.AuthzService/CheckPermission",
            "/articles.v1.ArticleService/GetArticle",
        ] {
            service
                .ready()
                .await
                .unwrap()
                .call(request(path))
                .await
                .unwrap();
        }
        let bearer = Some("Bearer tok-1".to_owned());
        assert_eq!(
            recorder.seen(),
            vec![
                None,
                None,
                None,
                None,
                None,
                bearer.clone(),
                bearer.clone(),
                bearer.clone(),
                bearer
            ]
        );
    }

    #[tokio::test]
    async fn a_caller_set_authorization_is_kept() {
        let tokens =
            TokenSource::with_token(unreachable_channel(), "tok-1", Duration::from_secs(600));
        let recorder = Recorder::new(tonic::Code::Ok);
        let mut service = BearerLayer::new(tokens).wrap(recorder.clone());
        let mut call = request("/warden.auth.v1.AuthService/Logout");
        call.headers_mut()
            .insert(AUTHORIZATION, HeaderValue::from_static("Bearer other"));
        service.ready().await.unwrap().call(call).await.unwrap();
        assert_eq!(recorder.seen(), vec![Some("Bearer other".to_owned())]);
    }

    #[tokio::test]
    async fn a_refused_token_is_renewed_before_the_next_call() {
        // The renewal logs in through an unreachable Warden, so it fails: the
        // point is that it is attempted (the token is no longer handed out)
        // and that its failure reaches the caller as a Status.
        let tokens =
            TokenSource::with_token(unreachable_channel(), "tok-1", Duration::from_secs(600));
        let recorder = Recorder::new(tonic::Code::Unauthenticated);
        let mut service = BearerLayer::new(tokens.clone()).wrap(recorder.clone());
        let path = "/warden.session.v1.SessionService/GetCurrentSession";
        service
            .ready()
            .await
            .unwrap()
            .call(request(path))
            .await
            .unwrap();
        let refused = service
            .ready()
            .await
            .unwrap()
            .call(request(path))
            .await
            .expect_err("the renewal cannot reach Warden");
        let status = Status::from_error(refused);
        assert_eq!(status.code(), tonic::Code::Unavailable, "{status:?}");
        assert_eq!(recorder.seen().len(), 1, "no call with a refused token");
        assert_eq!(tokens.stats(), crate::TokenStats::default());
    }
}
