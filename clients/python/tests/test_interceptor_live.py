"""WardenInterceptor in front of a service, against a live warden: keys from
GetJwks / the HTTP JWKS, sessions from Redis, the revocation feed from
RabbitMQ. Mirrors tests/tests/reject_paths.rs with tokens forged with warden's
own signing key."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator

import grpc
import grpc.aio
import pytest
from conftest import ADMIN_EMAIL, PASSWORD, LiveWarden, unique_email
from keys import hs256, unsigned
from services import serve

from warden_client import (
    AsyncWardenClient,
    auth_pb2,
    error_reason,
    session_pb2,
    session_pb2_grpc,
)
from warden_client.server import (
    CachedSessionSource,
    GrpcKeySource,
    RedisSessionSource,
    WardenInterceptor,
)

WHOAMI = session_pb2.GetCurrentSessionRequest()


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


@pytest.fixture
async def user(warden: LiveWarden) -> AsyncIterator[AsyncWardenClient]:
    """A registered, logged-in user."""
    async with AsyncWardenClient(warden.target) as client:
        email = unique_email()
        await client.register(email, PASSWORD)
        await client.login(email, PASSWORD)
        yield client


async def test_reject_paths_with_sessions_from_redis(
    warden: LiveWarden, user: AsyncWardenClient
) -> None:
    interceptor = WardenInterceptor.connect(
        warden.target, redis_url=warden.redis_url, jwks_url=warden.jwks_url
    )
    async with interceptor, serve(interceptor) as (address, _):
        token = await user.access_token()
        refresh_token = user._tokens.refresh_token  # the real refresh token's shape
        api_key = (await user.auth.CreateApiKey(auth_pb2.CreateApiKeyRequest(name="ci"))).api_key
        jwks = await user.auth.GetJwks(auth_pb2.GetJwksRequest())
        kid = jwks.keys[0].kid
        public_key = base64.urlsafe_b64decode(jwks.keys[0].x + "==")
        now = int(time.time())

        def claims(**over: object) -> dict[str, object]:
            base = {
                "iss": "warden",
                "aud": "warden",
                "sub": user.user_id,
                "sid": user.session_id,
                "iat": now,
                "nbf": now,
                "exp": now + 600,
                "jti": "forged",
            }
            return {**base, **over}

        sign = warden.sign_with_server_key
        head, body, signature = token.split(".")
        payload = json.loads(base64.urlsafe_b64decode(body + "=="))
        payload["sub"] = "someone-else"
        forged_body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=")
        cases = [
            ("no token", None, "MISSING_TOKEN"),
            ("garbage", "garbage", "MALFORMED_TOKEN"),
            (
                "alg none",
                unsigned({"alg": "none", "typ": "at+jwt", "kid": kid}, claims()),
                "UNSUPPORTED_ALGORITHM",
            ),
            (
                "HS256 with the public key",
                hs256(kid, claims(), public_key),
                "UNSUPPORTED_ALGORITHM",
            ),
            (
                "HS256 with the JWKS text",
                hs256(kid, claims(), jwks.jwks_json.encode()),
                "UNSUPPORTED_ALGORITHM",
            ),
            ("unknown kid", sign(claims(), kid="not-a-published-key"), "UNKNOWN_KEY"),
            (
                "tampered payload",
                f"{head}.{forged_body.decode()}.{signature}",
                "INVALID_SIGNATURE",
            ),
            ("expired", sign(claims(exp=now - 120, iat=now - 700, nbf=now - 700)), "TOKEN_EXPIRED"),
            ("not yet valid", sign(claims(nbf=now + 300)), "TOKEN_NOT_YET_VALID"),
            ("wrong iss", sign(claims(iss="evil")), "INVALID_ISSUER"),
            ("wrong aud", sign(claims(aud="other")), "INVALID_AUDIENCE"),
            ("wrong typ", sign(claims(), typ="JWT"), "INVALID_TOKEN_TYPE"),
            (
                "missing sid",
                sign({k: v for k, v in claims().items() if k != "sid"}),
                "MALFORMED_TOKEN",
            ),
            ("unknown session", sign(claims(sid="0" * 32)), "SESSION_REVOKED"),
            ("refresh token as access token", refresh_token, "MALFORMED_TOKEN"),
            ("api key as access token", api_key, "MALFORMED_TOKEN"),
            ("64 KiB metadata value", "a" * 64 * 1024, "MALFORMED_TOKEN"),
        ]
        async with grpc.aio.insecure_channel(address) as channel:
            stub = session_pb2_grpc.SessionServiceStub(channel)
            # A correctly signed token with our own claims passes: the forging works.
            forged = await stub.GetCurrentSession(WHOAMI, metadata=bearer(sign(claims())))
            assert forged.session.user_id == user.user_id
            for name, bad, reason in cases:
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await stub.GetCurrentSession(
                        WHOAMI, metadata=bearer(bad) if bad is not None else ()
                    )
                assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED, name
                assert error_reason(refused.value) == reason, name

            # The real token passes; logging out refuses it at once.
            response = await stub.GetCurrentSession(WHOAMI, metadata=bearer(token))
            assert response.session.session_id == user.session_id
            assert response.session.user_id == user.user_id
            await user.logout()
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stub.GetCurrentSession(WHOAMI, metadata=bearer(token))
            assert error_reason(refused.value) == "SESSION_REVOKED"


class CountingSource:
    def __init__(self, inner: RedisSessionSource) -> None:
        self.inner = inner
        self.reads = 0

    async def session(self, session_id: str, token: str) -> session_pb2.Session | None:
        self.reads += 1
        return await self.inner.session(session_id, token)


async def wait_for(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_the_revocation_feed_evicts_a_cached_session(
    warden: LiveWarden, user: AsyncWardenClient
) -> None:
    redis = RedisSessionSource.from_url(warden.redis_url)
    source = CountingSource(redis)
    cache = CachedSessionSource(source, max_age=300)
    warden_channel = grpc.aio.insecure_channel(warden.target)
    interceptor = WardenInterceptor(GrpcKeySource(warden_channel), cache)
    cache.follow_revocations(warden.amqp_url)
    try:
        await wait_for(lambda: cache.feed_up, "the revocation feed")
        async with serve(interceptor) as (address, _):
            async with grpc.aio.insecure_channel(address) as channel:
                stub = session_pb2_grpc.SessionServiceStub(channel)
                token = await user.access_token()
                for _ in range(3):
                    await stub.GetCurrentSession(WHOAMI, metadata=bearer(token))
                assert source.reads == 1, "later calls are served from the cache"
                assert len(cache) == 1

                await user.logout()
                await wait_for(lambda: len(cache) == 0, "SessionRevoked to evict the session")
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await stub.GetCurrentSession(WHOAMI, metadata=bearer(token))
                assert error_reason(refused.value) == "SESSION_REVOKED"
    finally:
        await cache.close()
        await redis.close()
        await warden_channel.close()


async def test_sessions_from_session_service_when_there_is_no_redis(
    warden: LiveWarden, user: AsyncWardenClient
) -> None:
    interceptor = WardenInterceptor.connect(warden.target)
    async with interceptor, serve(interceptor) as (address, _):
        async with grpc.aio.insecure_channel(address) as channel:
            stub = session_pb2_grpc.SessionServiceStub(channel)
            token = await user.access_token()
            response = await stub.GetCurrentSession(WHOAMI, metadata=bearer(token))
            assert response.session.session_id == user.session_id
            await user.logout()
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stub.GetCurrentSession(WHOAMI, metadata=bearer(token))
            assert error_reason(refused.value) == "SESSION_REVOKED"


async def test_an_unreachable_redis_refuses_with_unavailable(
    warden: LiveWarden, user: AsyncWardenClient
) -> None:
    interceptor = WardenInterceptor.connect(warden.target, redis_url="redis://127.0.0.1:1")
    async with interceptor, serve(interceptor) as (address, _):
        async with grpc.aio.insecure_channel(address) as channel:
            stub = session_pb2_grpc.SessionServiceStub(channel)
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stub.GetCurrentSession(WHOAMI, metadata=bearer(await user.access_token()))
            assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
            assert error_reason(refused.value) == "BACKEND_UNAVAILABLE"


async def test_require_role_reads_the_enriched_session(
    warden: LiveWarden, user: AsyncWardenClient
) -> None:
    async with AsyncWardenClient(warden.target) as admin:
        try:
            await admin.register(ADMIN_EMAIL, PASSWORD)
        except grpc.aio.AioRpcError as error:
            assert error.code() == grpc.StatusCode.ALREADY_EXISTS
        await admin.login(ADMIN_EMAIL, PASSWORD)
        interceptor = WardenInterceptor.connect(warden.target, redis_url=warden.redis_url)
        async with interceptor, serve(interceptor) as (address, _):
            async with grpc.aio.insecure_channel(address) as channel:
                stub = session_pb2_grpc.SessionServiceStub(channel)
                admin_only = session_pb2.RevokeUserSessionsRequest(user_id="nobody")

                async def call(client: AsyncWardenClient) -> grpc.StatusCode:
                    # Roles arrive with SessionCreated enrichment: until then UNAVAILABLE.
                    deadline = time.monotonic() + 10
                    while True:
                        try:
                            token = await client.access_token()
                            await stub.RevokeUserSessions(admin_only, metadata=bearer(token))
                            return grpc.StatusCode.OK
                        except grpc.aio.AioRpcError as error:
                            if error.code() != grpc.StatusCode.UNAVAILABLE:
                                return error.code()
                        assert time.monotonic() < deadline, "the session is never enriched"
                        await asyncio.sleep(0.05)

                assert await call(admin) == grpc.StatusCode.OK
                assert await call(user) == grpc.StatusCode.PERMISSION_DENIED
