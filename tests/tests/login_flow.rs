//! Steps 1-6 end to end: register, log in, verify the JWT independently
//! against the JWKS, find the session in the store and `SessionCreated` on the
//! bus, on the embedded default and on real PostgreSQL + Redis + RabbitMQ.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};
use fred::interfaces::{KeysInterface, SetsInterface};
use serde_json::Value;
use warden_e2e::{http_get, redis_client, register_and_login, Backend, EventTap, TestWarden};
use warden_proto::auth::v1::{GetJwksRequest, Jwk, Tokens};
use warden_proto::events::v1::SessionCreated;
use warden_proto::session::v1::AuthMethod;

/// Verifies an EdDSA JWT with ed25519-dalek, independently of the server's
/// JWT library, and returns its header and claims.
fn verify_independently(token: &str, keys: &[Jwk]) -> (Value, Value) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(
        parts.len(),
        3,
        "a JWS compact serialization has three parts"
    );
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    let kid = header["kid"].as_str().expect("kid header");
    let jwk = keys
        .iter()
        .find(|k| k.kid == kid)
        .expect("the token's kid is in the JWKS");
    assert_eq!(jwk.kty, "OKP");
    assert_eq!(jwk.crv, "Ed25519");
    assert_eq!(jwk.alg, "EdDSA");
    let public: [u8; 32] = URL_SAFE_NO_PAD.decode(&jwk.x).unwrap().try_into().unwrap();
    let key = VerifyingKey::from_bytes(&public).unwrap();
    let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).unwrap();
    let signing_input = format!("{}.{}", parts[0], parts[1]);
    key.verify_strict(signing_input.as_bytes(), &signature)
        .expect("signature verifies against the JWKS key");
    let mut tampered = signing_input.clone().into_bytes();
    tampered[parts[0].len() + 5] ^= 1;
    assert!(
        key.verify_strict(&tampered, &signature).is_err(),
        "a changed payload must not verify"
    );
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    (header, claims)
}

async fn check_tokens(warden: &TestWarden, user_id: &str, tokens: &Tokens) {
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, 900);
    assert_eq!(tokens.user_id, user_id);
    assert!(tokens.refresh_token.starts_with("wrt_"));
    // 32 random bytes, base64url, after the session id.
    let secret = tokens.refresh_token.rsplit_once('.').unwrap().1;
    assert_eq!(URL_SAFE_NO_PAD.decode(secret).unwrap().len(), 32);

    let jwks = warden
        .auth()
        .await
        .get_jwks(GetJwksRequest {})
        .await
        .unwrap()
        .into_inner();
    let (header, claims) = verify_independently(&tokens.access_token, &jwks.keys);
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(claims["iss"], "warden");
    assert_eq!(claims["aud"], "warden");
    assert_eq!(claims["sub"], user_id);
    assert_eq!(claims["sid"], tokens.session_id.as_str());
    let iat = claims["iat"].as_u64().unwrap();
    assert_eq!(claims["nbf"].as_u64().unwrap(), iat);
    assert_eq!(claims["exp"].as_u64().unwrap(), iat + 900);
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));

    // The HTTP JWKS is the same document as GetJwks.jwks_json.
    let (status, body) = http_get(&warden.http_base(), "/.well-known/jwks.json").await;
    assert_eq!(status, 200);
    let http_jwks: Value = serde_json::from_str(&body).unwrap();
    let grpc_jwks: Value = serde_json::from_str(&jwks.jwks_json).unwrap();
    assert_eq!(http_jwks, grpc_jwks);
    assert_eq!(http_jwks["keys"][0]["kid"], header["kid"]);
}

#[tokio::test]
async fn embedded_register_login_and_verify_the_token() {
    let warden = TestWarden::start(Backend::Embedded).await;
    let (user_id, tokens) = register_and_login(&mut warden.auth().await).await;
    check_tokens(&warden, &user_id, &tokens).await;
    let (status, body) = http_get(&warden.http_base(), "/healthz").await;
    assert_eq!((status, body.trim()), (200, "ok"));
    // gRPC health answers for the server and for each of its services.
    let mut health = tonic_health::pb::health_client::HealthClient::new(warden.channel().await);
    for service in [
        "",
        "warden.auth.v1.AuthService",
        "warden.session.v1.SessionService",
        "warden.authz.v1.AuthzService",
    ] {
        let status = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner()
            .status;
        assert_eq!(
            status,
            tonic_health::pb::health_check_response::ServingStatus::Serving as i32,
            "{service:?}"
        );
    }
    let unknown = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "warden.nope.v1.Nope".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);
    let (status, metrics) = http_get(&warden.http_base(), "/metrics").await;
    assert_eq!(status, 200);
    assert!(
        metrics.contains("warden_logins_total{result=\"success\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("method=\"/warden.auth.v1.AuthService/Login\""),
        "{metrics}"
    );
    warden.stop().await;
}

#[tokio::test]
async fn real_backends_store_the_session_in_redis_and_publish_session_created() {
    // Bind a queue before logging in so the event has somewhere to go.
    let mut created = EventTap::bind("session.created").await;

    let warden = TestWarden::start(Backend::Real).await;
    let (user_id, tokens) = register_and_login(&mut warden.auth().await).await;
    check_tokens(&warden, &user_id, &tokens).await;

    // The session in Redis, in the DESIGN.md layout.
    let redis = redis_client().await;
    let key = format!("warden:session:{}", tokens.session_id);
    let json: String = redis.get(&key).await.unwrap();
    let raw: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        raw["sessionId"],
        tokens.session_id.as_str(),
        "canonical proto3 JSON uses lowerCamelCase: {json}"
    );
    assert_eq!(raw["userId"], user_id.as_str());
    assert_eq!(raw["authMethod"], "AUTH_METHOD_PASSWORD");
    assert!(raw.get("enrichedAt").is_none(), "not enriched yet");
    let session =
        warden_proto::session_json::from_json(&json).expect("parses as warden.session.v1.Session");
    assert_eq!(session.user_id, user_id);
    assert_eq!(session.auth_method, AuthMethod::Password as i32);
    let ttl: i64 = redis.ttl(&key).await.unwrap();
    let lifetime = session.expires_at.unwrap().seconds - session.created_at.unwrap().seconds;
    assert!(
        ttl > lifetime - 60 && ttl <= lifetime,
        "TTL {ttl} is the remaining lifetime {lifetime}"
    );
    let member: bool = redis
        .sismember(
            format!("warden:user-sessions:{user_id}"),
            &tokens.session_id,
        )
        .await
        .unwrap();
    assert!(member, "the session id is in the per-user set");

    // SessionCreated on warden.events, with the AMQP properties of DESIGN.md.
    let event = created
        .next::<SessionCreated>(Duration::from_secs(10), |e| {
            e.session_id == tokens.session_id
        })
        .await
        .expect("SessionCreated arrives within 10 s");
    let (event, props) = event;
    assert_eq!(event.user_id, user_id);
    assert_eq!(
        props.kind().as_ref().map(|s| s.as_str()),
        Some("warden.events.v1.SessionCreated")
    );
    assert_eq!(
        props.message_id().as_ref().map(|s| s.as_str()),
        Some(event.event_id.as_str())
    );
    assert_eq!(
        props.content_type().as_ref().map(|s| s.as_str()),
        Some("application/protobuf")
    );
    assert_eq!(*props.delivery_mode(), Some(2), "persistent delivery");
    warden.stop().await;
}
