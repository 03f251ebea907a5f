//! `AuthzClient` against a real Warden (embedded backends): it logs in with
//! the service's API key, renews its access token with `Refresh` before it
//! expires (no new session), logs in again when Warden ends its session, and
//! a refused credential is an error (UNAVAILABLE), never an allow.

mod common;

use std::time::Duration;

use common::{admin_email, setup};
use tonic::Code;
use warden_e2e::{bearer, register_and_login, Backend, TestWarden};
use warden_interceptor::{AuthzClient, ServiceCredential};
use warden_proto::auth::v1::LoginWithApiKeyRequest;
use warden_proto::authz::v1::relationship_update::Operation;
use warden_proto::authz::v1::{
    ObjectReference, Relationship, RelationshipUpdate, SubjectReference, WriteRelationshipsRequest,
};
use warden_proto::session::v1::{ListSessionsRequest, RevokeUserSessionsRequest};

#[tokio::test]
async fn the_service_credential_is_renewed_and_recovered_and_never_allows_on_error() {
    let email = admin_email();
    let warden = TestWarden::start_tuned(Backend::Embedded, |c| {
        c.bootstrap_admin_email = Some(email.clone());
        // Renewed 30 s before expiry: after 2 s here.
        c.access_token_ttl = Duration::from_secs(32);
    })
    .await;
    let ready = setup(&warden, &email).await;
    let mut auth = warden.auth().await;
    let (user_id, _) = register_and_login(&mut auth).await;
    warden
        .authz()
        .await
        .write_relationships(bearer(
            WriteRelationshipsRequest {
                updates: vec![RelationshipUpdate {
                    operation: Operation::Touch as i32,
                    relationship: Some(Relationship {
                        resource: Some(ObjectReference {
                            object_type: "article".into(),
                            object_id: "a1".into(),
                        }),
                        relation: "viewer".into(),
                        subject: Some(SubjectReference {
                            object: Some(ObjectReference {
                                object_type: "user".into(),
                                object_id: user_id.clone(),
                            }),
                            optional_relation: String::new(),
                        }),
                        expires_at: None,
                    }),
                }],
                preconditions: vec![],
            },
            &ready.admin,
        ))
        .await
        .expect("share a1");

    let client = AuthzClient::new(
        warden.channel().await,
        ServiceCredential::ApiKey(ready.api_key.clone()),
    )
    .fully_consistent(true);
    let subject = format!("user:{user_id}");
    assert!(client.check("article:a1", "view", &subject).await.unwrap());
    assert!(!client.check("article:a2", "view", &subject).await.unwrap());

    // The service's own sessions, seen with a token of its own.
    let service_token = auth
        .login_with_api_key(LoginWithApiKeyRequest {
            api_key: ready.api_key.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap()
        .access_token;
    let mut sessions = warden.sessions().await;
    let count =
        |sessions: &mut warden_proto::session::v1::session_service_client::SessionServiceClient<
            _,
        >| {
            let mut sessions = sessions.clone();
            let token = service_token.clone();
            async move {
                sessions
                    .list_sessions(bearer(ListSessionsRequest::default(), &token))
                    .await
                    .unwrap()
                    .into_inner()
                    .sessions
                    .len()
            }
        };
    // The account's password login (in setup), the client's, and this test's.
    let before = count(&mut sessions).await;
    assert_eq!(before, 3);

    // Past the renewal point: the client refreshes, it does not log in again.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(client.check("article:a1", "view", &subject).await.unwrap());
    assert_eq!(
        count(&mut sessions).await,
        before,
        "renewed by Refresh, no new session"
    );

    // Warden ends the client's session: the next check logs in again.
    sessions
        .revoke_user_sessions(bearer(
            RevokeUserSessionsRequest {
                user_id: String::new(),
                except_session_id: String::new(),
            },
            &service_token,
        ))
        .await
        .expect("revoke the service's sessions");
    assert!(
        client.check("article:a1", "view", &subject).await.unwrap(),
        "logged in again after its session ended"
    );

    // A credential Warden refuses is an error, never an allow.
    let refused = AuthzClient::new(
        warden.channel().await,
        ServiceCredential::ApiKey("wdn_not_a_key".into()),
    );
    let err = refused
        .check("article:a1", "view", &subject)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unavailable);
    let expired_token = AuthzClient::new(
        warden.channel().await,
        ServiceCredential::AccessToken(service_token.clone()),
    );
    let err = expired_token
        .check("article:a1", "view", &subject)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unavailable, "a revoked token: {err:?}");
    // A malformed reference never reaches Warden, and is no allow either.
    let err = client.check("article", "view", &subject).await.unwrap_err();
    assert_eq!(err.code(), Code::Unavailable);
    warden.stop().await;
}
