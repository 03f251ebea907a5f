//! The client against a live in-process Warden (embedded backends).

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use warden_client::proto::auth::v1::{CreateApiKeyRequest, RegisterRequest};
use warden_client::proto::authz::v1::Permissionship;
use warden_client::proto::session::v1::{
    AuthMethod, GetCurrentSessionRequest, RevokeSessionRequest,
};
use warden_client::{Credentials, WardenClient};
use warden_e2e::{unique_email, Backend, TestWarden, PASSWORD};

#[allow(dead_code)]
#[path = "../examples/quickstart.rs"]
mod quickstart;

/// Registers a new user through an anonymous client; returns its email.
async fn register(warden: &TestWarden) -> String {
    let email = unique_email();
    WardenClient::anonymous(warden.channel().await)
        .auth()
        .register(RegisterRequest {
            email: email.clone(),
            password: PASSWORD.into(),
            display_name: "Rust client test".into(),
        })
        .await
        .expect("register");
    email
}

async fn current_session_id(client: &WardenClient) -> Result<String, tonic::Status> {
    Ok(client
        .sessions()
        .get_current_session(GetCurrentSessionRequest {})
        .await?
        .into_inner()
        .session
        .expect("a session")
        .session_id)
}

/// Access tokens live 10 s (Warden's minimum) with no leeway, so a token the
/// client failed to refresh is refused. Concurrent callers run for ~25 s
/// (three refresh points) without seeing an error; a burst of calls at the
/// first refresh point shares one refresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_keep_working_across_expiries_and_share_one_refresh() {
    let warden = TestWarden::start_tuned(Backend::Embedded, |c| {
        c.access_token_ttl = Duration::from_secs(10);
        c.token_leeway = Duration::ZERO;
    })
    .await;
    let email = register(&warden).await;
    let start = Instant::now();
    let client = WardenClient::login(
        warden.channel().await,
        Credentials::password(&email, PASSWORD),
    )
    .await
    .expect("login");
    let tokens = client.tokens().expect("logged in").clone();
    let session_id = tokens.session_id().expect("a session");
    let first_token = tokens.access_token().await.unwrap();

    // 10 s tokens are refreshed 2 s before expiry. Just after that point, 32
    // calls at once: one refresh between them.
    tokio::time::sleep_until(start + Duration::from_millis(8_300)).await;
    let barrier = Arc::new(tokio::sync::Barrier::new(32));
    let burst: Vec<_> = (0..32)
        .map(|_| {
            let client = client.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                current_session_id(&client).await
            })
        })
        .collect();
    for call in burst {
        assert_eq!(call.await.unwrap().expect("burst call"), session_id);
    }
    assert_eq!(tokens.stats().refreshes, 1, "{:?}", tokens.stats());
    assert_ne!(tokens.access_token().await.unwrap(), first_token);

    // Four callers until 25 s after login: two more refresh points, no error.
    let end = start + Duration::from_secs(25);
    let callers: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            let session_id = session_id.clone();
            tokio::spawn(async move {
                let mut calls = 0;
                while Instant::now() < end {
                    let seen = current_session_id(&client).await.unwrap_or_else(|status| {
                        panic!(
                            "call {calls} failed: {status:?} ({:?})",
                            warden_client::reason(&status)
                        )
                    });
                    calls += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    if seen != session_id {
                        return Err(seen);
                    }
                }
                Ok(calls)
            })
        })
        .collect();
    for caller in callers {
        let calls = caller.await.unwrap().expect("the session never changes");
        assert!(calls > 100, "only {calls} calls in ~17 s");
    }
    let stats = tokens.stats();
    assert_eq!(stats.logins, 1, "{stats:?}");
    // Refresh points at ~8.3, ~16.3, ~24.3 s; scheduling may push the last one
    // past the end. More would mean callers refreshed separately.
    assert!((2..=3).contains(&stats.refreshes), "{stats:?}");
}

/// A revoked session makes Warden refuse the refresh token; the client logs
/// in again, and the caller sees one refused call.
#[tokio::test]
async fn a_refused_refresh_logs_in_again() {
    let warden = TestWarden::start(Backend::Embedded).await;
    let email = register(&warden).await;
    let client = WardenClient::login(
        warden.channel().await,
        Credentials::password(&email, PASSWORD),
    )
    .await
    .expect("login");
    let tokens = client.tokens().unwrap();
    let first = tokens.session_id().unwrap();
    client
        .sessions()
        .revoke_session(RevokeSessionRequest {
            session_id: first.clone(),
        })
        .await
        .expect("revoke own session");

    let refused = current_session_id(&client)
        .await
        .expect_err("the revoked session's token is refused");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);
    assert_eq!(
        warden_client::reason(&refused).as_deref(),
        Some("SESSION_REVOKED")
    );

    let second = current_session_id(&client)
        .await
        .expect("the next call runs on a new session");
    assert_ne!(second, first);
    assert_eq!(tokens.session_id().as_deref(), Some(second.as_str()));
    // The refresh was refused (not counted), then a second login.
    assert_eq!(
        tokens.stats(),
        warden_client::TokenStats {
            logins: 2,
            refreshes: 0
        }
    );
}

/// An API key logs in too; a wrong password fails `login` with Warden's
/// status and reason, and an anonymous client's closed calls are refused.
#[tokio::test]
async fn api_key_login_and_refused_credentials() {
    let warden = TestWarden::start(Backend::Embedded).await;
    let email = register(&warden).await;
    let owner = WardenClient::login(
        warden.channel().await,
        Credentials::password(&email, PASSWORD),
    )
    .await
    .expect("login");
    let api_key = owner
        .auth()
        .create_api_key(CreateApiKeyRequest {
            name: "rust client test".into(),
            expires_at: None,
        })
        .await
        .expect("create API key")
        .into_inner()
        .api_key;

    let service = WardenClient::login(warden.channel().await, Credentials::api_key(api_key))
        .await
        .expect("API key login");
    let session = service
        .sessions()
        .get_current_session(GetCurrentSessionRequest {})
        .await
        .expect("GetCurrentSession")
        .into_inner()
        .session
        .unwrap();
    assert_eq!(session.auth_method(), AuthMethod::ApiKey);
    assert_eq!(Some(session.user_id), owner.tokens().unwrap().user_id());

    let wrong = WardenClient::login(
        warden.channel().await,
        Credentials::password(&email, "not the password"),
    )
    .await
    .expect_err("wrong password");
    assert_eq!(wrong.code(), tonic::Code::Unauthenticated);
    assert_eq!(
        warden_client::reason(&wrong).as_deref(),
        Some("INVALID_CREDENTIALS")
    );
    let connect_wrong = WardenClient::connect(
        format!("http://{}", warden.server.grpc_addr),
        Credentials::password(&email, "not the password"),
    )
    .await
    .expect_err("wrong password");
    assert_eq!(
        connect_wrong.reason().as_deref(),
        Some("INVALID_CREDENTIALS")
    );

    let anonymous = WardenClient::anonymous(warden.channel().await);
    let missing = current_session_id(&anonymous).await.expect_err("no token");
    assert_eq!(missing.code(), tonic::Code::Unauthenticated);
    assert_eq!(
        warden_client::reason(&missing).as_deref(),
        Some("MISSING_TOKEN")
    );

    // Logout ends the session; the next call logs in again.
    let before = owner.tokens().unwrap().session_id().unwrap();
    owner.logout().await.expect("logout");
    let after = current_session_id(&owner).await.expect("a new login");
    assert_ne!(after, before);
}

/// The example's scenario: register, log in, GetCurrentSession, then as an
/// administrator WriteSchema and WriteRelationships, and CheckPermission.
#[tokio::test]
async fn the_quickstart_scenario_works() {
    let admin_email = unique_email();
    let admin = admin_email.clone();
    let warden = TestWarden::start_tuned(Backend::Embedded, move |c| {
        c.bootstrap_admin_email = Some(admin);
    })
    .await;
    let settings = quickstart::Settings {
        addr: format!("http://{}", warden.server.grpc_addr),
        email: unique_email(),
        admin_email,
        ..quickstart::Settings::default()
    };
    let outcome = quickstart::run(&settings).await.unwrap_or_else(|err| {
        panic!("quickstart failed: {err} ({:?})", err.reason());
    });
    assert!(!outcome.user_id.is_empty() && !outcome.session_id.is_empty());
    assert_eq!(
        outcome.checks,
        vec![
            ("readme".to_owned(), Permissionship::HasPermission),
            ("secret-plans".to_owned(), Permissionship::NoPermission),
        ]
    );
    // Running it again (accounts exist) works too.
    let again = quickstart::run(&settings).await.expect("second run");
    assert_eq!(again.user_id, outcome.user_id);
}
