//! `warden.session.v1.SessionService`: a user reads and ends their sessions;
//! an administrator (role `admin`) may act on anyone's.

use tonic::{Request, Response, Status};
use warden_interceptor::AuthContext;
use warden_proto::events::v1::RevocationReason;
use warden_proto::session::v1::{self as pb, session_service_server};

use std::sync::Arc;

use crate::error::Error;
use crate::lifecycle::SessionLifecycle;
use crate::store::{timestamp_from_ms, RoleStore, ADMIN_ROLE};

/// The SessionService implementation.
pub struct SessionApi {
    sessions: SessionLifecycle,
    roles: Arc<dyn RoleStore>,
}

impl SessionApi {
    /// Over the session lifecycle.
    pub fn new(sessions: SessionLifecycle, roles: Arc<dyn RoleStore>) -> Self {
        Self { sessions, roles }
    }

    /// The user an RPC acts on: the caller when `user_id` is empty or theirs,
    /// anyone for an administrator.
    async fn target_user<'a>(
        &self,
        ctx: &'a AuthContext,
        user_id: &'a str,
    ) -> Result<&'a str, Error> {
        if user_id.is_empty() || user_id == ctx.user_id {
            Ok(&ctx.user_id)
        } else if self.roles.has_role(&ctx.user_id, ADMIN_ROLE).await? {
            Ok(user_id)
        } else {
            Err(Error::PermissionDenied(
                "acting on another user's sessions needs the admin role",
            ))
        }
    }

    /// The session with `last_seen_at` from its refresh state (refreshes do
    /// not rewrite the session itself).
    async fn with_last_seen(&self, mut session: pb::Session) -> Result<pb::Session, Error> {
        let seen = (self.sessions.store())
            .last_seen_ms(&session.session_id)
            .await?;
        set_last_seen(&mut session, seen);
        Ok(session)
    }

    /// Loads a session the caller may see: NOT_FOUND when it does not exist,
    /// PERMISSION_DENIED when it is someone else's.
    async fn visible_session(
        &self,
        ctx: &AuthContext,
        session_id: &str,
    ) -> Result<pb::Session, Error> {
        if session_id.is_empty() {
            return Err(Error::invalid("session_id", "must not be empty"));
        }
        let session = self
            .sessions
            .store()
            .get(session_id)
            .await?
            .ok_or(Error::NotFound("session"))?;
        self.target_user(ctx, &session.user_id).await?;
        Ok(session)
    }
}

#[tonic::async_trait]
impl session_service_server::SessionService for SessionApi {
    async fn get_current_session(
        &self,
        req: Request<pb::GetCurrentSessionRequest>,
    ) -> Result<Response<pb::GetCurrentSessionResponse>, Status> {
        let ctx = AuthContext::of(&req)?;
        let session = self.with_last_seen(ctx.session.as_ref().clone()).await?;
        Ok(Response::new(pb::GetCurrentSessionResponse {
            session: Some(session),
        }))
    }

    async fn get_session(
        &self,
        req: Request<pb::GetSessionRequest>,
    ) -> Result<Response<pb::GetSessionResponse>, Status> {
        let ctx = AuthContext::of(&req)?;
        let session = self.visible_session(ctx, &req.get_ref().session_id).await?;
        let session = self.with_last_seen(session).await?;
        Ok(Response::new(pb::GetSessionResponse {
            session: Some(session),
        }))
    }

    async fn list_sessions(
        &self,
        req: Request<pb::ListSessionsRequest>,
    ) -> Result<Response<pb::ListSessionsResponse>, Status> {
        let ctx = AuthContext::of(&req)?;
        let user_id = self.target_user(ctx, &req.get_ref().user_id).await?;
        let store = self.sessions.store();
        let mut sessions = store.list_for_user(user_id).await?;
        let ids: Vec<&str> = sessions.iter().map(|s| s.session_id.as_str()).collect();
        let seen = store.last_seen_of(&ids).await?;
        for (session, seen) in sessions.iter_mut().zip(seen) {
            set_last_seen(session, seen);
        }
        Ok(Response::new(pb::ListSessionsResponse { sessions }))
    }

    async fn revoke_session(
        &self,
        req: Request<pb::RevokeSessionRequest>,
    ) -> Result<Response<pb::RevokeSessionResponse>, Status> {
        let ctx = AuthContext::of(&req)?;
        let session = self.visible_session(ctx, &req.get_ref().session_id).await?;
        self.sessions
            .revoke(
                &session.session_id,
                &session.user_id,
                RevocationReason::Revoked,
            )
            .await?;
        Ok(Response::new(pb::RevokeSessionResponse {}))
    }

    async fn revoke_user_sessions(
        &self,
        req: Request<pb::RevokeUserSessionsRequest>,
    ) -> Result<Response<pb::RevokeUserSessionsResponse>, Status> {
        let ctx = AuthContext::of(&req)?;
        let user_id = self.target_user(ctx, &req.get_ref().user_id).await?;
        let keep = req.get_ref().except_session_id.as_str();
        let revoked = self
            .sessions
            .revoke_user_sessions(user_id, |s| s.session_id != keep, RevocationReason::Revoked)
            .await?;
        Ok(Response::new(pb::RevokeUserSessionsResponse {
            revoked_count: revoked,
        }))
    }
}

/// `last_seen_at` from the store's Unix milliseconds, when it keeps them.
fn set_last_seen(session: &mut pb::Session, seen_ms: Option<i64>) {
    if let Some(ms) = seen_ms {
        session.last_seen_at = Some(timestamp_from_ms(ms));
    }
}
