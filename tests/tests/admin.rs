//! The admin role: bootstrap, admin-only RPCs, suspension and reinstatement.

use std::time::Duration;

use tonic::Code;
use warden_e2e::{bearer, reason, unique_email, Backend, EventTap, TestWarden, PASSWORD};
use warden_proto::auth::v1::{
    CreateApiKeyRequest, LoginRequest, LoginWithApiKeyRequest, RefreshRequest, RegisterRequest,
    ReinstateUserRequest, SuspendUserRequest, Tokens,
};
use warden_proto::events::v1::UserSuspended;
use warden_proto::session::v1::{
    GetCurrentSessionRequest, GetSessionRequest, ListSessionsRequest, RevokeSessionRequest,
};

type AuthClient =
    warden_proto::auth::v1::auth_service_client::AuthServiceClient<tonic::transport::Channel>;

async fn register(auth: &mut AuthClient, email: &str) -> String {
    auth.register(RegisterRequest {
        email: email.into(),
        password: PASSWORD.into(),
        display_name: String::new(),
    })
    .await
    .unwrap()
    .into_inner()
    .user_id
}

async fn login(auth: &mut AuthClient, email: &str) -> Result<Tokens, tonic::Status> {
    Ok(auth
        .login(LoginRequest {
            email: email.into(),
            password: PASSWORD.into(),
        })
        .await?
        .into_inner()
        .tokens
        .unwrap())
}

async fn run(backend: Backend) {
    let suspended_events = match backend {
        Backend::Real => Some(EventTap::bind("user.suspended").await),
        Backend::Embedded => None,
    };
    let admin_email = unique_email();
    let warden = TestWarden::start_tuned(backend, |c| {
        c.bootstrap_admin_email = Some(admin_email.clone())
    })
    .await;
    let mut auth = warden.auth().await;
    let mut sessions = warden.sessions().await;
    let admin_id = register(&mut auth, &admin_email).await;
    let admin = login(&mut auth, &admin_email).await.unwrap();
    let user_email = unique_email();
    let user_id = register(&mut auth, &user_email).await;
    let (first, second) = (
        login(&mut auth, &user_email).await.unwrap(),
        login(&mut auth, &user_email).await.unwrap(),
    );
    let api_key = auth
        .create_api_key(bearer(
            CreateApiKeyRequest {
                name: "k".into(),
                expires_at: None,
            },
            &first.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .api_key;

    // A non-admin gets PERMISSION_DENIED on every admin RPC.
    let denied = [
        auth.suspend_user(bearer(
            SuspendUserRequest {
                user_id: admin_id.clone(),
                reason: "x".into(),
            },
            &first.access_token,
        ))
        .await
        .map(|_| ()),
        auth.reinstate_user(bearer(
            ReinstateUserRequest {
                user_id: admin_id.clone(),
            },
            &first.access_token,
        ))
        .await
        .map(|_| ()),
        sessions
            .list_sessions(bearer(
                ListSessionsRequest {
                    user_id: admin_id.clone(),
                },
                &first.access_token,
            ))
            .await
            .map(|_| ()),
        sessions
            .get_session(bearer(
                GetSessionRequest {
                    session_id: admin.session_id.clone(),
                },
                &first.access_token,
            ))
            .await
            .map(|_| ()),
        sessions
            .revoke_session(bearer(
                RevokeSessionRequest {
                    session_id: admin.session_id.clone(),
                },
                &first.access_token,
            ))
            .await
            .map(|_| ()),
    ];
    for result in denied {
        let err = result.unwrap_err();
        assert_eq!(
            (err.code(), reason(&err).as_str()),
            (Code::PermissionDenied, "PERMISSION_DENIED")
        );
    }

    // The admin acts on other users' sessions.
    let listed = sessions
        .list_sessions(bearer(
            ListSessionsRequest {
                user_id: user_id.clone(),
            },
            &admin.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .sessions;
    assert_eq!(listed.len(), 2);
    sessions
        .get_session(bearer(
            GetSessionRequest {
                session_id: second.session_id.clone(),
            },
            &admin.access_token,
        ))
        .await
        .unwrap();
    sessions
        .revoke_session(bearer(
            RevokeSessionRequest {
                session_id: second.session_id.clone(),
            },
            &admin.access_token,
        ))
        .await
        .unwrap();
    let err = sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &second.access_token))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "SESSION_REVOKED");

    // Suspension ends every session and blocks every way in.
    let err = auth
        .suspend_user(bearer(
            SuspendUserRequest {
                user_id: admin_id.clone(),
                reason: "self".into(),
            },
            &admin.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Code::InvalidArgument,
        "an admin cannot suspend themselves"
    );
    for user_id in [String::new(), "u".repeat(129)] {
        let err = auth
            .suspend_user(bearer(
                SuspendUserRequest {
                    user_id: user_id.clone(),
                    reason: "typo".into(),
                },
                &admin.access_token,
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument, "{} bytes", user_id.len());
        let err = auth
            .reinstate_user(bearer(
                ReinstateUserRequest {
                    user_id: user_id.clone(),
                },
                &admin.access_token,
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument, "{} bytes", user_id.len());
    }
    let suspended = auth
        .suspend_user(bearer(
            SuspendUserRequest {
                user_id: user_id.clone(),
                reason: "abuse report 42".into(),
            },
            &admin.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(suspended.revoked_sessions, 1);
    let err = sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &first.access_token))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::Unauthenticated, "SESSION_REVOKED")
    );
    let err = login(&mut auth, &user_email).await.unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::PermissionDenied, "USER_SUSPENDED")
    );
    let err = auth
        .login(LoginRequest {
            email: user_email.clone(),
            password: "wrong password!".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        "INVALID_CREDENTIALS",
        "the suspension is not revealed without the password"
    );
    let err = auth
        .login_with_api_key(LoginWithApiKeyRequest {
            api_key: api_key.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "USER_SUSPENDED");
    let err = auth
        .refresh(RefreshRequest {
            refresh_token: first.refresh_token.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Code::Unauthenticated,
        "the session behind the refresh token is gone"
    );
    let err = auth
        .suspend_user(bearer(
            SuspendUserRequest {
                user_id: "no-such-user".into(),
                reason: String::new(),
            },
            &admin.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);

    if let Some(mut tap) = suspended_events {
        let (event, _) = tap
            .next::<UserSuspended>(Duration::from_secs(10), |e| e.user_id == user_id)
            .await
            .expect("UserSuspended arrives on warden.events");
        assert_eq!(event.reason, "abuse report 42");
    }

    // Reinstatement lets the user in again.
    auth.reinstate_user(bearer(
        ReinstateUserRequest {
            user_id: user_id.clone(),
        },
        &admin.access_token,
    ))
    .await
    .unwrap();
    let back = login(&mut auth, &user_email)
        .await
        .expect("login works after reinstatement");
    sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &back.access_token))
        .await
        .unwrap();
    auth.login_with_api_key(LoginWithApiKeyRequest { api_key })
        .await
        .expect("API-key login works again");
    warden.stop().await;
}

#[tokio::test]
async fn embedded_admin_and_suspension() {
    run(Backend::Embedded).await;
}

#[tokio::test]
async fn real_backends_admin_and_suspension() {
    run(Backend::Real).await;
}
