//! The server's one error type, with the table from each variant to its gRPC
//! code, its stable `google.rpc.ErrorInfo` reason and its public message.
//! Internal details (SQL, Redis, AMQP errors) are logged, never sent.

use std::borrow::Cow;
use std::collections::HashMap;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// `ErrorInfo.domain` of every Warden error.
pub const ERROR_DOMAIN: &str = "warden";

/// One invalid request field, reported as a `BadRequest` field violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// The field's name in the request message, for example `email`.
    pub field: &'static str,
    /// What is wrong with it, safe to show to the caller.
    pub description: String,
}

impl FieldViolation {
    /// A violation of `field`.
    pub fn new(field: &'static str, description: impl Into<String>) -> Self {
        Self {
            field,
            description: description.into(),
        }
    }
}

/// Everything a Warden RPC can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed; nothing was changed.
    #[error("invalid argument: {0:?}")]
    InvalidArgument(Vec<FieldViolation>),
    /// Registration with an email that is already taken.
    #[error("email already registered")]
    EmailTaken,
    /// Wrong password or unknown email (indistinguishable on purpose).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The refresh token is not a live token of any session.
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    /// A refresh token was used again after rotation; the session was revoked.
    #[error("refresh token reused")]
    RefreshTokenReused,
    /// The session passed its idle timeout or absolute lifetime.
    #[error("session expired")]
    SessionExpired,
    /// The API key is unknown or its secret does not match.
    #[error("invalid api key")]
    InvalidApiKey,
    /// The API key was revoked.
    #[error("api key revoked")]
    ApiKeyRevoked,
    /// The API key expired.
    #[error("api key expired")]
    ApiKeyExpired,
    /// The user is suspended by an administrator.
    #[error("user suspended")]
    UserSuspended,
    /// The caller may not do this; the string says what is missing.
    #[error("permission denied: {0}")]
    PermissionDenied(&'static str),
    /// The named thing does not exist (or is not visible to the caller).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The server is shedding load (password-hashing queue full).
    #[error("overloaded")]
    Overloaded,
    /// An account with too many recent failed logins; it may try again
    /// after `retry_after`.
    #[error("too many failed logins")]
    TooManyAttempts {
        /// Until one more attempt is allowed.
        retry_after: std::time::Duration,
    },
    /// A backend (database, Redis, broker) cannot be reached.
    #[error("backend unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected backend answer.
    #[error("internal error: {0}")]
    Internal(String),
    /// A request refused for a reason about the caller's own data (an
    /// existing relationship, a failed precondition, a schema change that
    /// would orphan relationships); the message names that data only.
    #[error("{reason}: {message}")]
    Rejected {
        /// The gRPC code.
        code: Code,
        /// The stable reason.
        reason: &'static str,
        /// What the caller should know, built from the request's own data.
        message: String,
    },
}

impl Error {
    /// A single-field `InvalidArgument`.
    pub fn invalid(field: &'static str, description: impl Into<String>) -> Self {
        Self::InvalidArgument(vec![FieldViolation::new(field, description)])
    }

    /// The gRPC code of this error.
    pub fn code(&self) -> Code {
        match self {
            Self::InvalidArgument(_) => Code::InvalidArgument,
            Self::EmailTaken => Code::AlreadyExists,
            Self::InvalidCredentials
            | Self::InvalidRefreshToken
            | Self::RefreshTokenReused
            | Self::SessionExpired
            | Self::InvalidApiKey
            | Self::ApiKeyRevoked
            | Self::ApiKeyExpired => Code::Unauthenticated,
            Self::PermissionDenied(_) | Self::UserSuspended => Code::PermissionDenied,
            Self::NotFound(_) => Code::NotFound,
            Self::Overloaded | Self::TooManyAttempts { .. } => Code::ResourceExhausted,
            Self::Unavailable(_) => Code::Unavailable,
            Self::Internal(_) => Code::Internal,
            Self::Rejected { code, .. } => *code,
        }
    }

    /// The stable `ErrorInfo.reason` clients can match on.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::InvalidArgument(_) => "INVALID_ARGUMENT",
            Self::EmailTaken => "EMAIL_TAKEN",
            Self::InvalidCredentials => "INVALID_CREDENTIALS",
            Self::InvalidRefreshToken => "INVALID_REFRESH_TOKEN",
            Self::RefreshTokenReused => "REFRESH_TOKEN_REUSE",
            Self::SessionExpired => "SESSION_EXPIRED",
            Self::InvalidApiKey => "INVALID_API_KEY",
            Self::ApiKeyRevoked => "API_KEY_REVOKED",
            Self::ApiKeyExpired => "API_KEY_EXPIRED",
            Self::UserSuspended => "USER_SUSPENDED",
            Self::PermissionDenied(_) => "PERMISSION_DENIED",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Overloaded => "OVERLOADED",
            Self::TooManyAttempts { .. } => "TOO_MANY_ATTEMPTS",
            Self::Unavailable(_) => "BACKEND_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL",
            Self::Rejected { reason, .. } => reason,
        }
    }

    /// The message sent to the caller; never contains internal details.
    pub fn public_message(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Self::InvalidArgument(_) => "the request has invalid fields",
            Self::EmailTaken => "a user with this email already exists",
            Self::InvalidCredentials => "invalid email or password",
            Self::InvalidRefreshToken => "invalid refresh token",
            Self::RefreshTokenReused => "refresh token already used; the session was revoked",
            Self::SessionExpired => "the session expired",
            Self::InvalidApiKey => "invalid api key",
            Self::ApiKeyRevoked => "the api key was revoked",
            Self::ApiKeyExpired => "the api key expired",
            Self::UserSuspended => "the user is suspended",
            Self::PermissionDenied(_) => "permission denied",
            Self::NotFound(what) => return Cow::Owned(format!("{what} not found")),
            Self::Overloaded => "too many concurrent logins, retry later",
            Self::TooManyAttempts { .. } => {
                "too many failed logins for this account, retry later (RetryInfo says when)"
            }
            Self::Unavailable(_) => "a backend is temporarily unavailable, retry later",
            Self::Internal(_) => "internal error",
            Self::Rejected { message, .. } => return Cow::Owned(message.clone()),
        })
    }
}

/// Longest text of a caller-visible description or message. Many quote the
/// caller's input, which may be megabytes: a status carries its start, so an
/// error never amplifies a request (or outgrows what proxies pass on).
const MAX_SHOWN: usize = 512;

/// `text`, cut to [`MAX_SHOWN`] bytes at a character boundary, saying so.
fn bounded(text: &str) -> Cow<'_, str> {
    if text.len() <= MAX_SHOWN {
        return Cow::Borrowed(text);
    }
    let mut end = MAX_SHOWN;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}… ({} bytes in all)", &text[..end], text.len()))
}

impl From<Error> for Status {
    fn from(err: Error) -> Self {
        match &err {
            Error::Unavailable(detail) => {
                tracing::warn!(reason = err.reason(), %detail, "backend unavailable")
            }
            Error::Internal(detail) => {
                tracing::error!(reason = err.reason(), %detail, "internal error")
            }
            _ => {}
        }
        let mut details = ErrorDetails::with_error_info(err.reason(), ERROR_DOMAIN, HashMap::new());
        if let Error::InvalidArgument(violations) = &err {
            for v in violations {
                details.add_bad_request_violation(v.field, bounded(&v.description));
            }
        }
        if let Error::TooManyAttempts { retry_after } = &err {
            // Whole seconds, rounded up: never sooner than allowed.
            let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
            details.set_retry_info(Some(std::time::Duration::from_secs(seconds)));
        }
        Status::with_error_details(err.code(), bounded(&err.public_message()), details)
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_) => Self::Unavailable(format!("database: {err}")),
            other => Self::Internal(format!("database: {other}")),
        }
    }
}

impl From<fred::error::Error> for Error {
    fn from(err: fred::error::Error) -> Self {
        Self::Unavailable(format!("redis: {err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<Error> {
        vec![
            Error::invalid("email", "not an email"),
            Error::EmailTaken,
            Error::InvalidCredentials,
            Error::InvalidRefreshToken,
            Error::RefreshTokenReused,
            Error::SessionExpired,
            Error::InvalidApiKey,
            Error::ApiKeyRevoked,
            Error::ApiKeyExpired,
            Error::UserSuspended,
            Error::PermissionDenied("admin role"),
            Error::NotFound("session"),
            Error::Overloaded,
            Error::TooManyAttempts {
                retry_after: std::time::Duration::from_secs(1),
            },
            Error::Unavailable("redis: connection refused to 10.0.0.1".into()),
            Error::Internal("database: syntax error near SELECT".into()),
            Error::Rejected {
                code: Code::FailedPrecondition,
                reason: "PRECONDITION_FAILED",
                message: "precondition 0 did not hold".into(),
            },
        ]
    }

    #[test]
    fn every_variant_round_trips_through_status_with_its_reason() {
        for err in all() {
            let (code, reason, message) = (err.code(), err.reason(), err.public_message());
            let status = Status::from(err);
            assert_eq!(status.code(), code);
            assert_eq!(status.message(), message);
            let info = status
                .get_error_details()
                .error_info()
                .cloned()
                .expect("ErrorInfo present");
            assert_eq!(info.reason, reason);
            assert_eq!(info.domain, ERROR_DOMAIN);
        }
        // What was not found is named.
        assert_eq!(
            Status::from(Error::NotFound("user")).message(),
            "user not found"
        );
    }

    #[test]
    fn internal_details_never_reach_the_client() {
        for err in all() {
            let status = Status::from(err);
            assert!(!status.message().contains("10.0.0.1"));
            assert!(!status.message().contains("SELECT"));
        }
    }

    #[test]
    fn quoted_input_is_cut_short_in_what_the_caller_sees() {
        let huge = "é".repeat(600_000);
        for err in [
            Error::invalid("resource", format!("object_id {huge:?} is not valid")),
            Error::Rejected {
                code: Code::FailedPrecondition,
                reason: "SCHEMA_ORPHANS",
                message: huge.clone(),
            },
        ] {
            let status = Status::from(err);
            let details = status.get_error_details();
            let shown = details
                .bad_request()
                .map_or(status.message().to_owned(), |b| {
                    b.field_violations[0].description.clone()
                });
            assert!(shown.len() < 600, "{} bytes", shown.len());
            assert!(shown.ends_with(" bytes in all)"), "says it was cut");
            assert!(
                status.details().len() < 1_000,
                "the whole status stays small"
            );
        }
        // Short text is passed on as it is.
        assert_eq!(
            bounded("object_id \"a b\" is not valid"),
            "object_id \"a b\" is not valid"
        );
    }

    #[test]
    fn invalid_argument_carries_field_violations() {
        let status = Status::from(Error::InvalidArgument(vec![
            FieldViolation::new("email", "not an email"),
            FieldViolation::new("password", "too short"),
        ]));
        let details = status.get_error_details();
        let fields: Vec<_> = details
            .bad_request()
            .unwrap()
            .field_violations
            .iter()
            .map(|v| v.field.clone())
            .collect();
        assert_eq!(fields, ["email", "password"]);
    }
}
