//! Every way an access token is refused by Warden's verification layer: each
//! is UNAUTHENTICATED with a stable reason, and the server keeps serving.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, Header};
use serde_json::json;
use tonic::Code;
use warden_e2e::{bearer, reason, register_and_login, Backend, TestWarden};
use warden_proto::auth::v1::{CreateApiKeyRequest, GetJwksRequest};
use warden_proto::session::v1::GetCurrentSessionRequest;

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
    let mut auth = warden.auth().await;
    let mut sessions = warden.sessions().await;
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
    sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, &good))
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

    let cases: Vec<(&str, Option<String>, &str)> =
        vec![
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
                Some(warden.sign_with_server_key(
                    &at_jwt(Algorithm::EdDSA),
                    &claims(json!({"exp": t - 120, "iat": t - 700, "nbf": t - 700})),
                )),
                "TOKEN_EXPIRED",
            ),
            (
                "not yet valid",
                Some(warden.sign_with_server_key(
                    &at_jwt(Algorithm::EdDSA),
                    &claims(json!({"nbf": t + 300})),
                )),
                "TOKEN_NOT_YET_VALID",
            ),
            (
                "wrong iss",
                Some(warden.sign_with_server_key(
                    &at_jwt(Algorithm::EdDSA),
                    &claims(json!({"iss": "evil"})),
                )),
                "INVALID_ISSUER",
            ),
            (
                "wrong aud",
                Some(warden.sign_with_server_key(
                    &at_jwt(Algorithm::EdDSA),
                    &claims(json!({"aud": "other"})),
                )),
                "INVALID_AUDIENCE",
            ),
            (
                "wrong typ",
                Some(warden.sign_with_server_key(&wrong_typ, &claims(json!({})))),
                "INVALID_TOKEN_TYPE",
            ),
            (
                "unknown session",
                Some(warden.sign_with_server_key(
                    &at_jwt(Algorithm::EdDSA),
                    &claims(json!({"sid": "0".repeat(32)})),
                )),
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
    // Tokens whose header or payload JSON is written out by hand, signed with
    // the server's own key: only the point under test is wrong.
    let header = |extra: &str| format!(r#"{{"alg":"EdDSA","typ":"at+jwt","kid":"{kid}"{extra}}}"#);
    let payload_without = |claim: &str| {
        let mut c = claims(json!({}));
        c.as_object_mut().unwrap().remove(claim);
        c.to_string()
    };
    let good_payload = claims(json!({})).to_string();
    let raw = |header: &str, payload: &str| warden.sign_raw_with_server_key(header, payload);
    let mut cases = cases;
    cases.extend([
        (
            "no kid",
            Some(raw(r#"{"alg":"EdDSA","typ":"at+jwt"}"#, &good_payload)),
            "UNKNOWN_KEY",
        ),
        (
            "ES256 named on the EdDSA key",
            Some(raw(
                &format!(r#"{{"alg":"ES256","typ":"at+jwt","kid":"{kid}"}}"#),
                &good_payload,
            )),
            "UNSUPPORTED_ALGORITHM",
        ),
        (
            "RS256 named on the EdDSA key",
            Some(raw(
                &format!(r#"{{"alg":"RS256","typ":"at+jwt","kid":"{kid}"}}"#),
                &good_payload,
            )),
            "UNSUPPORTED_ALGORITHM",
        ),
        (
            "a critical extension",
            Some(raw(&header(r#","crit":["exp"]"#), &good_payload)),
            "MALFORMED_TOKEN",
        ),
        (
            "unencoded payload (b64 false)",
            Some(raw(
                &header(r#","crit":["b64"],"b64":false"#),
                &good_payload,
            )),
            "MALFORMED_TOKEN",
        ),
        (
            "duplicate key in the header",
            Some(raw(&header(r#","kid":"other""#), &good_payload)),
            "MALFORMED_TOKEN",
        ),
        (
            "duplicate key in the payload",
            Some(raw(
                &header(""),
                &good_payload.replacen('{', r#"{"sub":"someone-else","#, 1),
            )),
            "MALFORMED_TOKEN",
        ),
        (
            "issued in the future",
            Some(raw(
                &header(""),
                &claims(json!({"iat": t + 3600})).to_string(),
            )),
            "TOKEN_NOT_YET_VALID",
        ),
        (
            "signature stripped",
            Some(format!("{}.{}.", parts[0], parts[1])),
            "INVALID_SIGNATURE",
        ),
        (
            "signature of another token",
            Some(format!(
                "{}.{}.{}",
                parts[0],
                parts[1],
                good.split('.').nth(2).unwrap()
            )),
            "INVALID_SIGNATURE",
        ),
    ]);
    for claim in ["iss", "aud", "sub", "sid", "iat", "nbf", "exp", "jti"] {
        cases.push((
            claim,
            Some(raw(&header(""), &payload_without(claim))),
            "MALFORMED_TOKEN",
        ));
    }
    // A key of the caller's own, offered in the header (`jwk`) or by URL
    // (`jku`, `x5u`): only published keys verify, so each is refused.
    let pkcs8 =
        ring::signature::Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
    let own_key = jsonwebtoken::EncodingKey::from_ed_der(pkcs8.as_ref());
    let own_public = {
        use ring::signature::KeyPair;
        let pair = ring::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        URL_SAFE_NO_PAD.encode(pair.public_key().as_ref())
    };
    let own = |header: serde_json::Value| {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(&good_payload)
        );
        let signature =
            jsonwebtoken::crypto::sign(input.as_bytes(), &own_key, Algorithm::EdDSA).unwrap();
        format!("{input}.{signature}")
    };
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": own_public});
    cases.extend([
        (
            "own key in jwk, published kid",
            Some(own(
                json!({"alg": "EdDSA", "typ": "at+jwt", "kid": kid, "jwk": jwk}),
            )),
            "INVALID_SIGNATURE",
        ),
        (
            "own key in jwk, its own kid",
            Some(own(
                json!({"alg": "EdDSA", "typ": "at+jwt", "kid": "mine", "jwk": jwk}),
            )),
            "UNKNOWN_KEY",
        ),
        (
            "own key set by jku",
            Some(own(json!({"alg": "EdDSA", "typ": "at+jwt", "kid": "mine",
                "jku": "http://127.0.0.1:9/jwks.json"}))),
            "UNKNOWN_KEY",
        ),
        (
            "own certificate by x5u",
            Some(own(json!({"alg": "EdDSA", "typ": "at+jwt", "kid": kid,
                "x5u": "http://127.0.0.1:9/cert.pem"}))),
            "INVALID_SIGNATURE",
        ),
    ]);
    for (name, token, expected) in cases {
        let request = match &token {
            Some(token) => bearer(GetCurrentSessionRequest {}, token),
            None => tonic::Request::new(GetCurrentSessionRequest {}),
        };
        let err = sessions.get_current_session(request).await.expect_err(name);
        assert_eq!(err.code(), Code::Unauthenticated, "{name}: {err:?}");
        assert_eq!(reason(&err), expected, "{name}");
    }

    // The credential must be one bearer token: other schemes, a bare token
    // and two different `authorization` values are refused.
    let good_value = format!("Bearer {}", tokens.access_token);
    for (name, values, expected) in [
        (
            "Basic scheme",
            vec!["Basic dXNlcjpwYXNz".to_owned()],
            "MISSING_TOKEN",
        ),
        (
            "token without a scheme",
            vec![tokens.access_token.clone()],
            "MISSING_TOKEN",
        ),
        (
            "two different authorization values",
            vec![good_value.clone(), format!("Bearer {good}")],
            "MALFORMED_TOKEN",
        ),
        (
            "a forged one first, a good one second",
            vec![format!("Bearer {}", "x".repeat(40)), good_value.clone()],
            "MALFORMED_TOKEN",
        ),
    ] {
        let mut request = tonic::Request::new(GetCurrentSessionRequest {});
        for value in values {
            request
                .metadata_mut()
                .append("authorization", value.parse().unwrap());
        }
        let err = sessions.get_current_session(request).await.expect_err(name);
        assert_eq!(err.code(), Code::Unauthenticated, "{name}: {err:?}");
        assert_eq!(reason(&err), expected, "{name}");
    }

    // The same credential twice (a channel and a call that both add it) is
    // one credential.
    let mut twice = tonic::Request::new(GetCurrentSessionRequest {});
    for _ in 0..2 {
        twice
            .metadata_mut()
            .append("authorization", good_value.parse().unwrap());
    }
    sessions
        .get_current_session(twice)
        .await
        .expect("the same token twice");

    // Identity-looking metadata from the client is stripped, and a 64 KiB
    // value elsewhere does not break a valid call.
    let mut req = bearer(GetCurrentSessionRequest {}, &tokens.access_token);
    req.metadata_mut()
        .insert("x-warden-user-id", "admin".parse().unwrap());
    req.metadata_mut()
        .insert("x-padding", "p".repeat(64 * 1024).parse().unwrap());
    let session = sessions
        .get_current_session(req)
        .await
        .expect("still serving")
        .into_inner()
        .session
        .unwrap();
    assert_eq!(session.user_id, user_id);
    warden.stop().await;
}

#[tokio::test]
async fn embedded_reject_paths() {
    run(Backend::Embedded).await;
}

#[tokio::test]
async fn real_backends_reject_paths() {
    run(Backend::Real).await;
}
