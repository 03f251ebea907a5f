//! Signing-key rotation with outstanding tokens: the next key is published
//! before it signs, tokens of the previous key verify until they expire, and
//! after the retention window the old key leaves the JWKS. Two servers
//! sharing the key directory agree.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use tonic::Code;
use warden_e2e::{bearer, eventually, reason, register_and_login, Backend, TestWarden};
use warden_proto::auth::v1::{GetJwksRequest, Tokens};
use warden_proto::session::v1::GetCurrentSessionRequest;
use warden_server::keys::{rotate, SigningAlgorithm};

fn kid_of(tokens: &Tokens) -> String {
    let header = tokens.access_token.split('.').next().unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    json["kid"].as_str().unwrap().to_owned()
}

async fn rotation_with_outstanding_tokens(backend: Backend) {
    let retention = Duration::from_secs(10);
    let tune = |c: &mut warden_server::config::Config| {
        c.access_token_ttl = Duration::from_secs(10);
        c.key_retention = retention;
        c.token_leeway = Duration::from_secs(30);
    };
    let first = TestWarden::start_tuned(backend, tune).await;
    // A second server sharing the key directory (and, on real backends, the
    // database and Redis, so it serves the first one's sessions too).
    let (mut config, dir) = TestWarden::config(backend).await;
    tune(&mut config);
    config.key_dir = first.config.key_dir.clone();
    config.database_url = first.config.database_url.clone();
    let second = TestWarden::start_with(config, Some(dir)).await;

    let mut auth = first.auth().await;
    let (_, old_tokens) = register_and_login(&mut auth).await;
    let old_kid = kid_of(&old_tokens);

    // Publish a next key that signs in 3 seconds.
    let next = rotate(
        &first.config.key_dir,
        SigningAlgorithm::Es256,
        Duration::from_secs(3),
    )
    .unwrap();
    for server in [&first, &second] {
        let mut auth = server.auth().await;
        let published = eventually(Duration::from_secs(10), || {
            let mut auth = auth.clone();
            async move {
                let jwks = auth.get_jwks(GetJwksRequest {}).await.unwrap().into_inner();
                (jwks.keys.len() == 2).then_some(jwks)
            }
        })
        .await
        .expect("the next key is published");
        let kids: Vec<_> = published.keys.iter().map(|k| k.kid.clone()).collect();
        assert_eq!(
            kids,
            [old_kid.clone(), next.kid.clone()],
            "current first, then next"
        );
        let (_, tokens) = register_and_login(&mut auth).await;
        assert_eq!(
            kid_of(&tokens),
            old_kid,
            "the next key does not sign before its activation"
        );
    }

    // After activation new tokens carry the new kid, on both servers.
    let new_tokens = eventually(Duration::from_secs(15), || {
        let mut auth = auth.clone();
        let kid = next.kid.clone();
        async move {
            let (_, tokens) = register_and_login(&mut auth).await;
            (kid_of(&tokens) == kid).then_some(tokens)
        }
    })
    .await
    .expect("the next key is promoted");
    let second_auth = second.auth().await;
    let agreed = eventually(Duration::from_secs(10), || {
        let mut auth = second_auth.clone();
        let kid = next.kid.clone();
        async move {
            let (_, tokens) = register_and_login(&mut auth).await;
            (kid_of(&tokens) == kid).then_some(())
        }
    })
    .await;
    assert!(agreed.is_some(), "the second server promotes the same key");
    let header: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(new_tokens.access_token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "ES256");

    // Old and new tokens both verify; the JWKS lists both keys.
    let mut sessions = first.sessions().await;
    sessions
        .get_current_session(bearer(
            GetCurrentSessionRequest {},
            &old_tokens.access_token,
        ))
        .await
        .expect("old-key token still verifies");
    sessions
        .get_current_session(bearer(
            GetCurrentSessionRequest {},
            &new_tokens.access_token,
        ))
        .await
        .expect("new-key token verifies");
    let jwks = auth.get_jwks(GetJwksRequest {}).await.unwrap().into_inner();
    assert_eq!(
        jwks.keys.iter().map(|k| k.kid.clone()).collect::<Vec<_>>(),
        [next.kid.clone(), old_kid.clone()]
    );

    // After the retention window the old key leaves the JWKS and its tokens stop verifying.
    let retired = eventually(retention + Duration::from_secs(10), || {
        let mut auth = auth.clone();
        async move {
            let jwks = auth.get_jwks(GetJwksRequest {}).await.unwrap().into_inner();
            (jwks.keys.len() == 1).then_some(jwks)
        }
    })
    .await
    .expect("the retired key leaves the JWKS");
    assert_eq!(retired.keys[0].kid, next.kid);
    let err = sessions
        .get_current_session(bearer(
            GetCurrentSessionRequest {},
            &old_tokens.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::Unauthenticated, "UNKNOWN_KEY")
    );
    // The second server re-reads the key directory on its own clock (every 2 s).
    let agreed = eventually(Duration::from_secs(10), || {
        let mut auth = second_auth.clone();
        let expected = retired.jwks_json.clone();
        async move {
            let jwks = auth.get_jwks(GetJwksRequest {}).await.unwrap().into_inner();
            (jwks.jwks_json == expected).then_some(())
        }
    })
    .await;
    assert!(agreed.is_some(), "both servers publish the same key set");
    first.stop().await;
    second.stop().await;
}

#[tokio::test]
async fn embedded_rotation_with_outstanding_tokens() {
    rotation_with_outstanding_tokens(Backend::Embedded).await;
}

#[tokio::test]
async fn real_backends_rotation_with_outstanding_tokens() {
    rotation_with_outstanding_tokens(Backend::Real).await;
}
