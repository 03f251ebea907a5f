//! Why a request was refused, with the table from each reason to its gRPC
//! code and its stable `google.rpc.ErrorInfo` reason.

use std::collections::HashMap;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// Every way the layer refuses a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `authorization: Bearer` metadata.
    #[error("missing bearer token")]
    MissingToken,
    /// Not a compact JWS, too large, or not an access token at all.
    #[error("malformed token")]
    MalformedToken,
    /// `alg` is not the algorithm of the key named by `kid` (or is `none`/HMAC).
    #[error("unsupported algorithm")]
    UnsupportedAlgorithm,
    /// `kid` names no published key.
    #[error("unknown key")]
    UnknownKey,
    /// The signature does not verify.
    #[error("invalid signature")]
    InvalidSignature,
    /// `typ` is not `at+jwt`.
    #[error("invalid token type")]
    InvalidTokenType,
    /// `exp` is past.
    #[error("token expired")]
    TokenExpired,
    /// `nbf` is in the future.
    #[error("token not yet valid")]
    TokenNotYetValid,
    /// `iss` is not the configured issuer.
    #[error("invalid issuer")]
    InvalidIssuer,
    /// `aud` does not contain the configured audience.
    #[error("invalid audience")]
    InvalidAudience,
    /// The token's session no longer exists (logout, revocation, suspension).
    #[error("session revoked")]
    SessionRevoked,
    /// The session reached its absolute lifetime or idle timeout.
    #[error("session expired")]
    SessionExpired,
    /// The session is not enriched yet (its roles, permissions and attributes
    /// are still being added) and the bounded wait for it ran out.
    #[error("session not ready")]
    SessionNotReady,
    /// The caller lacks a role, permission or ownership.
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    /// The key or session source cannot be reached; nothing is allowed.
    #[error("backend unavailable: {0}")]
    Unavailable(String),
}

impl AuthError {
    /// The gRPC code.
    pub fn code(&self) -> Code {
        match self {
            Self::PermissionDenied(_) => Code::PermissionDenied,
            Self::Unavailable(_) | Self::SessionNotReady => Code::Unavailable,
            _ => Code::Unauthenticated,
        }
    }

    /// The stable `ErrorInfo.reason`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::MissingToken => "MISSING_TOKEN",
            Self::MalformedToken => "MALFORMED_TOKEN",
            Self::UnsupportedAlgorithm => "UNSUPPORTED_ALGORITHM",
            Self::UnknownKey => "UNKNOWN_KEY",
            Self::InvalidSignature => "INVALID_SIGNATURE",
            Self::InvalidTokenType => "INVALID_TOKEN_TYPE",
            Self::TokenExpired => "TOKEN_EXPIRED",
            Self::TokenNotYetValid => "TOKEN_NOT_YET_VALID",
            Self::InvalidIssuer => "INVALID_ISSUER",
            Self::InvalidAudience => "INVALID_AUDIENCE",
            Self::SessionRevoked => "SESSION_REVOKED",
            Self::SessionExpired => "SESSION_EXPIRED",
            Self::SessionNotReady => "SESSION_NOT_READY",
            Self::PermissionDenied(_) => "PERMISSION_DENIED",
            Self::Unavailable(_) => "BACKEND_UNAVAILABLE",
        }
    }

    /// The message sent to the caller.
    pub fn public_message(&self) -> String {
        match self {
            Self::PermissionDenied(what) => format!("permission denied: {what}"),
            Self::Unavailable(_) => "authentication backend unavailable, retry later".into(),
            Self::SessionNotReady => {
                "the session is not ready yet (roles are being added), retry shortly".into()
            }
            other => format!("unauthenticated: {other}"),
        }
    }
}

impl From<AuthError> for Status {
    fn from(err: AuthError) -> Self {
        if let AuthError::Unavailable(detail) = &err {
            tracing::warn!(%detail, "authentication backend unavailable");
        }
        let details = ErrorDetails::with_error_info(err.reason(), "warden", HashMap::new());
        Status::with_error_details(err.code(), err.public_message(), details)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_round_trips_and_hides_backend_details() {
        let all = [
            AuthError::MissingToken,
            AuthError::MalformedToken,
            AuthError::UnsupportedAlgorithm,
            AuthError::UnknownKey,
            AuthError::InvalidSignature,
            AuthError::InvalidTokenType,
            AuthError::TokenExpired,
            AuthError::TokenNotYetValid,
            AuthError::InvalidIssuer,
            AuthError::InvalidAudience,
            AuthError::SessionRevoked,
            AuthError::SessionExpired,
            AuthError::SessionNotReady,
            AuthError::PermissionDenied("role admin".into()),
            AuthError::Unavailable("redis 10.1.2.3 refused".into()),
        ];
        for err in all {
            let (code, reason) = (err.code(), err.reason());
            let status = Status::from(err);
            assert_eq!(status.code(), code);
            assert_eq!(
                status.get_error_details().error_info().unwrap().reason,
                reason
            );
            assert!(!status.message().contains("10.1.2.3"));
        }
    }
}
