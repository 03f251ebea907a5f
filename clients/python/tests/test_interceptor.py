"""WardenInterceptor on a real grpc.aio server, with local keys and an
in-memory session source: statuses and ErrorInfo on the wire, identity in
handlers, metadata stripping, open methods, streaming, require_* helpers."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import grpc
import grpc.aio
import pytest
from google.protobuf import timestamp_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from keys import SigningKey, StaticKeys, claims, unsigned
from services import serve

from warden_client import authz_pb2, error_reason, session_pb2, session_pb2_grpc
from warden_client.server import (
    AuthError,
    CachedSessionSource,
    Reason,
    WardenInterceptor,
    current_auth,
)
from warden_client.server._sources import events_pb2

KEY = SigningKey("EdDSA", "k1")


class MemorySessions:
    """Sessions in a dict; `down` makes every read fail."""

    def __init__(self) -> None:
        self.sessions: dict[str, session_pb2.Session] = {}
        self.down = False
        self.reads = 0

    async def session(self, session_id: str, token: str) -> session_pb2.Session | None:
        self.reads += 1
        if self.down:
            raise ConnectionError("redis 10.1.2.3:6379 refused")
        return self.sessions.get(session_id)


def live_session(
    sid: str = "session-1", user: str = "user-1", *, enriched: bool = True, **fields
) -> session_pb2.Session:
    now = int(time.time())
    fields.setdefault("expires_at", timestamp_pb2.Timestamp(seconds=now + 3600))
    if enriched:
        fields.setdefault("enriched_at", timestamp_pb2.Timestamp(seconds=now))
    return session_pb2.Session(session_id=sid, user_id=user, **fields)


@pytest.fixture
def store() -> MemorySessions:
    store = MemorySessions()
    store.sessions["session-1"] = live_session()
    return store


@pytest.fixture
def interceptor(store: MemorySessions) -> WardenInterceptor:
    return WardenInterceptor(StaticKeys([KEY.jwk]), store, open_services=["grpc.health.v1.Health"])


@pytest.fixture
async def channel(interceptor: WardenInterceptor) -> AsyncIterator[grpc.aio.Channel]:
    async with serve(interceptor) as (address, _):
        async with grpc.aio.insecure_channel(address) as channel:
            yield channel


@pytest.fixture
def stub(channel: grpc.aio.Channel) -> session_pb2_grpc.SessionServiceStub:
    return session_pb2_grpc.SessionServiceStub(channel)


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


async def refused(call) -> tuple[grpc.StatusCode, str | None]:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    return error.value.code(), error_reason(error.value)


WHOAMI = session_pb2.GetCurrentSessionRequest()
UNAUTHENTICATED = grpc.StatusCode.UNAUTHENTICATED


async def test_a_valid_token_reaches_the_handler_with_its_identity(stub) -> None:
    response = await stub.GetCurrentSession(WHOAMI, metadata=bearer(KEY.sign(claims())))
    assert (response.session.session_id, response.session.user_id) == ("session-1", "user-1")


async def test_refusals_carry_their_reason(stub, store: MemorySessions) -> None:
    now = int(time.time())
    store.sessions["ended"] = live_session(
        "ended", expires_at=timestamp_pb2.Timestamp(seconds=now - 1)
    )
    store.sessions["theirs"] = live_session("theirs", user="user-2")
    cases = [
        ((), Reason.MISSING_TOKEN),
        ((("authorization", "Basic dXNlcjpwYXNz"),), Reason.MISSING_TOKEN),
        (bearer("garbage"), Reason.MALFORMED_TOKEN),
        (bearer("a" * 64 * 1024), Reason.MALFORMED_TOKEN),
        (
            bearer(unsigned({"alg": "none", "kid": "k1", "typ": "at+jwt"}, claims())),
            Reason.UNSUPPORTED_ALGORITHM,
        ),
        (bearer(SigningKey("EdDSA", "k9").sign(claims())), Reason.UNKNOWN_KEY),
        (bearer(SigningKey("EdDSA", "k1").sign(claims())), Reason.INVALID_SIGNATURE),
        (bearer(KEY.sign(claims(exp=now - 100, nbf=now - 700))), Reason.TOKEN_EXPIRED),
        (bearer(KEY.sign(claims(nbf=now + 300))), Reason.TOKEN_NOT_YET_VALID),
        (bearer(KEY.sign(claims(iss="evil"))), Reason.INVALID_ISSUER),
        (bearer(KEY.sign(claims(aud="other"))), Reason.INVALID_AUDIENCE),
        (bearer(KEY.sign(claims(), typ="JWT")), Reason.INVALID_TOKEN_TYPE),
        (bearer(KEY.sign(claims(sid="gone"))), Reason.SESSION_REVOKED),
        (bearer(KEY.sign(claims(sid="theirs"))), Reason.SESSION_REVOKED),
        (bearer(KEY.sign(claims(sid="ended"))), Reason.SESSION_EXPIRED),
    ]
    for metadata, reason in cases:
        call = stub.GetCurrentSession(WHOAMI, metadata=metadata)
        assert await refused(call) == (UNAUTHENTICATED, reason.value), reason
    # Still serving after all of that.
    assert (await stub.GetCurrentSession(WHOAMI, metadata=bearer(KEY.sign(claims())))).session


async def test_a_session_store_that_is_down_refuses_with_unavailable(
    stub, store: MemorySessions
) -> None:
    store.down = True
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await stub.GetCurrentSession(WHOAMI, metadata=bearer(KEY.sign(claims())))
    assert error.value.code() == grpc.StatusCode.UNAVAILABLE
    assert error_reason(error.value) == "BACKEND_UNAVAILABLE"
    assert "10.1.2.3" not in (error.value.details() or "")


async def test_client_sent_warden_metadata_is_stripped(store: MemorySessions) -> None:
    interceptor = WardenInterceptor(StaticKeys([KEY.jwk]), store)
    async with serve(interceptor) as (address, sessions):
        async with grpc.aio.insecure_channel(address) as channel:
            stub = session_pb2_grpc.SessionServiceStub(channel)
            metadata = (
                *bearer(KEY.sign(claims())),
                ("x-warden-user-id", "admin"),
                ("x-request-id", "r1"),
            )
            await stub.GetCurrentSession(WHOAMI, metadata=metadata)
    keys = {key for key, _ in sessions.seen_metadata}
    assert "x-request-id" in keys
    assert not any(key.startswith("x-warden-") for key in keys)


async def test_handlers_use_the_require_helpers(stub, store: MemorySessions) -> None:
    token = KEY.sign(claims())
    own = await stub.ListSessions(
        session_pb2.ListSessionsRequest(user_id="user-1"), metadata=bearer(token)
    )
    assert own.sessions[0].session_id == "session-1"
    call = stub.ListSessions(
        session_pb2.ListSessionsRequest(user_id="user-2"), metadata=bearer(token)
    )
    assert await refused(call) == (grpc.StatusCode.PERMISSION_DENIED, "PERMISSION_DENIED")

    admin_only = session_pb2.RevokeUserSessionsRequest(user_id="user-2")
    store.sessions["session-1"] = live_session(roles=["viewer"])
    call = stub.RevokeUserSessions(admin_only, metadata=bearer(token))
    assert await refused(call) == (grpc.StatusCode.PERMISSION_DENIED, "PERMISSION_DENIED")
    store.sessions["session-1"] = live_session(roles=["admin"])
    await stub.RevokeUserSessions(admin_only, metadata=bearer(token))


class EnrichedLater(MemorySessions):
    """Serves session-1 without `enriched_at` for its first `plain_reads` reads."""

    def __init__(self, plain_reads: int) -> None:
        super().__init__()
        self.plain_reads = plain_reads

    async def session(self, session_id: str, token: str) -> session_pb2.Session | None:
        self.reads += 1
        return live_session(enriched=self.reads > self.plain_reads, roles=["admin"])


async def test_a_session_without_roles_yet_is_waited_for_then_not_ready() -> None:
    token = bearer(KEY.sign(claims()))
    admin_only = session_pb2.RevokeUserSessionsRequest(user_id="user-2")

    async def call(store: MemorySessions, **options) -> tuple[grpc.StatusCode, str | None]:
        interceptor = WardenInterceptor(StaticKeys([KEY.jwk]), store, **options)
        async with serve(interceptor) as (address, _):
            async with grpc.aio.insecure_channel(address) as channel:
                stub = session_pb2_grpc.SessionServiceStub(channel)
                try:
                    await stub.RevokeUserSessions(admin_only, metadata=token)
                except grpc.aio.AioRpcError as error:
                    return error.code(), error_reason(error)
                return grpc.StatusCode.OK, None

    # Enriched on the third read: the request waits and sees the roles.
    late = EnrichedLater(plain_reads=2)
    assert await call(late, enrichment_wait=2.0) == (grpc.StatusCode.OK, None)
    assert late.reads == 3

    # Never enriched: UNAVAILABLE / SESSION_NOT_READY once the wait ran out.
    never = EnrichedLater(plain_reads=10**9)
    started = time.monotonic()
    outcome = await call(never, enrichment_wait=0.15)
    assert outcome == (grpc.StatusCode.UNAVAILABLE, "SESSION_NOT_READY")
    assert 0.15 <= time.monotonic() - started < 2.0
    assert never.reads >= 3, "the wait re-reads the session source"

    # Without the wait the request is admitted; require_role refuses it the
    # same way (roles not known yet are not "no roles").
    outcome = await call(EnrichedLater(plain_reads=10**9), enrichment_wait=0)
    assert outcome == (grpc.StatusCode.UNAVAILABLE, "SESSION_NOT_READY")
    assert WardenInterceptor(StaticKeys([]), MemorySessions()).enrichment_wait == 3.0


async def test_blocking_handlers_and_streams_see_the_caller(store: MemorySessions) -> None:
    from warden_client import authz_pb2_grpc

    interceptor = WardenInterceptor(StaticKeys([KEY.jwk]), store)
    async with serve(interceptor) as (address, _):
        async with grpc.aio.insecure_channel(address) as channel:
            token = bearer(KEY.sign(claims()))
            sessions = session_pb2_grpc.SessionServiceStub(channel)
            response = await sessions.GetSession(session_pb2.GetSessionRequest(), metadata=token)
            assert response.session.user_id == "user-1"
            authz = authz_pb2_grpc.AuthzServiceStub(channel)
            ids = [
                r.resource_object_id
                async for r in authz.LookupResources(
                    authz_pb2.LookupResourcesRequest(), metadata=token
                )
            ]
            assert ids == ["user-1-0", "user-1-1", "user-1-2"]
            stream = authz.LookupResources(authz_pb2.LookupResourcesRequest())
            with pytest.raises(grpc.aio.AioRpcError) as error:
                async for _ in stream:
                    pass
            assert error_reason(error.value) == "MISSING_TOKEN"


async def test_open_services_need_no_token(channel, store: MemorySessions) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    response = await health.Check(health_pb2.HealthCheckRequest())
    assert response.status == health_pb2.HealthCheckResponse.SERVING
    assert store.reads == 0


async def test_verified_tokens_are_remembered_and_sessions_read_per_call(
    stub, interceptor: WardenInterceptor, store: MemorySessions
) -> None:
    token = KEY.sign(claims())
    for _ in range(3):
        await stub.GetCurrentSession(WHOAMI, metadata=bearer(token))
    assert interceptor.verifier.remembered == 1
    assert store.reads == 3, "no feed: every call reads the session"


def test_current_auth_outside_a_call_is_missing_token() -> None:
    with pytest.raises(AuthError) as error:
        current_auth()
    assert error.value.reason is Reason.MISSING_TOKEN


async def test_the_session_cache_follows_events_and_is_bypassed_without_a_feed() -> None:
    inner = MemorySessions()
    inner.sessions["s"] = live_session("s", user="u")
    inner.sessions["a"] = live_session("a", user="u")
    cache = CachedSessionSource(inner, max_age=60)

    await cache.session("s", "t")
    await cache.session("s", "t")
    assert inner.reads == 2, "no feed, no cache"

    cache.set_feed_up(True)
    await cache.session("s", "t")
    await cache.session("s", "t")
    assert inner.reads == 3, "second read from the cache"

    inner.sessions["new"] = live_session("new", user="u", enriched=False)
    await cache.session("new", "t")
    await cache.session("new", "t")
    assert inner.reads == 5 and len(cache) == 1, "no roles yet: not cached"
    del inner.sessions["new"]

    del inner.sessions["s"]
    revoked = events_pb2.SessionRevoked(session_id="s", user_id="u")
    cache.apply_event("warden.events.v1.SessionRevoked", revoked.SerializeToString())
    assert await cache.session("s", "t") is None, "revocation reaches the cache at once"

    await cache.session("a", "t")
    reads = inner.reads
    updated = events_pb2.SessionUpdated(session_id="a", user_id="u")
    cache.apply_event("warden.events.v1.SessionUpdated", updated.SerializeToString())
    await cache.session("a", "t")
    assert inner.reads == reads + 1, "an update drops the session"

    suspended = events_pb2.UserSuspended(user_id="u")
    cache.apply_event("warden.events.v1.UserSuspended", suspended.SerializeToString())
    assert len(cache) == 0, "a suspension drops the user's sessions"

    await cache.session("a", "t")
    deleted = events_pb2.UserDeleted(user_id="u")
    cache.apply_event("warden.events.v1.UserDeleted", deleted.SerializeToString())
    assert len(cache) == 0, "a deletion drops the user's sessions"

    await cache.session("a", "t")
    cache.apply_event("warden.events.v1.SessionRevoked", b"\xff\xff not protobuf")
    assert len(cache) == 0, "an undecodable event empties the cache"

    await cache.session("a", "t")
    cache.set_feed_up(False)
    reads = inner.reads
    await cache.session("a", "t")
    assert inner.reads == reads + 1, "a lost feed empties and bypasses the cache"


async def test_two_authorization_values_are_malformed(store: MemorySessions) -> None:
    keys = StaticKeys([KEY.jwk])
    interceptor = WardenInterceptor(keys, store)
    token = KEY.sign(claims())
    async with serve(interceptor) as (address, _):
        async with grpc.aio.insecure_channel(address) as channel:
            stub = session_pb2_grpc.SessionServiceStub(channel)
            # Which of two different credentials a proxy on the way checked is
            # unknown: neither is taken.
            for second in ("Basic dXNlcjpwYXNz", "Bearer garbage", f"bearer {token}"):
                metadata = (*bearer(token), ("authorization", second))
                call = stub.GetCurrentSession(WHOAMI, metadata=metadata)
                assert await refused(call) == (UNAUTHENTICATED, "MALFORMED_TOKEN"), second
            assert keys.reads == 0, "refused before any token was verified"
            # The same credential twice (a channel and a call that both add it) is one.
            twice = (*bearer(token), *bearer(token))
            assert (await stub.GetCurrentSession(WHOAMI, metadata=twice)).session
            assert (await stub.GetCurrentSession(WHOAMI, metadata=bearer(token))).session
    assert keys.reads == 1
    assert store.reads == 2


async def test_a_gone_session_of_a_token_past_its_exp_expired(stub, store: MemorySessions) -> None:
    now = int(time.time())
    store.sessions["theirs"] = live_session("theirs", user="user-2")
    past = {"exp": now - 10, "iat": now - 600, "nbf": now - 600}  # within the 30 s leeway
    cases = [
        # Warden never signs a token past its session's end: a session gone
        # while its token is in the leeway after `exp` ran out.
        (claims(sid="gone", **past), Reason.SESSION_EXPIRED),
        (claims(sid="gone"), Reason.SESSION_REVOKED),
        (claims(sid="theirs", **past), Reason.SESSION_REVOKED),
    ]
    for token_claims, reason in cases:
        call = stub.GetCurrentSession(WHOAMI, metadata=bearer(KEY.sign(token_claims)))
        assert await refused(call) == (UNAUTHENTICATED, reason.value), token_claims
