//! `warden admin grant EMAIL` makes a registered user an administrator,
//! in Warden's own checks and in the user's live sessions.

use std::process::Command;

use tonic::transport::Channel;
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::auth::v1::{LoginRequest, RegisterRequest};
use warden_proto::session::v1::session_service_client::SessionServiceClient;
use warden_proto::session::v1::{GetCurrentSessionRequest, ListSessionsRequest};
use warden_server::config::{Argon2Params, Config};

const PASSWORD: &str = "correct horse battery staple";

async fn start(
    dir: &std::path::Path,
) -> (
    warden_server::app::RunningWarden,
    AuthServiceClient<Channel>,
    Channel,
) {
    let mut config = Config::embedded(dir);
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.http_listen = "127.0.0.1:0".parse().unwrap();
    config.argon2 = Argon2Params {
        memory_kib: 256,
        iterations: 1,
        parallelism: 1,
    };
    let server = warden_server::app::start(config).await.unwrap();
    let channel = Channel::from_shared(format!("http://{}", server.grpc_addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    (server, AuthServiceClient::new(channel.clone()), channel)
}

fn listing_request(user_id: &str, token: &str) -> tonic::Request<ListSessionsRequest> {
    let mut req = tonic::Request::new(ListSessionsRequest {
        user_id: user_id.into(),
    });
    req.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    req
}

#[tokio::test]
async fn admin_grant_gives_the_admin_role() {
    let dir = tempfile::tempdir().unwrap();
    let (server, mut auth, channel) = start(dir.path()).await;
    for email in ["boss@example.com", "other@example.com"] {
        auth.register(RegisterRequest {
            email: email.into(),
            password: PASSWORD.into(),
            display_name: String::new(),
        })
        .await
        .unwrap();
    }
    let other = auth
        .login(LoginRequest {
            email: "other@example.com".into(),
            password: PASSWORD.into(),
        })
        .await
        .unwrap();
    let other_id = other.into_inner().tokens.unwrap().user_id;
    let boss = auth
        .login(LoginRequest {
            email: "Boss@Example.com".into(),
            password: PASSWORD.into(),
        })
        .await
        .unwrap();
    let boss_token = boss.into_inner().tokens.unwrap().access_token;
    let mut sessions = SessionServiceClient::new(channel);
    let err = sessions
        .list_sessions(listing_request(&other_id, &boss_token))
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::PermissionDenied);

    let unknown = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["admin", "grant", "nobody@example.com", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!unknown.status.success(), "granting an unknown email fails");
    let out = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(["admin", "grant", "BOSS@example.com", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"role\":\"admin\""));

    // The role takes effect at once, without a new login.
    let listed = sessions
        .list_sessions(listing_request(&other_id, &boss_token))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.sessions.len(), 1);
    // And the live session (what resource services read) gets it too.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let mut req = tonic::Request::new(GetCurrentSessionRequest {});
        req.metadata_mut().insert(
            "authorization",
            format!("Bearer {boss_token}").parse().unwrap(),
        );
        let session = sessions
            .get_current_session(req)
            .await
            .unwrap()
            .into_inner()
            .session
            .unwrap();
        if session.roles == ["admin"] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the grant did not reach the live session: {:?}",
            session.roles
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    server.stop().await.unwrap();
}
