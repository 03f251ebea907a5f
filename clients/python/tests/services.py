"""A small grpc.aio service behind WardenInterceptor, for the interceptor tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import grpc
import grpc.aio
from grpc_health.v1 import health, health_pb2_grpc

from warden_client import authz_pb2, authz_pb2_grpc, session_pb2, session_pb2_grpc
from warden_client.server import WardenInterceptor, current_auth


class Sessions(session_pb2_grpc.SessionServiceServicer):
    """GetCurrentSession answers from the interceptor's context; the others
    exercise the require_* helpers."""

    def __init__(self) -> None:
        self.seen_metadata: list[tuple[str, str]] = []

    async def GetCurrentSession(self, request, context):
        self.seen_metadata = list(context.invocation_metadata())
        return session_pb2.GetCurrentSessionResponse(session=current_auth().session)

    async def ListSessions(self, request, context):
        caller = current_auth()
        caller.require_owner(request.user_id)
        return session_pb2.ListSessionsResponse(sessions=[caller.session])

    async def RevokeUserSessions(self, request, context):
        current_auth().require_role("admin")
        return session_pb2.RevokeUserSessionsResponse(revoked_count=0)

    def GetSession(self, request, context):
        # A blocking handler: run off the loop, still sees the caller.
        return session_pb2.GetSessionResponse(session=current_auth().session)


class Authz(authz_pb2_grpc.AuthzServiceServicer):
    """A server-streaming method behind the interceptor."""

    async def LookupResources(self, request, context) -> AsyncIterator[object]:
        caller = current_auth()
        for index in range(3):
            yield authz_pb2.LookupResourcesResponse(resource_object_id=f"{caller.user_id}-{index}")


@contextlib.asynccontextmanager
async def serve(interceptor: WardenInterceptor) -> AsyncIterator[tuple[str, Sessions]]:
    """Serves Sessions, Authz and health (open) behind `interceptor`; yields the address."""
    # gRPC core refuses metadata over 8-16 KiB itself (RESOURCE_EXHAUSTED); a
    # larger limit lets oversized tokens reach the interceptor, as with tonic.
    server = grpc.aio.server(
        interceptors=[interceptor], options=[("grpc.max_metadata_size", 128 * 1024)]
    )
    sessions = Sessions()
    session_pb2_grpc.add_SessionServiceServicer_to_server(sessions, server)
    authz_pb2_grpc.add_AuthzServiceServicer_to_server(Authz(), server)
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield f"127.0.0.1:{port}", sessions
    finally:
        await server.stop(None)
