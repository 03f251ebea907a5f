//! Refresh rotation and reuse detection, logout, SessionService, password
//! change and API keys, on the embedded default and on real backends.

use std::collections::HashSet;
use std::time::Duration;

use fred::interfaces::{KeysInterface, SetsInterface};
use tonic::transport::Channel;
use tonic::Code;
use warden_e2e::{
    bearer, eventually, login_as, reason, redis_client, register_and_login, register_and_login_as,
    unique_email, Backend, EventTap, TestWarden, PASSWORD,
};
use warden_proto::auth::v1::{
    ChangePasswordRequest, CreateApiKeyRequest, ListApiKeysRequest, LoginRequest,
    LoginWithApiKeyRequest, LogoutRequest, RefreshRequest, RegisterRequest, RevokeApiKeyRequest,
};
use warden_proto::events::v1::{RevocationReason, SessionRevoked};
use warden_proto::session::v1::session_service_client::SessionServiceClient;
use warden_proto::session::v1::{
    AuthMethod, GetCurrentSessionRequest, GetSessionRequest, ListSessionsRequest,
    RevokeSessionRequest, RevokeUserSessionsRequest, Session,
};

const GRACE: Duration = Duration::from_millis(1500);

/// `GetSession` of `session_id` as the holder of `token`.
async fn get_session(
    sessions: &mut SessionServiceClient<Channel>,
    session_id: &str,
    token: &str,
) -> Result<Session, tonic::Status> {
    let request = GetSessionRequest {
        session_id: session_id.into(),
    };
    let response = sessions.get_session(bearer(request, token)).await?;
    Ok(response.into_inner().session.expect("a session"))
}

async fn start(backend: Backend) -> TestWarden {
    TestWarden::start_tuned(backend, |c| c.refresh_grace = GRACE).await
}

async fn refresh_rotation_grace_and_reuse(backend: Backend) {
    let warden = start(backend).await;
    let mut auth = warden.auth().await;
    let mut sessions = warden.sessions().await;
    let (_, first) = register_and_login(&mut auth).await;
    let seen_at = |session: Option<Session>| {
        let t = session.unwrap().last_seen_at.unwrap();
        (t.seconds, t.nanos)
    };
    let at_login = seen_at(
        sessions
            .get_current_session(bearer(GetCurrentSessionRequest {}, &first.access_token))
            .await
            .unwrap()
            .into_inner()
            .session,
    );
    tokio::time::sleep(Duration::from_millis(20)).await;

    let second = auth
        .refresh(RefreshRequest {
            refresh_token: first.refresh_token.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();
    assert_ne!(second.refresh_token, first.refresh_token, "rotated");
    let after_refresh = seen_at(
        sessions
            .get_current_session(bearer(GetCurrentSessionRequest {}, &second.access_token))
            .await
            .unwrap()
            .into_inner()
            .session,
    );
    assert!(after_refresh > at_login, "a refresh updates last_seen_at");
    assert_ne!(second.access_token, first.access_token);
    assert_eq!(second.session_id, first.session_id, "same session");
    sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &second.access_token))
        .await
        .unwrap();

    // Inside the grace window the old token answers with the same successor.
    let retried = auth
        .refresh(RefreshRequest {
            refresh_token: first.refresh_token.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();
    assert_eq!(retried.refresh_token, second.refresh_token);

    // After it, reuse revokes the whole session; its access tokens stop at once.
    tokio::time::sleep(GRACE + Duration::from_millis(300)).await;
    let err = auth
        .refresh(RefreshRequest {
            refresh_token: first.refresh_token.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::Unauthenticated, "REFRESH_TOKEN_REUSE")
    );
    let err = sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &second.access_token))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::Unauthenticated, "SESSION_REVOKED")
    );
    let err = auth
        .refresh(RefreshRequest {
            refresh_token: second.refresh_token,
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "INVALID_REFRESH_TOKEN");

    // Garbage refresh tokens are refused without touching anything.
    for bad in ["", "wrt_", "wrt_nothex.abc", "garbage", &first.access_token] {
        let err = auth
            .refresh(RefreshRequest {
                refresh_token: bad.into(),
            })
            .await
            .unwrap_err();
        assert_eq!(
            (err.code(), reason(&err).as_str()),
            (Code::Unauthenticated, "INVALID_REFRESH_TOKEN"),
            "{bad}"
        );
    }
    warden.stop().await;
}

async fn concurrent_refreshes_keep_one_session(backend: Backend) {
    // The default grace window (10 s): all 50 must land inside it, even on a loaded machine.
    let warden = TestWarden::start(backend).await;
    let mut auth = warden.auth().await;
    let (user_id, tokens) = register_and_login(&mut auth).await;
    let mut calls = Vec::new();
    for _ in 0..50 {
        let mut auth = auth.clone();
        let refresh_token = tokens.refresh_token.clone();
        calls.push(tokio::spawn(async move {
            auth.refresh(RefreshRequest { refresh_token }).await
        }));
    }
    let mut successors = HashSet::new();
    for call in calls {
        let tokens = call
            .await
            .unwrap()
            .expect("every concurrent refresh inside the grace window succeeds");
        let tokens = tokens.into_inner().tokens.unwrap();
        successors.insert(tokens.refresh_token);
    }
    assert_eq!(
        successors.len(),
        1,
        "all 50 got the same next refresh token"
    );
    let listed = warden
        .sessions()
        .await
        .list_sessions(bearer(
            ListSessionsRequest {
                user_id: user_id.clone(),
            },
            &tokens.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .sessions;
    assert_eq!(listed.len(), 1, "no second session");
    let next = successors.into_iter().next().unwrap();
    auth.refresh(RefreshRequest {
        refresh_token: next,
    })
    .await
    .expect("the successor keeps working");
    warden.stop().await;
}

async fn logout(backend: Backend) {
    let revocations = match backend {
        Backend::Real => Some(EventTap::bind("session.revoked").await),
        Backend::Embedded => None,
    };
    let warden = start(backend).await;
    let mut auth = warden.auth().await;
    let mut sessions = warden.sessions().await;
    let (user_id, tokens) = register_and_login(&mut auth).await;
    auth.logout(bearer(LogoutRequest {}, &tokens.access_token))
        .await
        .unwrap();
    let err = sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &tokens.access_token))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::Unauthenticated, "SESSION_REVOKED")
    );
    let err = auth
        .refresh(RefreshRequest {
            refresh_token: tokens.refresh_token,
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Code::Unauthenticated,
        "the refresh token died with the session"
    );
    let err = auth
        .logout(bearer(LogoutRequest {}, &tokens.access_token))
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        "SESSION_REVOKED",
        "a second logout is refused, not an error"
    );

    if let Some(mut tap) = revocations {
        let redis = redis_client().await;
        let exists: i64 = redis
            .exists(format!("warden:session:{}", tokens.session_id))
            .await
            .unwrap();
        assert_eq!(exists, 0, "the Redis session key is gone");
        let member: bool = redis
            .sismember(
                format!("warden:user-sessions:{user_id}"),
                &tokens.session_id,
            )
            .await
            .unwrap();
        assert!(!member, "the per-user set no longer lists it");
        let (revoked, _) = tap
            .next::<SessionRevoked>(Duration::from_secs(10), |e| {
                e.session_id == tokens.session_id
            })
            .await
            .expect("SessionRevoked arrives on warden.events");
        assert_eq!(revoked.reason, RevocationReason::Logout as i32);
        assert_eq!(revoked.user_id, user_id);
    }
    warden.stop().await;
}

async fn session_service_and_password_change(backend: Backend) {
    let warden = start(backend).await;
    let mut auth = warden.auth().await;
    let mut sessions = warden.sessions().await;
    let email = unique_email();
    let user_id = auth
        .register(RegisterRequest {
            email: email.clone(),
            password: PASSWORD.into(),
            display_name: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .user_id;
    let a = login_as(&mut auth, &email).await;
    let b = login_as(&mut auth, &email).await;
    let c = login_as(&mut auth, &email).await;
    let (_, other) = register_and_login(&mut auth).await;

    let current = sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &a.access_token))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!(
        (current.session_id.as_str(), current.user_id.as_str()),
        (a.session_id.as_str(), user_id.as_str())
    );
    assert_eq!(current.auth_method, AuthMethod::Password as i32);
    let mine = sessions
        .list_sessions(bearer(ListSessionsRequest::default(), &a.access_token))
        .await
        .unwrap()
        .into_inner()
        .sessions;
    assert_eq!(mine.len(), 3);
    let listed: Vec<&str> = mine.iter().map(|s| s.session_id.as_str()).collect();
    assert_eq!(
        listed,
        [&c.session_id, &b.session_id, &a.session_id],
        "newest first"
    );
    // Each with its own last_seen_at (read for all in one go): as GetSession
    // shows it, one session at a time.
    for session in &mine {
        let alone = get_session(&mut sessions, &session.session_id, &a.access_token)
            .await
            .unwrap();
        assert!(session.last_seen_at.is_some());
        assert_eq!(session.last_seen_at, alone.last_seen_at);
    }
    get_session(&mut sessions, &b.session_id, &a.access_token)
        .await
        .unwrap();

    // Another user's sessions: PERMISSION_DENIED (admins arrive with roles); a missing one: NOT_FOUND.
    let err = sessions
        .list_sessions(bearer(
            ListSessionsRequest {
                user_id: user_id.clone(),
            },
            &other.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let err = get_session(&mut sessions, &a.session_id, &other.access_token)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let err = sessions
        .revoke_session(bearer(
            RevokeSessionRequest {
                session_id: a.session_id.clone(),
            },
            &other.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let err = get_session(&mut sessions, &"f".repeat(32), &a.access_token)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);

    // RevokeSession on one's own other session.
    sessions
        .revoke_session(bearer(
            RevokeSessionRequest {
                session_id: c.session_id.clone(),
            },
            &a.access_token,
        ))
        .await
        .unwrap();
    let err = sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &c.access_token))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "SESSION_REVOKED");

    // ChangePassword: wrong current password refused; then the other sessions end, the caller's stays.
    let err = auth
        .change_password(bearer(
            ChangePasswordRequest {
                current_password: "not it at all".into(),
                new_password: "a brand new passphrase".into(),
            },
            &a.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::Unauthenticated, "INVALID_CREDENTIALS")
    );
    let err = auth
        .change_password(bearer(
            ChangePasswordRequest {
                current_password: PASSWORD.into(),
                new_password: "short".into(),
            },
            &a.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let changed = auth
        .change_password(bearer(
            ChangePasswordRequest {
                current_password: PASSWORD.into(),
                new_password: "a brand new passphrase".into(),
            },
            &a.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        changed.revoked_sessions, 1,
        "session b ended (c was already gone)"
    );
    sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &a.access_token))
        .await
        .expect("the caller's session stays");
    let err = sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &b.access_token))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "SESSION_REVOKED");
    let err = auth
        .login(LoginRequest {
            email: email.clone(),
            password: PASSWORD.into(),
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "INVALID_CREDENTIALS");
    let d = auth
        .login(LoginRequest {
            email: email.clone(),
            password: "a brand new passphrase".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();

    // RevokeUserSessions keeping the caller's.
    let revoked = sessions
        .revoke_user_sessions(bearer(
            RevokeUserSessionsRequest {
                user_id: String::new(),
                except_session_id: d.session_id.clone(),
            },
            &d.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(revoked.revoked_count, 1, "session a");
    sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &d.access_token))
        .await
        .unwrap();
    warden.stop().await;
}

async fn api_keys(backend: Backend) {
    let warden = start(backend).await;
    let mut auth = warden.auth().await;
    let mut sessions = warden.sessions().await;
    let (user_id, tokens) = register_and_login(&mut auth).await;
    let created = auth
        .create_api_key(bearer(
            CreateApiKeyRequest {
                name: "deploy bot".into(),
                expires_at: None,
            },
            &tokens.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(
        created
            .api_key
            .starts_with(&format!("wdn_{}_", created.key_id)),
        "{}",
        created.api_key
    );

    let key_tokens = auth
        .login_with_api_key(LoginWithApiKeyRequest {
            api_key: created.api_key.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();
    let session = sessions
        .get_current_session(bearer(
            GetCurrentSessionRequest {},
            &key_tokens.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    assert_eq!(session.auth_method, AuthMethod::ApiKey as i32);
    assert_eq!(session.api_key_id, created.key_id);
    assert_eq!(session.user_id, user_id);

    let listed = auth
        .list_api_keys(bearer(ListApiKeysRequest {}, &tokens.access_token))
        .await
        .unwrap()
        .into_inner()
        .api_keys;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "deploy bot");
    assert_eq!(listed[0].prefix, format!("wdn_{}", created.key_id));
    assert!(listed[0].last_used_at.is_some());
    // The whole secret: it may hold `_` itself (URL-safe base64), so not the
    // part after the last one, which can be a character or two and then
    // turn up in the listing by chance.
    let secret = created
        .api_key
        .strip_prefix(&format!("wdn_{}_", created.key_id))
        .expect("wdn_<id>_<secret>");
    assert!(
        !format!("{listed:?}").contains(secret),
        "listings never carry the secret"
    );

    // Wrong secret, unknown key, malformed key: INVALID_API_KEY.
    for bad in [
        format!("{}x", &created.api_key[..created.api_key.len() - 1]),
        "wdn_0000000000000000_abc".into(),
        "nope".into(),
    ] {
        let err = auth
            .login_with_api_key(LoginWithApiKeyRequest { api_key: bad })
            .await
            .unwrap_err();
        assert_eq!(
            (err.code(), reason(&err).as_str()),
            (Code::Unauthenticated, "INVALID_API_KEY")
        );
    }
    // Someone else cannot revoke it.
    let (_, other) = register_and_login(&mut auth).await;
    let err = auth
        .revoke_api_key(bearer(
            RevokeApiKeyRequest {
                key_id: created.key_id.clone(),
            },
            &other.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);

    // Revoking the key ends its sessions and blocks logins.
    let revoked = auth
        .revoke_api_key(bearer(
            RevokeApiKeyRequest {
                key_id: created.key_id.clone(),
            },
            &tokens.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(revoked.revoked_sessions, 1);
    let err = sessions
        .get_current_session(bearer(
            GetCurrentSessionRequest {},
            &key_tokens.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "SESSION_REVOKED");
    let err = auth
        .login_with_api_key(LoginWithApiKeyRequest {
            api_key: created.api_key,
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "API_KEY_REVOKED");
    sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &tokens.access_token))
        .await
        .expect("the password session is untouched");

    // An expired key.
    let soon = std::time::SystemTime::now() + Duration::from_secs(1);
    let expiring = auth
        .create_api_key(bearer(
            CreateApiKeyRequest {
                name: "short-lived".into(),
                expires_at: Some(soon.into()),
            },
            &tokens.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let err = auth
        .login_with_api_key(LoginWithApiKeyRequest {
            api_key: expiring.api_key,
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "API_KEY_EXPIRED");
    let past = std::time::SystemTime::now() - Duration::from_secs(5);
    let err = auth
        .create_api_key(bearer(
            CreateApiKeyRequest {
                name: "x".into(),
                expires_at: Some(past.into()),
            },
            &tokens.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    warden.stop().await;
}

async fn idle_timeout(backend: Backend) {
    let warden =
        TestWarden::start_tuned(backend, |c| c.session_idle_timeout = Duration::from_secs(1)).await;
    let mut auth = warden.auth().await;
    let (_, tokens) = register_and_login(&mut auth).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let err = auth
        .refresh(RefreshRequest {
            refresh_token: tokens.refresh_token,
        })
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::Unauthenticated, "SESSION_EXPIRED")
    );
    let err = warden
        .sessions()
        .await
        .get_current_session(bearer(GetCurrentSessionRequest {}, &tokens.access_token))
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        "SESSION_REVOKED",
        "the idle session was ended"
    );
    warden.stop().await;
}

/// The `exp` claim of an access token (read, not verified: the server checks it).
fn exp_of(access_token: &str) -> i64 {
    use base64::Engine;
    let payload = access_token.split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    claims["exp"].as_i64().unwrap()
}

async fn session_lifetime_end(backend: Backend) {
    // Access tokens would last longer than the whole session.
    let warden = TestWarden::start_tuned(backend, |c| {
        c.session_lifetime = Duration::from_secs(3);
        c.access_token_ttl = Duration::from_secs(600);
    })
    .await;
    let mut auth = warden.auth().await;
    let mut sessions = warden.sessions().await;
    let (_, tokens) = register_and_login(&mut auth).await;
    let session = sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &tokens.access_token))
        .await
        .unwrap()
        .into_inner()
        .session
        .unwrap();
    let end = session.expires_at.unwrap().seconds;
    assert_eq!(
        exp_of(&tokens.access_token),
        end,
        "capped at the session's end"
    );
    assert!(
        tokens.expires_in <= 3,
        "expires_in says so: {}",
        tokens.expires_in
    );
    let refreshed = auth
        .refresh(RefreshRequest {
            refresh_token: tokens.refresh_token.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();
    assert_eq!(
        exp_of(&refreshed.access_token),
        end,
        "a refresh cannot extend it"
    );

    while std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        <= end
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Within the verifier's leeway the tokens still verify; their session is
    // gone because it ran out, not because anyone ended it.
    for token in [&tokens.access_token, &refreshed.access_token] {
        let err = sessions
            .get_current_session(bearer(GetCurrentSessionRequest {}, token))
            .await
            .unwrap_err();
        assert_eq!(
            (err.code(), reason(&err).as_str()),
            (Code::Unauthenticated, "SESSION_EXPIRED")
        );
    }
    warden.stop().await;
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Embedded).await; })*
        }
        mod real {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Real).await; })*
        }
    };
}

/// On Redis, the verification layer serves sessions from a cache: a session
/// ended through another replica, or straight in Redis, is refused here at
/// once all the same (Redis's invalidation messages), and one ended through
/// this replica before its call returns.
#[tokio::test]
async fn real_a_cached_session_ended_elsewhere_is_refused() {
    let warden = start(Backend::Real).await;
    let replica = warden.second().await;
    let mut auth = warden.auth().await;
    let mut elsewhere = replica.auth().await;
    let sessions = warden.sessions().await;
    let whoami = |token: String| {
        let mut sessions = sessions.clone();
        async move {
            sessions
                .get_current_session(bearer(GetCurrentSessionRequest {}, &token))
                .await
        }
    };
    let refused_within = |token: String| async move {
        let started = std::time::Instant::now();
        let refused = eventually(Duration::from_secs(2), || {
            let call = whoami(token.clone());
            async move { call.await.err() }
        })
        .await
        .expect("the ended session is refused");
        (refused, started.elapsed())
    };
    let enriched = |token: String| async move {
        eventually(Duration::from_secs(10), || {
            let call = whoami(token.clone());
            async move {
                call.await
                    .ok()
                    .and_then(|r| r.into_inner().session)
                    .filter(|s| s.enriched_at.is_some())
            }
        })
        .await
        .expect("the session is enriched");
    };

    // Calls are served from the cache: the session's key in Redis stays
    // unread (its idle time grows) while they go on.
    let (_, tokens) = register_and_login(&mut auth).await;
    enriched(tokens.access_token.clone()).await;
    let redis = redis_client().await;
    let key = format!("warden:session:{}", tokens.session_id);
    let idle = |redis: fred::prelude::Client, key: String| async move {
        let object =
            fred::types::CustomCommand::new("OBJECT", fred::types::ClusterHash::FirstKey, false);
        let idle: i64 =
            fred::interfaces::ClientLike::custom(&redis, object, vec!["IDLETIME".to_owned(), key])
                .await
                .expect("OBJECT IDLETIME");
        idle
    };
    let mut served_from_cache = false;
    for _ in 0..5 {
        for _ in 0..25 {
            whoami(tokens.access_token.clone()).await.unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if idle(redis.clone(), key.clone()).await >= 2 {
            served_from_cache = true;
            break;
        }
    }
    assert!(
        served_from_cache,
        "calls read the session from Redis each time"
    );

    // Ended through the other replica.
    elsewhere
        .logout(bearer(LogoutRequest {}, &tokens.access_token))
        .await
        .unwrap();
    let (err, took) = refused_within(tokens.access_token.clone()).await;
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::Unauthenticated, "SESSION_REVOKED")
    );
    println!("a logout on the other replica was refused here after {took:?}");

    // Deleted straight in Redis.
    let (_, tokens) = register_and_login(&mut auth).await;
    enriched(tokens.access_token.clone()).await;
    let _: i64 = redis
        .del(format!("warden:session:{}", tokens.session_id))
        .await
        .unwrap();
    let (err, took) = refused_within(tokens.access_token.clone()).await;
    assert_eq!(err.code(), Code::Unauthenticated);
    println!("a session deleted in Redis was refused after {took:?}");

    // Ended through this replica: refused on the very next call.
    let (_, tokens) = register_and_login(&mut auth).await;
    enriched(tokens.access_token.clone()).await;
    auth.logout(bearer(LogoutRequest {}, &tokens.access_token))
        .await
        .unwrap();
    let err = whoami(tokens.access_token.clone()).await.unwrap_err();
    assert_eq!(reason(&err), "SESSION_REVOKED");
    replica.stop().await;
    warden.stop().await;
}

on_both_backends!(
    refresh_rotation_grace_and_reuse,
    concurrent_refreshes_keep_one_session,
    logout,
    session_service_and_password_change,
    api_keys,
    idle_timeout,
    session_lifetime_end,
);

/// A session whose key Redis dropped (it expired) leaves the listing, and
/// the per-user index, the first time a listing finds it gone.
#[tokio::test]
async fn real_a_session_gone_from_redis_leaves_the_listing() {
    let warden = start(Backend::Real).await;
    let mut auth = warden.auth().await;
    let email = unique_email();
    let (user_id, gone) = register_and_login_as(&mut auth, &email).await;
    let kept = login_as(&mut auth, &email).await;
    let redis = redis_client().await;
    let index = format!("warden:user-sessions:{user_id}");
    let _: i64 = redis
        .del(format!("warden:session:{}", gone.session_id))
        .await
        .unwrap();
    let listed = warden
        .sessions()
        .await
        .list_sessions(bearer(ListSessionsRequest::default(), &kept.access_token))
        .await
        .unwrap()
        .into_inner()
        .sessions;
    let ids: Vec<&str> = listed.iter().map(|s| s.session_id.as_str()).collect();
    assert_eq!(ids, [kept.session_id.as_str()]);
    assert!(listed[0].last_seen_at.is_some());
    let member: bool = redis.sismember(&index, &gone.session_id).await.unwrap();
    assert!(!member, "the index no longer lists it");
    warden.stop().await;
}
