"""Protect a `grpc.aio` service with Warden tokens.

    interceptor = WardenInterceptor.connect(
        "127.0.0.1:50051", redis_url="redis://127.0.0.1:6379",
        amqp_url="amqp://guest:guest@127.0.0.1:5672/%2f",
    )
    await interceptor.start()
    server = grpc.aio.server(interceptors=[interceptor])

    # in a handler:
    caller = current_auth()          # user_id, session_id, session, claims
    caller.require_role("admin")     # PERMISSION_DENIED otherwise

A session whose roles are not known yet (no `enriched_at`) is waited for
(bounded, `enrichment_wait`), then refused with UNAVAILABLE / SESSION_NOT_READY.

Needs the `server` extra (`pip install "warden-client[server]"`).
"""

from ._errors import AuthError, Reason
from ._interceptor import (
    DEFAULT_ENRICHMENT_WAIT,
    RESERVED_METADATA_PREFIX,
    AuthContext,
    WardenInterceptor,
    abort,
    current_auth,
)
from ._sources import (
    EVENTS_EXCHANGE,
    REVOCATION_ROUTING_KEYS,
    CachedSessionSource,
    GrpcKeySource,
    GrpcSessionSource,
    HttpKeySource,
    RedisSessionSource,
    SessionSource,
    session_from_json,
)
from ._verify import MAX_TOKEN_BYTES, Claims, JwksCache, KeySource, TokenVerifier, pin

__all__ = [
    "DEFAULT_ENRICHMENT_WAIT",
    "EVENTS_EXCHANGE",
    "MAX_TOKEN_BYTES",
    "RESERVED_METADATA_PREFIX",
    "REVOCATION_ROUTING_KEYS",
    "AuthContext",
    "AuthError",
    "CachedSessionSource",
    "Claims",
    "GrpcKeySource",
    "GrpcSessionSource",
    "HttpKeySource",
    "JwksCache",
    "KeySource",
    "Reason",
    "RedisSessionSource",
    "SessionSource",
    "TokenVerifier",
    "WardenInterceptor",
    "abort",
    "current_auth",
    "pin",
    "session_from_json",
]
