//! Bad input on Register and Login: clear errors, identical answers for
//! wrong password and unknown email, and nothing written.

use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;
use warden_e2e::{bearer, unique_email, Backend, TestWarden, PASSWORD};
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::auth::v1::{
    get_user_request, ChangePasswordRequest, GetUserRequest, ListUsersRequest, LoginRequest,
    RegisterRequest, UnlockUserRequest,
};

fn reason(status: &Status) -> String {
    status
        .get_error_details()
        .error_info()
        .map(|i| i.reason.clone())
        .unwrap_or_default()
}

fn violated_fields(status: &Status) -> Vec<String> {
    status
        .get_error_details()
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default()
}

fn register(email: &str, password: &str) -> RegisterRequest {
    RegisterRequest {
        email: email.into(),
        password: password.into(),
        display_name: String::new(),
    }
}

async fn run(backend: Backend) {
    let warden = TestWarden::start(backend).await;
    let mut auth = warden.auth().await;
    let email = unique_email();
    auth.register(register(&email, PASSWORD)).await.unwrap();

    // Wrong password and unknown email: the same code, reason, message and details.
    let wrong = auth
        .login(LoginRequest {
            email: email.clone(),
            password: "not the password".into(),
        })
        .await
        .unwrap_err();
    let unknown = auth
        .login(LoginRequest {
            email: unique_email(),
            password: "not the password".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Code::Unauthenticated);
    assert_eq!(reason(&wrong), "INVALID_CREDENTIALS");
    assert_eq!(
        (wrong.code(), wrong.message(), wrong.details()),
        (unknown.code(), unknown.message(), unknown.details())
    );

    // Duplicate registration, also in another letter case and with spaces.
    for dup in [email.clone(), email.to_uppercase(), format!("  {email} ")] {
        let err = auth.register(register(&dup, PASSWORD)).await.unwrap_err();
        assert_eq!(err.code(), Code::AlreadyExists, "{dup}");
        assert_eq!(reason(&err), "EMAIL_TAKEN");
    }
    // Login accepts any letter case of the email.
    auth.login(LoginRequest {
        email: email.to_uppercase(),
        password: PASSWORD.into(),
    })
    .await
    .unwrap();

    // Malformed input: INVALID_ARGUMENT with field violations, nothing written.
    let fresh = unique_email();
    let cases: Vec<(RegisterRequest, Vec<&str>)> = vec![
        (register("not-an-email", PASSWORD), vec!["email"]),
        (register(&fresh, "short"), vec!["password"]),
        (register(&fresh, &"x".repeat(1025)), vec!["password"]),
        (register(&fresh, &"x".repeat(1 << 20)), vec!["password"]),
        (register("", ""), vec!["email", "password"]),
        (
            RegisterRequest {
                email: fresh.clone(),
                password: PASSWORD.into(),
                display_name: "x".repeat(201),
            },
            vec!["display_name"],
        ),
    ];
    for (request, fields) in cases {
        let err = auth.register(request).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(reason(&err), "INVALID_ARGUMENT");
        assert_eq!(violated_fields(&err), fields);
    }
    // Nothing was written for `fresh`: it can still register, and a 64-character password is accepted.
    let long = "p".repeat(64);
    auth.register(register(&fresh, &long))
        .await
        .expect("fresh email is still free");
    auth.login(LoginRequest {
        email: fresh,
        password: long,
    })
    .await
    .unwrap();

    for (request, fields) in [
        (
            LoginRequest {
                email: String::new(),
                password: String::new(),
            },
            vec!["email", "password"],
        ),
        (
            LoginRequest {
                email: email.clone(),
                password: "x".repeat(1025),
            },
            vec!["password"],
        ),
    ] {
        let err = auth.login(request).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&err), fields);
    }
    warden.stop().await;
}

#[tokio::test]
async fn embedded_rejects_bad_credentials_and_input() {
    run(Backend::Embedded).await;
}

#[tokio::test]
async fn real_backends_reject_bad_credentials_and_input() {
    run(Backend::Real).await;
}

/// `times` logins of `email` with a wrong password, each refused as such.
async fn wrong_passwords(auth: &mut AuthServiceClient<Channel>, email: &str, times: usize) {
    for _ in 0..times {
        let wrong = LoginRequest {
            email: email.into(),
            password: "not the password".into(),
        };
        let err = auth.login(wrong).await.unwrap_err();
        assert_eq!(reason(&err), "INVALID_CREDENTIALS");
    }
}

/// After `max_failed_logins` wrong passwords an account's logins are refused
/// before any check, the right password too, with when to retry; other
/// accounts, and unknown emails alike, are counted each on their own.
async fn failed_logins_are_limited(backend: Backend) {
    let (warden, admin) = TestWarden::start_with_admin(backend, |c| c.max_failed_logins = 3).await;
    let mut auth = warden.auth().await;
    let (victim, other) = (unique_email(), unique_email());
    let mut ids = Vec::new();
    for email in [&victim, &other] {
        let registered = auth.register(register(email, PASSWORD)).await.unwrap();
        ids.push(registered.into_inner().user_id);
    }
    let victim_id = ids[0].clone();
    let login = |email: &str, password: &str| LoginRequest {
        email: email.into(),
        password: password.into(),
    };
    // Two failures, then a success: the count starts again.
    wrong_passwords(&mut auth, &victim, 2).await;
    let victim_login = auth.login(login(&victim, PASSWORD)).await.unwrap();
    let token = victim_login.into_inner().tokens.unwrap().access_token;
    wrong_passwords(&mut auth, &victim, 3).await;
    // The limit: refused, the right password too (nothing is checked).
    let err = auth.login(login(&victim, PASSWORD)).await.unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::ResourceExhausted, "TOO_MANY_ATTEMPTS")
    );
    let retry = err
        .get_error_details()
        .retry_info()
        .and_then(|r| r.retry_delay);
    let retry = retry.expect("RetryInfo with a delay");
    assert!((1..=60).contains(&retry.as_secs()), "{retry:?}");
    // Guessing the current password with the account's token counts the same.
    let change = ChangePasswordRequest {
        current_password: PASSWORD.into(),
        new_password: "a brand new passphrase".into(),
    };
    let err = auth
        .change_password(bearer(change, &token))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "TOO_MANY_ATTEMPTS");
    // Other accounts log in; an unknown email is refused as any wrong one,
    // then limited the same way, so the limit tells nothing of who exists.
    auth.login(login(&other, PASSWORD)).await.unwrap();
    let nobody = unique_email();
    wrong_passwords(&mut auth, &nobody, 3).await;
    let err = auth.login(login(&nobody, PASSWORD)).await.unwrap_err();
    assert_eq!(reason(&err), "TOO_MANY_ATTEMPTS");
    let second = match backend {
        Backend::Real => {
            // Counted in Redis: a second server sharing it refuses the account
            // too, so more servers do not mean more guesses.
            let second = warden.second().await;
            let mut auth = second.auth().await;
            let err = auth.login(login(&victim, PASSWORD)).await.unwrap_err();
            assert_eq!(reason(&err), "TOO_MANY_ATTEMPTS");
            auth.login(login(&other, PASSWORD)).await.unwrap();
            Some(second)
        }
        Backend::Embedded => None,
    };

    // An administrator unlocks the account: its owner logs in at once.
    let unlock = |user_id: &str, token: &str| {
        bearer(
            UnlockUserRequest {
                user_id: user_id.into(),
            },
            token,
        )
    };
    let other_token = auth
        .login(login(&other, PASSWORD))
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap()
        .access_token;
    let err = auth
        .unlock_user(unlock(&victim_id, &other_token))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "unlocking needs admin");
    let err = auth
        .unlock_user(unlock("no-such-user", &admin.access_token))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    let err = auth
        .unlock_user(unlock("", &admin.access_token))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let err = auth.login(login(&victim, PASSWORD)).await.unwrap_err();
    assert_eq!(
        reason(&err),
        "TOO_MANY_ATTEMPTS",
        "refusals changed nothing"
    );
    let reader = auth.clone();
    let refused_until = |token: String| {
        let mut auth = reader.clone();
        let victim_id = victim_id.clone();
        async move {
            let request = GetUserRequest {
                user: Some(get_user_request::User::UserId(victim_id)),
            };
            auth.get_user(bearer(request, &token))
                .await
                .unwrap()
                .into_inner()
                .user
                .unwrap()
                .login_refused_until
        }
    };
    let until = refused_until(admin.access_token.clone())
        .await
        .expect("GetUser shows the refusal");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (now..=now + 61).contains(&until.seconds),
        "{until:?} against {now}"
    );
    // ListUsers shows it too (its page's counts are read in one go): on the
    // victim only.
    let listed_refusals = |token: String| {
        let mut auth = reader.clone();
        async move {
            let mut refused = std::collections::HashMap::new();
            let mut page_token = String::new();
            loop {
                let request = ListUsersRequest {
                    page_size: 2,
                    page_token,
                };
                let page = auth
                    .list_users(bearer(request, &token))
                    .await
                    .unwrap()
                    .into_inner();
                for user in page.users {
                    refused.insert(user.email, user.login_refused_until);
                }
                if page.next_page_token.is_empty() {
                    return refused;
                }
                page_token = page.next_page_token;
            }
        }
    };
    let listed = listed_refusals(admin.access_token.clone()).await;
    let listed_until = listed[&victim].expect("ListUsers shows the refusal");
    assert!(
        (until.seconds - listed_until.seconds).abs() <= 1,
        "{listed_until:?} against GetUser's {until:?}"
    );
    assert_eq!(listed[&other], None, "and nothing for the others");
    auth.unlock_user(unlock(&victim_id, &admin.access_token))
        .await
        .unwrap();
    assert_eq!(refused_until(admin.access_token.clone()).await, None);
    let listed = listed_refusals(admin.access_token.clone()).await;
    assert_eq!(listed[&victim], None, "unlocked in ListUsers too");
    match &second {
        // Unlocked on every server sharing the count.
        Some(second) => second.auth().await.login(login(&victim, PASSWORD)).await,
        None => auth.login(login(&victim, PASSWORD)).await,
    }
    .expect("the unlocked account logs in");
}

#[tokio::test]
async fn embedded_failed_logins_are_limited() {
    failed_logins_are_limited(Backend::Embedded).await;
}

#[tokio::test]
async fn real_backends_failed_logins_are_limited() {
    failed_logins_are_limited(Backend::Real).await;
}
