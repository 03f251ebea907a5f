"""Why a request was refused: each reason with its gRPC code and the stable
`google.rpc.ErrorInfo` reason (the table of the Rust `warden-interceptor`)."""

from __future__ import annotations

import enum
import logging

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from ..errors import DOMAIN

logger = logging.getLogger("warden_client.server")


class Reason(enum.Enum):
    """Every way the interceptor refuses a request; the value is the `ErrorInfo.reason`."""

    MISSING_TOKEN = "MISSING_TOKEN"
    MALFORMED_TOKEN = "MALFORMED_TOKEN"
    UNSUPPORTED_ALGORITHM = "UNSUPPORTED_ALGORITHM"
    UNKNOWN_KEY = "UNKNOWN_KEY"
    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    INVALID_TOKEN_TYPE = "INVALID_TOKEN_TYPE"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_NOT_YET_VALID = "TOKEN_NOT_YET_VALID"
    INVALID_ISSUER = "INVALID_ISSUER"
    INVALID_AUDIENCE = "INVALID_AUDIENCE"
    SESSION_REVOKED = "SESSION_REVOKED"
    SESSION_EXPIRED = "SESSION_EXPIRED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    BACKEND_UNAVAILABLE = "BACKEND_UNAVAILABLE"
    #: UNAVAILABLE: the session has no `enriched_at` (its roles are not known
    #: yet) and the bounded wait for it ran out; retry shortly.
    SESSION_NOT_READY = "SESSION_NOT_READY"


_MESSAGES = {
    Reason.MISSING_TOKEN: "missing bearer token",
    Reason.MALFORMED_TOKEN: "malformed token",
    Reason.UNSUPPORTED_ALGORITHM: "unsupported algorithm",
    Reason.UNKNOWN_KEY: "unknown key",
    Reason.INVALID_SIGNATURE: "invalid signature",
    Reason.INVALID_TOKEN_TYPE: "invalid token type",
    Reason.TOKEN_EXPIRED: "token expired",
    Reason.TOKEN_NOT_YET_VALID: "token not yet valid",
    Reason.INVALID_ISSUER: "invalid issuer",
    Reason.INVALID_AUDIENCE: "invalid audience",
    Reason.SESSION_REVOKED: "session revoked",
    Reason.SESSION_EXPIRED: "session expired",
    Reason.SESSION_NOT_READY: "the session is not ready yet (roles are being added), retry shortly",
}


class AuthError(Exception):
    """A refusal. Raise it from a handler behind the interceptor (for example via
    `AuthContext.require_role`) and the caller gets its status and ErrorInfo.

    `detail` of an unavailable backend is logged, never sent to the caller.
    """

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail

    @classmethod
    def permission_denied(cls, what: str) -> AuthError:
        """PERMISSION_DENIED: the caller lacks a role, permission or ownership."""
        return cls(Reason.PERMISSION_DENIED, what)

    @classmethod
    def unavailable(cls, detail: str) -> AuthError:
        """UNAVAILABLE: a key or session source cannot be reached; nothing is allowed."""
        return cls(Reason.BACKEND_UNAVAILABLE, detail)

    @property
    def code(self) -> grpc.StatusCode:
        """The gRPC code."""
        if self.reason is Reason.PERMISSION_DENIED:
            return grpc.StatusCode.PERMISSION_DENIED
        if self.reason in (Reason.BACKEND_UNAVAILABLE, Reason.SESSION_NOT_READY):
            return grpc.StatusCode.UNAVAILABLE
        return grpc.StatusCode.UNAUTHENTICATED

    @property
    def public_message(self) -> str:
        """The message sent to the caller."""
        if self.reason is Reason.PERMISSION_DENIED:
            return f"permission denied: {self.detail}"
        if self.reason is Reason.BACKEND_UNAVAILABLE:
            return "authentication backend unavailable, retry later"
        if self.reason is Reason.SESSION_NOT_READY:
            return _MESSAGES[self.reason]
        return f"unauthenticated: {_MESSAGES[self.reason]}"

    def to_status(self) -> grpc.Status:
        """The status, with the ErrorInfo in `grpc-status-details-bin`."""
        if self.reason is Reason.BACKEND_UNAVAILABLE:
            logger.warning("authentication backend unavailable: %s", self.detail)
        detail = any_pb2.Any()
        detail.Pack(error_details_pb2.ErrorInfo(reason=self.reason.value, domain=DOMAIN))
        return rpc_status.to_status(
            status_pb2.Status(
                code=self.code.value[0], message=self.public_message, details=[detail]
            )
        )
