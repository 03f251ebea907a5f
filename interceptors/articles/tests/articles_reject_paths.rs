//! Every way the verification layer refuses an access token, seen through a
//! separate `articles` process (mirrors `tests/tests/reject_paths.rs`): each is
//! UNAUTHENTICATED with a stable reason, and the process keeps serving. Run
//! with sessions from Redis (real backends) and from `SessionService` with
//! keys over HTTP (embedded Warden).

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{spawn_articles, wait_for_enrichment_consumer, Wiring};
use jsonwebtoken::{Algorithm, Header};
use serde_json::json;
use tonic::Code;
use warden_articles::pb::ListMyArticlesRequest;
use warden_e2e::{amqp_url, bearer, reason, redis_url, register_and_login, Backend, TestWarden};
use warden_proto::auth::v1::{CreateApiKeyRequest, GetJwksRequest};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// An HS256 token whose HMAC key is `secret` (the algorithm-confusion attack).
fn hs256(kid: &str, claims: &serde_json::Value, secret: &[u8]) -> String {
    let header =
        URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "typ": "at+jwt", "kid": kid}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    let tag = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret),
        input.as_bytes(),
    );
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag))
}

async fn run(backend: Backend) {
    let warden = TestWarden::start(backend).await;
    wait_for_enrichment_consumer(&warden).await;
    let wiring = match backend {
        Backend::Real => Wiring {
            redis_url: Some(redis_url()),
            amqp_url: Some(amqp_url()),
            ..Default::default()
        },
        Backend::Embedded => Wiring {
            http_jwks: true,
            ..Default::default()
        },
    };
    let process = spawn_articles(&warden, &wiring).await;
    let mut articles = process.client().await;
    let mut auth = warden.auth().await;
    let (user_id, tokens) = register_and_login(&mut auth).await;
    let jwks = auth.get_jwks(GetJwksRequest {}).await.unwrap().into_inner();
    let kid = jwks.keys[0].kid.clone();
    let api_key = auth
        .create_api_key(bearer(
            CreateApiKeyRequest {
                name: "ci".into(),
                expires_at: None,
            },
            &tokens.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .api_key;

    let t = now();
    let claims = |over: serde_json::Value| {
        let mut base = json!({
            "iss": "warden", "aud": "warden", "sub": user_id, "sid": tokens.session_id,
            "iat": t, "nbf": t, "exp": t + 600, "jti": "forged"
        });
        for (k, v) in over.as_object().unwrap() {
            base[k] = v.clone();
        }
        base
    };
    let at_jwt = |alg| {
        let mut h = Header::new(alg);
        h.typ = Some("at+jwt".into());
        h
    };
    // A correctly signed token with our own claims is accepted: the forging works.
    let good = warden.sign_with_server_key(&at_jwt(Algorithm::EdDSA), &claims(json!({})));
    articles
        .list_my_articles(bearer(ListMyArticlesRequest {}, &good))
        .await
        .expect("a well-formed token passes");

    let parts: Vec<&str> = tokens.access_token.split('.').collect();
    let none_token = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "at+jwt", "kid": kid}).to_string()),
        parts[1]
    );
    let mut tampered_claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    tampered_claims["sub"] = json!("someone-else");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(tampered_claims.to_string()),
        parts[2]
    );
    let public_key = URL_SAFE_NO_PAD.decode(&jwks.keys[0].x).unwrap();
    let mut wrong_typ = at_jwt(Algorithm::EdDSA);
    wrong_typ.typ = Some("JWT".into());
    let mut unknown_kid = at_jwt(Algorithm::EdDSA);
    unknown_kid.kid = Some("not-a-published-key".into());
    let signed = |over| warden.sign_with_server_key(&at_jwt(Algorithm::EdDSA), &claims(over));

    let cases: Vec<(&str, Option<String>, &str)> = vec![
        ("no token", None, "MISSING_TOKEN"),
        ("garbage", Some("garbage".into()), "MALFORMED_TOKEN"),
        ("alg none", Some(none_token), "UNSUPPORTED_ALGORITHM"),
        (
            "HS256 keyed with the public key",
            Some(hs256(&kid, &claims(json!({})), &public_key)),
            "UNSUPPORTED_ALGORITHM",
        ),
        (
            "HS256 keyed with the JWKS text",
            Some(hs256(&kid, &claims(json!({})), jwks.jwks_json.as_bytes())),
            "UNSUPPORTED_ALGORITHM",
        ),
        (
            "unknown kid",
            Some(warden.sign_with_server_key(&unknown_kid, &claims(json!({})))),
            "UNKNOWN_KEY",
        ),
        ("tampered payload", Some(tampered), "INVALID_SIGNATURE"),
        (
            "expired",
            Some(signed(
                json!({"exp": t - 120, "iat": t - 700, "nbf": t - 700}),
            )),
            "TOKEN_EXPIRED",
        ),
        (
            "not yet valid",
            Some(signed(json!({"nbf": t + 300}))),
            "TOKEN_NOT_YET_VALID",
        ),
        (
            "wrong iss",
            Some(signed(json!({"iss": "evil"}))),
            "INVALID_ISSUER",
        ),
        (
            "wrong aud",
            Some(signed(json!({"aud": "other"}))),
            "INVALID_AUDIENCE",
        ),
        (
            "wrong typ",
            Some(warden.sign_with_server_key(&wrong_typ, &claims(json!({})))),
            "INVALID_TOKEN_TYPE",
        ),
        (
            "unknown session",
            Some(signed(json!({"sid": "0".repeat(32)}))),
            "SESSION_REVOKED",
        ),
        (
            "session of another user",
            Some(signed(json!({"sub": "someone-else"}))),
            "SESSION_REVOKED",
        ),
        (
            "refresh token as access token",
            Some(tokens.refresh_token.clone()),
            "MALFORMED_TOKEN",
        ),
        ("api key as access token", Some(api_key), "MALFORMED_TOKEN"),
        (
            "64 KiB metadata value",
            Some("a".repeat(64 * 1024)),
            "MALFORMED_TOKEN",
        ),
    ];
    for (name, token, expected) in cases {
        let request = match &token {
            Some(token) => bearer(ListMyArticlesRequest {}, token),
            None => tonic::Request::new(ListMyArticlesRequest {}),
        };
        let err = articles.list_my_articles(request).await.expect_err(name);
        assert_eq!(err.code(), Code::Unauthenticated, "{name}: {err:?}");
        assert_eq!(reason(&err), expected, "{name}");
    }

    // Identity-looking metadata from the client is stripped, and a 64 KiB
    // value elsewhere does not break a valid call.
    let mut req = bearer(ListMyArticlesRequest {}, &tokens.access_token);
    req.metadata_mut()
        .insert("x-warden-user-id", "admin".parse().unwrap());
    req.metadata_mut()
        .insert("x-padding", "p".repeat(64 * 1024).parse().unwrap());
    articles.list_my_articles(req).await.expect("still serving");
    // Health and reflection stay open.
    let channel = tonic::transport::Channel::from_shared(format!("http://{}", process.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let health = tonic_health::pb::health_client::HealthClient::new(channel)
        .check(tonic_health::pb::HealthCheckRequest {
            service: "warden.articles.v1.ArticleService".into(),
        })
        .await
        .expect("health is open")
        .into_inner();
    assert_eq!(
        health.status(),
        tonic_health::pb::health_check_response::ServingStatus::Serving
    );
    process.stop().await;
    warden.stop().await;
}

#[tokio::test]
async fn embedded_warden_session_service_source_reject_paths() {
    run(Backend::Embedded).await;
}

#[tokio::test]
async fn real_backends_redis_source_reject_paths() {
    run(Backend::Real).await;
}
