"""Python client for Warden.

- Generated messages and gRPC stubs (usable with `grpc` and `grpc.aio` channels):
  `auth_pb2`/`auth_pb2_grpc`, `session_pb2`/`session_pb2_grpc`,
  `authz_pb2`/`authz_pb2_grpc`, `events_pb2` (full paths under `warden_client.gen`).
- `WardenClient` / `AsyncWardenClient`: log in and keep the access token fresh.
- `warden_client.server`: a `grpc.aio` server interceptor that verifies Warden
  tokens and loads sessions (install the `server` extra).
"""

from .client import OPEN_METHODS, AsyncWardenClient, NotLoggedInError, WardenClient
from .errors import DOMAIN, error_info, error_reason, status_code
from .gen.warden.auth.v1 import auth_pb2, auth_pb2_grpc
from .gen.warden.authz.v1 import authz_pb2, authz_pb2_grpc
from .gen.warden.events.v1 import events_pb2
from .gen.warden.session.v1 import session_pb2, session_pb2_grpc

__all__ = [
    "DOMAIN",
    "OPEN_METHODS",
    "AsyncWardenClient",
    "NotLoggedInError",
    "WardenClient",
    "auth_pb2",
    "auth_pb2_grpc",
    "authz_pb2",
    "authz_pb2_grpc",
    "error_info",
    "error_reason",
    "events_pb2",
    "session_pb2",
    "session_pb2_grpc",
    "status_code",
]
