//! Bad input on Register and Login: clear errors, identical answers for
//! wrong password and unknown email, and nothing written.

use tonic::{Code, Status};
use tonic_types::StatusExt;
use warden_e2e::{unique_email, Backend, TestWarden, PASSWORD};
use warden_proto::auth::v1::{LoginRequest, RegisterRequest};

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
