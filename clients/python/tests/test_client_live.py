"""WardenClient and AsyncWardenClient against a live warden: login, refresh
across several token expiries without the caller noticing, re-login when the
refresh token is refused, API keys, concurrency."""

from __future__ import annotations

import asyncio
import threading
import time

import grpc
import jwt
import pytest
from conftest import ACCESS_TOKEN_TTL, PASSWORD, LiveWarden, unique_email

from warden_client import (
    AsyncWardenClient,
    NotLoggedInError,
    WardenClient,
    auth_pb2,
    error_reason,
    session_pb2,
)

#: Long enough for three token lifetimes (each refreshed with a quarter left).
THREE_LIFETIMES = 3 * ACCESS_TOKEN_TTL * 0.75 + 1


def expiry(token: str) -> int:
    return jwt.decode(token, options={"verify_signature": False})["exp"]


def test_sync_client_refreshes_across_expiries_without_the_caller_noticing(
    warden: LiveWarden,
) -> None:
    email = unique_email()
    with WardenClient(warden.target) as client:
        user_id = client.register(email, PASSWORD, "Py Sync")
        first = client.login(email, PASSWORD)
        assert client.user_id == user_id and client.session_id == first.session_id

        tokens: set[str] = set()
        failures: list[BaseException] = []
        calls = 0
        lock = threading.Lock()
        deadline = time.monotonic() + THREE_LIFETIMES

        def caller() -> None:
            nonlocal calls
            while time.monotonic() < deadline:
                try:
                    token = client.access_token()
                    assert expiry(token) > time.time(), "a token is used after its expiry"
                    session = client.sessions.GetCurrentSession(
                        session_pb2.GetCurrentSessionRequest()
                    ).session
                    assert session.user_id == user_id
                    assert session.session_id == first.session_id
                except BaseException as error:
                    failures.append(error)
                    return
                with lock:
                    tokens.add(token)
                    calls += 1
                time.sleep(0.2)

        threads = [threading.Thread(target=caller) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures
        assert calls > 50
        # The first token and at least three refreshed ones, all in one session.
        assert len(tokens) >= 4, len(tokens)


async def test_async_client_refreshes_across_expiries(warden: LiveWarden) -> None:
    email = unique_email()
    async with AsyncWardenClient(warden.target) as client:
        user_id = await client.register(email, PASSWORD)
        first = await client.login(email, PASSWORD)
        seen: set[str] = set()
        deadline = time.monotonic() + 2 * ACCESS_TOKEN_TTL * 0.75 + 1

        async def caller() -> int:
            calls = 0
            while time.monotonic() < deadline:
                seen.add(await client.access_token())
                response = await client.sessions.GetCurrentSession(
                    session_pb2.GetCurrentSessionRequest()
                )
                assert response.session.user_id == user_id
                assert response.session.session_id == first.session_id
                calls += 1
                await asyncio.sleep(0.2)
            return calls

        counts = await asyncio.gather(*(caller() for _ in range(4)))
        assert sum(counts) > 40
        assert len(seen) >= 3, len(seen)


def test_sync_client_logs_in_again_when_the_refresh_token_is_refused(warden: LiveWarden) -> None:
    email = unique_email()
    with WardenClient(warden.target) as client, WardenClient(warden.target) as other:
        client.register(email, PASSWORD)
        first = client.login(email, PASSWORD)
        other.login(email, PASSWORD)
        # The session ends elsewhere: its refresh token is refused from now on.
        other.sessions.RevokeSession(session_pb2.RevokeSessionRequest(session_id=first.session_id))
        with pytest.raises(grpc.RpcError) as refused:
            client.sessions.GetCurrentSession(session_pb2.GetCurrentSessionRequest())
        assert error_reason(refused.value) == "SESSION_REVOKED"

        time.sleep(ACCESS_TOKEN_TTL * 0.75 + 0.2)
        session = client.sessions.GetCurrentSession(session_pb2.GetCurrentSessionRequest())
        assert session.session.session_id != first.session_id
        assert client.session_id == session.session.session_id


async def test_async_client_logs_in_with_an_api_key_and_logs_out(warden: LiveWarden) -> None:
    email = unique_email()
    async with AsyncWardenClient(warden.target) as owner:
        await owner.register(email, PASSWORD)
        await owner.login(email, PASSWORD)
        created = await owner.auth.CreateApiKey(auth_pb2.CreateApiKeyRequest(name="py-tests"))
        assert created.api_key.startswith("wdn_")

    async with AsyncWardenClient(warden.target) as service:
        tokens = await service.login_with_api_key(created.api_key)
        session = (
            await service.sessions.GetCurrentSession(session_pb2.GetCurrentSessionRequest())
        ).session
        assert session.auth_method == session_pb2.AUTH_METHOD_API_KEY
        assert session.api_key_id == created.key_id
        await service.logout()
        assert service.user_id is None
        with pytest.raises(NotLoggedInError):
            await service.access_token()
        # The logged-out token is refused by warden at once.
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await service.sessions.GetCurrentSession(
                session_pb2.GetCurrentSessionRequest(),
                metadata=(("authorization", f"Bearer {tokens.access_token}"),),
            )
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert error_reason(refused.value) == "SESSION_REVOKED"


def test_intercept_and_call_credentials_attach_the_token(warden: LiveWarden) -> None:
    from warden_client import session_pb2_grpc

    email = unique_email()
    with WardenClient(warden.target) as client:
        client.register(email, PASSWORD)
        client.login(email, PASSWORD)
        # Another channel (as to a resource service) gets the token through intercept().
        with grpc.insecure_channel(warden.target) as channel:
            stub = session_pb2_grpc.SessionServiceStub(client.intercept(channel))
            assert stub.GetCurrentSession(session_pb2.GetCurrentSessionRequest()).session.user_id
        # Call credentials need a channel that may carry them: local TCP counts.
        credentials = grpc.composite_channel_credentials(
            grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP),
            client.call_credentials(),
        )
        with grpc.secure_channel(warden.target, credentials) as channel:
            stub = session_pb2_grpc.SessionServiceStub(channel)
            session = stub.GetCurrentSession(session_pb2.GetCurrentSessionRequest()).session
            assert session.user_id == client.user_id


def test_wrong_password_is_reported_with_its_reason(warden: LiveWarden) -> None:
    with WardenClient(warden.target) as client:
        with pytest.raises(grpc.RpcError) as refused:
            client.login(unique_email(), "not the password")
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert error_reason(refused.value) == "INVALID_CREDENTIALS"
        with pytest.raises(NotLoggedInError):
            client.access_token()


async def test_async_client_logs_in_again_when_the_refresh_token_is_refused(
    warden: LiveWarden,
) -> None:
    email = unique_email()
    async with (
        AsyncWardenClient(warden.target) as client,
        AsyncWardenClient(warden.target) as other,
    ):
        await client.register(email, PASSWORD)
        first = await client.login(email, PASSWORD)
        await other.login(email, PASSWORD)
        await other.sessions.RevokeSession(
            session_pb2.RevokeSessionRequest(session_id=first.session_id)
        )
        # Skip the wait for the refresh point: the next call refreshes.
        client._schedule.refresh_at = 0.0
        response = await client.sessions.GetCurrentSession(session_pb2.GetCurrentSessionRequest())
        assert response.session.session_id != first.session_id
        assert client.session_id == response.session.session_id
