//! [`AuthzClient`]: fine-grained checks (`AuthzService.CheckPermission`) from
//! a resource service, under the service's own credential.

use std::time::{Duration, Instant};

use tonic::transport::Channel;
use warden_proto::auth::v1::auth_service_client::AuthServiceClient;
use warden_proto::auth::v1::{LoginWithApiKeyRequest, RefreshRequest, Tokens};
use warden_proto::authz::v1::authz_service_client::AuthzServiceClient;
use warden_proto::authz::v1::{
    consistency, CheckPermissionRequest, Consistency, ObjectReference, Permissionship,
    SubjectReference,
};

use crate::AuthError;

/// What a resource service presents to Warden for its own calls.
#[derive(Clone)]
pub enum ServiceCredential {
    /// A fixed access token (it stops working when it expires).
    AccessToken(String),
    /// An API key (`wdn_...`): exchanged with `LoginWithApiKey` for tokens,
    /// which are refreshed before they expire.
    ApiKey(String),
}

impl std::fmt::Debug for ServiceCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        match self {
            Self::AccessToken(_) => f.write_str("AccessToken(..)"),
            Self::ApiKey(_) => f.write_str("ApiKey(..)"),
        }
    }
}

/// Tokens obtained with an API key, and when the access token stops being used.
struct Held {
    tokens: Tokens,
    renew_at: Instant,
}

/// Asks Warden's `CheckPermission` whether a subject has a permission on a
/// resource. Any failure (Warden down, credential refused, malformed answer)
/// is an error, which handlers turn into UNAVAILABLE: never an allow.
pub struct AuthzClient {
    auth: AuthServiceClient<Channel>,
    authz: AuthzServiceClient<Channel>,
    credential: ServiceCredential,
    held: tokio::sync::Mutex<Option<Held>>,
    fully_consistent: bool,
}

/// How long before its expiry an access token obtained with an API key is renewed.
const RENEW_BEFORE_EXPIRY: Duration = Duration::from_secs(30);

/// Splits `type:id` (and `type:id#relation` when `relation_allowed`).
fn parse_reference(text: &str, relation_allowed: bool) -> Option<(ObjectReference, String)> {
    let (object, relation) = match text.split_once('#') {
        Some((o, r)) if relation_allowed && !r.is_empty() => (o, r),
        Some(_) => return None,
        None => (text, ""),
    };
    let (object_type, object_id) = object.split_once(':')?;
    if object_type.is_empty() || object_id.is_empty() {
        return None;
    }
    Some((
        ObjectReference {
            object_type: object_type.into(),
            object_id: object_id.into(),
        },
        relation.into(),
    ))
}

impl AuthzClient {
    /// Checks over `channel` (to Warden) as `credential`.
    pub fn new(channel: Channel, credential: ServiceCredential) -> Self {
        Self {
            auth: AuthServiceClient::new(channel.clone()),
            authz: AuthzServiceClient::new(channel),
            credential,
            held: tokio::sync::Mutex::new(None),
            fully_consistent: false,
        }
    }

    /// Asks for answers on the latest relationships (Warden catches up with
    /// its store first) instead of its replica's current index.
    pub fn fully_consistent(mut self, yes: bool) -> Self {
        self.fully_consistent = yes;
        self
    }

    /// The access token to present, logging in or refreshing when needed
    /// (`force` after Warden refused the previous one).
    async fn token(&self, force: bool) -> Result<String, AuthError> {
        let api_key = match &self.credential {
            ServiceCredential::AccessToken(token) => return Ok(token.clone()),
            ServiceCredential::ApiKey(key) => key,
        };
        let mut held = self.held.lock().await;
        if let Some(h) = held.as_ref() {
            if !force && Instant::now() < h.renew_at {
                return Ok(h.tokens.access_token.clone());
            }
        }
        let mut auth = self.auth.clone();
        let refreshed = match held.as_ref() {
            Some(h) => auth
                .refresh(RefreshRequest {
                    refresh_token: h.tokens.refresh_token.clone(),
                })
                .await
                .ok()
                .and_then(|r| r.into_inner().tokens),
            None => None,
        };
        let tokens = match refreshed {
            Some(tokens) => tokens,
            None => auth
                .login_with_api_key(LoginWithApiKeyRequest {
                    api_key: api_key.clone(),
                })
                .await
                .map_err(|e| AuthError::Unavailable(format!("LoginWithApiKey: {}", e.code())))?
                .into_inner()
                .tokens
                .ok_or_else(|| AuthError::Unavailable("LoginWithApiKey: no tokens".into()))?,
        };
        let lifetime = Duration::from_secs(tokens.expires_in.max(0) as u64);
        let token = tokens.access_token.clone();
        *held = Some(Held {
            renew_at: Instant::now() + lifetime.saturating_sub(RENEW_BEFORE_EXPIRY),
            tokens,
        });
        Ok(token)
    }

    /// Whether `subject` (`user:<id>`, or `group:eng#member`) has `permission`
    /// on `resource` (`article:<id>`). `Ok(false)` is a definite no; every
    /// failure is an `Err` (UNAVAILABLE), never a yes.
    pub async fn check(
        &self,
        resource: &str,
        permission: &str,
        subject: &str,
    ) -> Result<bool, AuthError> {
        let (resource_ref, _) = parse_reference(resource, false)
            .ok_or_else(|| AuthError::Unavailable(format!("malformed resource {resource:?}")))?;
        let (subject_ref, relation) = parse_reference(subject, true)
            .ok_or_else(|| AuthError::Unavailable(format!("malformed subject {subject:?}")))?;
        let request = CheckPermissionRequest {
            resource: Some(resource_ref),
            permission: permission.into(),
            subject: Some(SubjectReference {
                object: Some(subject_ref),
                optional_relation: relation,
            }),
            consistency: self.fully_consistent.then_some(Consistency {
                requirement: Some(consistency::Requirement::FullyConsistent(true)),
            }),
            with_tracing: false,
        };
        let mut retried = false;
        loop {
            let token = self.token(retried).await?;
            let mut call = tonic::Request::new(request.clone());
            call.set_timeout(Duration::from_secs(2));
            call.metadata_mut().insert(
                "authorization",
                format!("Bearer {token}")
                    .parse()
                    .map_err(|_| AuthError::Unavailable("service token not ascii".into()))?,
            );
            let mut authz = self.authz.clone();
            match authz.check_permission(call).await {
                Ok(answer) => {
                    return match answer.into_inner().permissionship() {
                        Permissionship::HasPermission => Ok(true),
                        Permissionship::NoPermission => Ok(false),
                        Permissionship::Unspecified => {
                            Err(AuthError::Unavailable("CheckPermission: no answer".into()))
                        }
                    }
                }
                // The service's own session ended (logout, rotation): log in again once.
                Err(status)
                    if status.code() == tonic::Code::Unauthenticated
                        && !retried
                        && matches!(self.credential, ServiceCredential::ApiKey(_)) =>
                {
                    retried = true;
                }
                Err(status) => {
                    return Err(AuthError::Unavailable(format!(
                        "CheckPermission: {}: {}",
                        status.code(),
                        status.message()
                    )))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_strictly() {
        let (o, r) = parse_reference("article:42", false).unwrap();
        assert_eq!(
            (o.object_type.as_str(), o.object_id.as_str(), r.as_str()),
            ("article", "42", "")
        );
        let (o, r) = parse_reference("group:eng#member", true).unwrap();
        assert_eq!((o.object_type.as_str(), r.as_str()), ("group", "member"));
        assert!(parse_reference("group:eng#member", false).is_none());
        assert!(parse_reference("article", false).is_none());
        assert!(parse_reference(":42", false).is_none());
        assert!(parse_reference("article:", false).is_none());
    }

    #[test]
    fn credentials_never_print_their_secret() {
        let shown = format!("{:?}", ServiceCredential::ApiKey("wdn_secret".into()));
        assert!(!shown.contains("secret"));
    }

    #[tokio::test]
    async fn an_unreachable_warden_is_an_error_not_an_allow() {
        let channel = Channel::from_static("http://127.0.0.1:1").connect_lazy();
        let client = AuthzClient::new(channel, ServiceCredential::AccessToken("t".into()));
        let err = client
            .check("article:1", "view", "user:u")
            .await
            .unwrap_err();
        assert_eq!(err.code(), tonic::Code::Unavailable);
        let client = AuthzClient::new(
            Channel::from_static("http://127.0.0.1:1").connect_lazy(),
            ServiceCredential::ApiKey("wdn_x".into()),
        );
        let err = client
            .check("article:1", "view", "user:u")
            .await
            .unwrap_err();
        assert_eq!(err.code(), tonic::Code::Unavailable);
    }
}
