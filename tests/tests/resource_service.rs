//! A resource service outside Warden: `warden-interceptor` with keys from
//! `GetJwks`, sessions from Redis behind a cache, and the revocation feed on
//! `warden.events`. A logout reaches it at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use warden_e2e::{
    amqp_url, bearer, eventually, reason, redis_url, register_and_login, Backend, TestWarden,
};
use warden_interceptor::sources::{CachedSessionSource, GrpcKeySource, RedisSessionSource};
use warden_interceptor::{AuthContext, WardenLayer};
use warden_proto::auth::v1::LogoutRequest;
use warden_proto::session::v1::session_service_client::SessionServiceClient;
use warden_proto::session::v1::session_service_server::{SessionService, SessionServiceServer};
use warden_proto::session::v1::*;

/// A stand-in resource service: answers "who am I" from the AuthContext.
struct WhoAmI;

#[tonic::async_trait]
impl SessionService for WhoAmI {
    async fn get_current_session(
        &self,
        req: Request<GetCurrentSessionRequest>,
    ) -> Result<Response<GetCurrentSessionResponse>, Status> {
        let ctx = AuthContext::of(&req)?;
        Ok(Response::new(GetCurrentSessionResponse {
            session: Some(ctx.session.as_ref().clone()),
        }))
    }
    async fn get_session(
        &self,
        _: Request<GetSessionRequest>,
    ) -> Result<Response<GetSessionResponse>, Status> {
        Err(Status::permission_denied("not part of this stand-in"))
    }
    async fn list_sessions(
        &self,
        _: Request<ListSessionsRequest>,
    ) -> Result<Response<ListSessionsResponse>, Status> {
        Err(Status::permission_denied("not part of this stand-in"))
    }
    async fn revoke_session(
        &self,
        _: Request<RevokeSessionRequest>,
    ) -> Result<Response<RevokeSessionResponse>, Status> {
        Err(Status::permission_denied("not part of this stand-in"))
    }
    async fn revoke_user_sessions(
        &self,
        _: Request<RevokeUserSessionsRequest>,
    ) -> Result<Response<RevokeUserSessionsResponse>, Status> {
        Err(Status::permission_denied("not part of this stand-in"))
    }
}

#[tokio::test]
async fn logout_reaches_a_resource_service_through_the_revocation_feed() {
    let warden = TestWarden::start(Backend::Real).await;
    let sessions = CachedSessionSource::new(
        Arc::new(
            RedisSessionSource::connect(&redis_url())
                .await
                .expect("redis"),
        ),
        Duration::from_secs(60),
    );
    sessions.follow_revocations(amqp_url());
    let layer = WardenLayer::builder("warden", "warden")
        .key_source(Arc::new(GrpcKeySource::new(warden.channel().await)))
        .session_source(sessions.clone())
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(
        tonic::transport::Server::builder()
            .layer(layer)
            .add_service(SessionServiceServer::new(WhoAmI))
            .serve_with_incoming(
                tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true)),
            ),
    );
    let feed = eventually(Duration::from_secs(10), || {
        let up = sessions.feed_up();
        async move { up.then_some(()) }
    })
    .await;
    assert!(feed.is_some(), "the revocation feed connects");

    let channel = Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut resource = SessionServiceClient::new(channel);
    let mut auth = warden.auth().await;
    let (user_id, tokens) = register_and_login(&mut auth).await;
    for _ in 0..3 {
        // The first call reads Redis, the next ones the cache.
        let who = resource
            .get_current_session(bearer(GetCurrentSessionRequest {}, &tokens.access_token))
            .await
            .unwrap();
        assert_eq!(who.into_inner().session.unwrap().user_id, user_id);
    }
    let err = resource
        .get_current_session(bearer(GetCurrentSessionRequest {}, "garbage"))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "MALFORMED_TOKEN");

    auth.logout(bearer(LogoutRequest {}, &tokens.access_token))
        .await
        .unwrap();
    let logged_out = Instant::now();
    let rejected = eventually(Duration::from_secs(5), || {
        let mut resource = resource.clone();
        let token = tokens.access_token.clone();
        async move {
            let result = resource
                .get_current_session(bearer(GetCurrentSessionRequest {}, &token))
                .await;
            result.err().filter(|e| reason(e) == "SESSION_REVOKED")
        }
    })
    .await;
    assert!(
        rejected.is_some(),
        "the cached session was dropped by SessionRevoked"
    );
    assert_eq!(rejected.unwrap().code(), tonic::Code::Unauthenticated);
    println!(
        "revocation reached the resource service after {:?}",
        logged_out.elapsed()
    );
    warden.stop().await;
}
