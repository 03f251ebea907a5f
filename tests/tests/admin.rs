//! The admin role: bootstrap, admin-only RPCs, suspension and reinstatement,
//! looking users up and listing them, and deleting them.

use std::time::Duration;

use tonic::Code;
use warden_e2e::{bearer, reason, unique_email, Backend, EventTap, TestWarden, PASSWORD};
use warden_proto::auth::v1::get_user_request::User as Named;
use warden_proto::auth::v1::{
    CreateApiKeyRequest, DeleteUserRequest, GetUserRequest, ListUsersRequest, LoginRequest,
    LoginWithApiKeyRequest, RefreshRequest, RegisterRequest, ReinstateUserRequest,
    SuspendUserRequest, Tokens, User,
};
use warden_proto::authz::v1::{AssignRoleRequest, DefineRoleRequest, ListUserRolesRequest};
use warden_proto::events::v1::{RevocationReason, SessionRevoked, UserDeleted, UserSuspended};
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

async fn get_user(
    auth: &mut AuthClient,
    token: &str,
    named: Option<Named>,
) -> Result<User, tonic::Status> {
    let request = GetUserRequest { user: named };
    let response = auth.get_user(bearer(request, token)).await?;
    Ok(response.into_inner().user.expect("a user"))
}

/// GetUser finds a user by id or email (one's own, or anyone's for an
/// admin) without ever showing credentials; ListUsers pages through every
/// user in email order, for admins only.
async fn users_are_looked_up_and_listed(backend: Backend) {
    let (warden, admin) = TestWarden::start_with_admin(backend, |_| {}).await;
    let mut auth = warden.auth().await;
    let mut emails = vec![
        get_user(&mut auth, &admin.access_token, None)
            .await
            .unwrap()
            .email,
    ];
    let mut ids = Vec::new();
    for name in ["Ann", "Bo", "Cy"] {
        let email = unique_email();
        let user_id = auth
            .register(RegisterRequest {
                email: email.clone(),
                password: PASSWORD.into(),
                display_name: format!("{name} Example"),
            })
            .await
            .unwrap()
            .into_inner()
            .user_id;
        emails.push(email);
        ids.push(user_id);
    }
    let ann = login(&mut auth, &emails[1]).await.unwrap();

    // One's own account: by nothing, by id, by email in any case.
    let own = get_user(&mut auth, &ann.access_token, None).await.unwrap();
    assert_eq!(
        (own.user_id.as_str(), own.email.as_str()),
        (ids[0].as_str(), emails[1].as_str())
    );
    assert_eq!(own.display_name, "Ann Example");
    assert!(own.created_at.is_some() && own.suspended_at.is_none());
    let by_email = Named::Email(format!("  {} ", emails[1].to_uppercase()));
    assert_eq!(
        get_user(&mut auth, &ann.access_token, Some(by_email))
            .await
            .unwrap(),
        own
    );
    let by_id = Named::UserId(ids[0].clone());
    assert_eq!(
        get_user(&mut auth, &ann.access_token, Some(by_id))
            .await
            .unwrap(),
        own
    );
    assert!(
        !format!("{own:?}").contains("argon2"),
        "no password hash: {own:?}"
    );

    // Anyone else's: denied alike whether the user exists or not.
    for named in [
        Named::UserId(ids[1].clone()),
        Named::UserId("no-such-user".into()),
        Named::Email(emails[2].clone()),
        Named::Email("nobody@example.com".into()),
    ] {
        let status = get_user(&mut auth, &ann.access_token, Some(named.clone()))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::PermissionDenied, "{named:?}");
    }
    // Malformed: refused for anyone, before any lookup.
    for named in [
        Named::UserId(String::new()),
        Named::UserId("u".repeat(1000)),
        Named::Email("not an email".into()),
    ] {
        let status = get_user(&mut auth, &admin.access_token, Some(named.clone()))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{named:?}");
    }

    // An admin sees anyone, suspension included.
    let bo = get_user(
        &mut auth,
        &admin.access_token,
        Some(Named::Email(emails[2].clone())),
    )
    .await
    .unwrap();
    assert_eq!(
        (bo.user_id.as_str(), bo.display_name.as_str()),
        (ids[1].as_str(), "Bo Example")
    );
    let status = get_user(
        &mut auth,
        &admin.access_token,
        Some(Named::UserId("no-such-user".into())),
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(status.message(), "user not found");
    let suspend = SuspendUserRequest {
        user_id: ids[1].clone(),
        reason: "spam".into(),
    };
    auth.suspend_user(bearer(suspend, &admin.access_token))
        .await
        .unwrap();
    let bo_id = Named::UserId(ids[1].clone());
    let suspended = get_user(&mut auth, &admin.access_token, Some(bo_id.clone()))
        .await
        .unwrap();
    assert!(suspended.suspended_at.is_some());
    assert_eq!(suspended.suspended_reason, "spam");
    let reinstate = ReinstateUserRequest {
        user_id: ids[1].clone(),
    };
    auth.reinstate_user(bearer(reinstate, &admin.access_token))
        .await
        .unwrap();
    let back = get_user(&mut auth, &admin.access_token, Some(bo_id))
        .await
        .unwrap();
    assert!(back.suspended_at.is_none() && back.suspended_reason.is_empty());

    // ListUsers: everyone once, in email order, two at a time.
    let mut listed = Vec::new();
    let mut page_token = String::new();
    loop {
        let request = ListUsersRequest {
            page_size: 2,
            page_token: page_token.clone(),
        };
        let page = auth
            .list_users(bearer(request, &admin.access_token))
            .await
            .unwrap()
            .into_inner();
        assert!(page.users.len() <= 2, "{page:?}");
        listed.extend(page.users.into_iter().map(|u| u.email));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    emails.sort();
    assert_eq!(listed, emails);
    for (page_size, page_token, token) in [
        (-1, "", &admin.access_token),
        (1001, "", &admin.access_token),
        (2, "%%%", &admin.access_token),
        (0, "", &ann.access_token),
    ] {
        let request = ListUsersRequest {
            page_size,
            page_token: page_token.into(),
        };
        let status = auth.list_users(bearer(request, token)).await.unwrap_err();
        let expected = if *token == ann.access_token {
            Code::PermissionDenied
        } else {
            Code::InvalidArgument
        };
        assert_eq!(status.code(), expected, "{page_size} {page_token:?}");
    }
    warden.stop().await;
}

#[tokio::test]
async fn embedded_users_are_looked_up_and_listed() {
    users_are_looked_up_and_listed(Backend::Embedded).await;
}

#[tokio::test]
async fn real_backends_users_are_looked_up_and_listed() {
    users_are_looked_up_and_listed(Backend::Real).await;
}

/// DeleteUser: the user's sessions end at once (each with `SessionRevoked`,
/// reason USER_DELETED), their password, refresh token and API key stop
/// working, `UserDeleted` is published, and the email is free for a new user
/// with a new id and none of the old roles. Refusals change nothing.
async fn users_are_deleted(backend: Backend) {
    let taps = match backend {
        Backend::Real => Some((
            EventTap::bind("user.deleted").await,
            EventTap::bind("session.revoked").await,
        )),
        Backend::Embedded => None,
    };
    let (warden, admin) = TestWarden::start_with_admin(backend, |_| {}).await;
    let mut auth = warden.auth().await;
    let mut sessions = warden.sessions().await;
    let mut authz = warden.authz().await;
    let email = unique_email();
    let user_id = register(&mut auth, &email).await;
    let tokens = login(&mut auth, &email).await.unwrap();
    let key = CreateApiKeyRequest {
        name: "k".into(),
        expires_at: None,
    };
    let api_key = (auth.create_api_key(bearer(key, &tokens.access_token)).await)
        .unwrap()
        .into_inner()
        .api_key;
    let define = DefineRoleRequest {
        role: "editor".into(),
        permissions: vec!["articles.edit".into()],
        attributes: Default::default(),
    };
    authz
        .define_role(bearer(define, &admin.access_token))
        .await
        .unwrap();
    let assign = AssignRoleRequest {
        user_id: user_id.clone(),
        role: "editor".into(),
    };
    authz
        .assign_role(bearer(assign, &admin.access_token))
        .await
        .unwrap();
    let delete = |user_id: &str| DeleteUserRequest {
        user_id: user_id.into(),
    };

    // Refused, with nothing changed: not an admin, oneself, no such user, a bad id.
    let status = auth
        .delete_user(bearer(delete(&user_id), &tokens.access_token))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    let admin_id = admin.user_id.as_str();
    for (id, code) in [
        (admin_id, Code::InvalidArgument),
        ("no-such-user", Code::NotFound),
        ("", Code::InvalidArgument),
    ] {
        let status = auth
            .delete_user(bearer(delete(id), &admin.access_token))
            .await
            .unwrap_err();
        assert_eq!(status.code(), code, "{id:?}");
    }
    sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &tokens.access_token))
        .await
        .expect("the user's session is untouched");

    let revoked = auth
        .delete_user(bearer(delete(&user_id), &admin.access_token))
        .await
        .unwrap()
        .into_inner()
        .revoked_sessions;
    assert_eq!(revoked, 1);
    let status = sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &tokens.access_token))
        .await
        .unwrap_err();
    assert_eq!(
        status.code(),
        Code::Unauthenticated,
        "the session ended at once"
    );
    let status = login(&mut auth, &email).await.unwrap_err();
    assert_eq!(reason(&status), "INVALID_CREDENTIALS");
    let refresh = RefreshRequest {
        refresh_token: tokens.refresh_token.clone(),
    };
    assert_eq!(
        auth.refresh(refresh).await.unwrap_err().code(),
        Code::Unauthenticated
    );
    let with_key = LoginWithApiKeyRequest { api_key };
    assert_eq!(
        auth.login_with_api_key(with_key).await.unwrap_err().code(),
        Code::Unauthenticated
    );
    let gone = Some(Named::UserId(user_id.clone()));
    let status = get_user(&mut auth, &admin.access_token, gone)
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    let status = auth
        .delete_user(bearer(delete(&user_id), &admin.access_token))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "deleted once");

    // The email is free again: a new user, a new id, no old roles.
    let again = register(&mut auth, &email).await;
    assert_ne!(again, user_id);
    let roles = ListUserRolesRequest {
        user_id: again.clone(),
    };
    let held = authz
        .list_user_roles(bearer(roles, &admin.access_token))
        .await;
    assert!(held.unwrap().into_inner().roles.is_empty());

    if let Some((mut deleted, mut revocations)) = taps {
        let (event, _) = deleted
            .next::<UserDeleted>(Duration::from_secs(10), |e| e.user_id == user_id)
            .await
            .expect("UserDeleted published");
        assert!(!event.event_id.is_empty() && event.occurred_at.is_some());
        let (event, _) = revocations
            .next::<SessionRevoked>(Duration::from_secs(10), |e| {
                e.session_id == tokens.session_id
            })
            .await
            .expect("SessionRevoked published");
        assert_eq!(event.reason(), RevocationReason::UserDeleted);
    }
    warden.stop().await;
}

#[tokio::test]
async fn embedded_users_are_deleted() {
    users_are_deleted(Backend::Embedded).await;
}

#[tokio::test]
async fn real_backends_users_are_deleted() {
    users_are_deleted(Backend::Real).await;
}

/// What an administrator does to the user while their login's password is
/// being checked.
#[derive(Clone, Copy, Debug)]
enum Overlap {
    Suspend,
    Delete,
}

/// A login whose password check overlaps the user's suspension or deletion:
/// its sweep of sessions runs before the login's session exists, so the login
/// must look at the user again once its session is stored.
async fn a_login_overlapping(action: Overlap) {
    use std::time::Instant;
    use warden_server::config::Argon2Params;
    // Slow enough hashing that the suspension or deletion lands within the check.
    let slow = Argon2Params {
        memory_kib: 8192,
        iterations: 100,
        parallelism: 1,
    };
    let (warden, admin) =
        TestWarden::start_with_admin(Backend::Embedded, |c| c.argon2 = slow).await;
    let mut auth = warden.auth().await;
    let mut sessions = warden.sessions().await;
    let email = unique_email();
    let user_id = register(&mut auth, &email).await;
    let started = Instant::now();
    let first = login(&mut auth, &email).await.unwrap();
    let check = started.elapsed();
    assert!(
        check > Duration::from_millis(150),
        "hashing took only {check:?}"
    );

    let racing = {
        let (mut auth, email) = (auth.clone(), email.clone());
        tokio::spawn(async move { login(&mut auth, &email).await })
    };
    tokio::time::sleep(check / 3).await;
    let (revoked, expected) = match action {
        Overlap::Suspend => {
            let suspend = SuspendUserRequest {
                user_id: user_id.clone(),
                reason: "overlap".into(),
            };
            let done = auth.suspend_user(bearer(suspend, &admin.access_token));
            (
                done.await.unwrap().into_inner().revoked_sessions,
                "USER_SUSPENDED",
            )
        }
        Overlap::Delete => {
            let delete = DeleteUserRequest {
                user_id: user_id.clone(),
            };
            let done = auth.delete_user(bearer(delete, &admin.access_token));
            // As for an unknown email: the account is gone.
            (
                done.await.unwrap().into_inner().revoked_sessions,
                "INVALID_CREDENTIALS",
            )
        }
    };
    assert_eq!(revoked, 1, "only the first login's session existed yet");
    let status = racing.await.unwrap().unwrap_err();
    assert_eq!(reason(&status), expected, "{action:?}: {status:?}");
    let left = ListSessionsRequest {
        user_id: user_id.clone(),
    };
    let left = sessions
        .list_sessions(bearer(left, &admin.access_token))
        .await
        .unwrap()
        .into_inner()
        .sessions;
    assert!(
        left.is_empty(),
        "{action:?}: no session outlives it: {left:?}"
    );
    let status = sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &first.access_token))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    warden.stop().await;
}

#[tokio::test]
async fn a_login_overlapping_a_suspension_keeps_no_session() {
    a_login_overlapping(Overlap::Suspend).await;
}

#[tokio::test]
async fn a_login_overlapping_a_deletion_keeps_no_session() {
    a_login_overlapping(Overlap::Delete).await;
}

/// Role grants and new API keys racing the deletion of their user, straight
/// on the store: each either lands before the deletion (which then removes
/// it) or finds the user gone; none fails, and nothing is left behind.
async fn a_deleted_user_is_left_no_roles_or_keys(backend: Backend) {
    use warden_server::store::{ApiKeyRecord, ApiKeyStore, RoleStore, UserStore};
    let users: Vec<String> = (0..20).map(|round| format!("user-{round}")).collect();
    let (store, _dir) = warden_e2e::sql_store_with_users(backend, &users).await;
    let roles: Vec<String> = (0..8).map(|i| format!("role-{i}")).collect();
    for role in &roles {
        store
            .define_role(role, &["p".to_owned()], &Default::default())
            .await
            .unwrap();
    }
    for (round, user_id) in users.iter().enumerate() {
        let grants: Vec<_> = roles
            .iter()
            .map(|role| {
                let (store, user_id, role) = (store.clone(), user_id.clone(), role.clone());
                tokio::spawn(async move { store.grant_role(&user_id, &role).await })
            })
            .collect();
        let keys: Vec<_> = (0..4)
            .map(|k| {
                let key = ApiKeyRecord {
                    id: format!("{round:08x}{k:08x}"),
                    user_id: user_id.clone(),
                    name: format!("key {k}"),
                    secret_hash: String::new(),
                    created_at_ms: 0,
                    expires_at_ms: None,
                    revoked_at_ms: None,
                    last_used_at_ms: None,
                };
                let store = store.clone();
                tokio::spawn(async move { store.create_api_key(&key).await })
            })
            .collect();
        assert!(store.delete_user(user_id).await.unwrap(), "round {round}");
        for grant in grants {
            grant
                .await
                .unwrap()
                .expect("a grant fails only by finding nothing");
        }
        for key in keys {
            key.await
                .unwrap()
                .expect("a new key fails only by finding nothing");
        }
        assert_eq!(store.find_user(user_id).await.unwrap(), None);
        for role in &roles {
            assert!(
                !store.has_role(user_id, role).await.unwrap(),
                "round {round}: a deleted user holds {role}"
            );
        }
        assert_eq!(
            store.list_api_keys(user_id).await.unwrap(),
            Vec::new(),
            "round {round}: a deleted user has keys"
        );
        assert!(!store.delete_user(user_id).await.unwrap(), "deleted once");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_a_deleted_user_is_left_no_roles_or_keys() {
    a_deleted_user_is_left_no_roles_or_keys(Backend::Embedded).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_backends_a_deleted_user_is_left_no_roles_or_keys() {
    a_deleted_user_is_left_no_roles_or_keys(Backend::Real).await;
}
