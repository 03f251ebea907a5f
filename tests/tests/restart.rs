//! A restart of the embedded default keeps users and the signing key.

use warden_e2e::{login_as, register_and_login, Backend, TestWarden, PASSWORD};
use warden_proto::auth::v1::{GetJwksRequest, RegisterRequest};

#[tokio::test]
async fn restart_keeps_users_and_the_signing_key() {
    let warden = TestWarden::start(Backend::Embedded).await;
    let mut auth = warden.auth().await;
    let email = warden_e2e::unique_email();
    auth.register(RegisterRequest {
        email: email.clone(),
        password: PASSWORD.into(),
        display_name: String::new(),
    })
    .await
    .unwrap();
    let kid_before = auth
        .get_jwks(GetJwksRequest {})
        .await
        .unwrap()
        .into_inner()
        .keys[0]
        .kid
        .clone();
    let (_, before) = register_and_login(&mut auth).await;
    let (config, dir) = warden.stop().await;

    let warden = TestWarden::start_with(config, dir).await;
    let mut auth = warden.auth().await;
    let jwks = auth.get_jwks(GetJwksRequest {}).await.unwrap().into_inner();
    assert_eq!(jwks.keys.len(), 1, "no second key was generated");
    assert_eq!(
        jwks.keys[0].kid, kid_before,
        "the signing key survived the restart"
    );
    // The user survived the restart.
    let tokens = login_as(&mut auth, &email).await;
    let kid_of = |t: &str| {
        let header = t.split('.').next().unwrap();
        use base64::Engine;
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&json).unwrap()["kid"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(kid_of(&tokens.access_token), kid_of(&before.access_token));
    let mode = std::fs::metadata(
        warden
            .data_dir()
            .join("keys")
            .join(format!("{kid_before}.pem")),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        mode.permissions().mode() & 0o777,
        0o600,
        "the private key is readable by its owner only"
    );
    warden.stop().await;
}
