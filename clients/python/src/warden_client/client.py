"""Clients that log in to Warden and keep the access token fresh.

`WardenClient` (blocking, `grpc`) and `AsyncWardenClient` (`grpc.aio`) log in
with a password or an API key, attach `authorization: Bearer <token>` to every
call made through them, refresh the token before it expires (rotating the
refresh token), and log in again when Warden rejects the refresh (reuse,
idle timeout). Both are safe to share between threads (sync) or tasks (async):
concurrent callers wait for one refresh.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import grpc
import grpc.aio

from .errors import status_code
from .gen.warden.auth.v1 import auth_pb2, auth_pb2_grpc
from .gen.warden.authz.v1 import authz_pb2_grpc
from .gen.warden.session.v1 import session_pb2_grpc

logger = logging.getLogger("warden_client")

#: Warden methods that take no bearer token; the helpers never attach one to them.
OPEN_METHODS = frozenset(
    {
        "/warden.auth.v1.AuthService/Register",
        "/warden.auth.v1.AuthService/Login",
        "/warden.auth.v1.AuthService/LoginWithApiKey",
        "/warden.auth.v1.AuthService/Refresh",
        "/warden.auth.v1.AuthService/GetJwks",
        "/grpc.health.v1.Health/Check",
        "/grpc.health.v1.Health/Watch",
    }
)


class NotLoggedInError(RuntimeError):
    """A token was needed before `login` or `login_with_api_key` succeeded."""


class _Schedule:
    """When the current access token must be refreshed, and when it expires.

    Times are monotonic, measured from just before the call that issued the
    token, so a slow response only makes the refresh earlier.
    """

    def __init__(self, max_margin: float) -> None:
        self.max_margin = max_margin
        self.refresh_at = 0.0
        self.expires_at = 0.0

    def issued(self, requested_at: float, expires_in: int) -> None:
        lifetime = max(float(expires_in), 0.0)
        # Refresh with a quarter of the lifetime left, at most `max_margin` before expiry.
        margin = min(self.max_margin, lifetime / 4)
        self.expires_at = requested_at + lifetime
        self.refresh_at = self.expires_at - margin

    def retry_soon(self, now: float) -> None:
        """A refresh failed but the token is still valid: try again shortly."""
        self.refresh_at = now + min(1.0, max(self.expires_at - now, 0.0) / 2)


def _method_name(method: str | bytes) -> str:
    return method.decode() if isinstance(method, bytes) else method


def _with_bearer(metadata: Any, token: str) -> list[tuple[str, str | bytes]]:
    pairs = list(metadata or ())
    if not any(key == "authorization" for key, _ in pairs):
        pairs.append(("authorization", f"Bearer {token}"))
    return pairs


def _needs_relogin(error: grpc.RpcError) -> bool:
    """Warden refused the refresh token itself (rotated, reused, idle, unknown)."""
    return status_code(error) == grpc.StatusCode.UNAUTHENTICATED


class WardenClient:
    """A blocking Warden client that keeps its access token fresh.

    >>> with WardenClient("127.0.0.1:50051") as warden:      # doctest: +SKIP
    ...     warden.login("alice@example.com", "correct horse battery staple")
    ...     me = warden.sessions.GetCurrentSession(GetCurrentSessionRequest()).session

    `auth`, `sessions` and `authz` are the generated stubs over `channel`, which
    attaches the token to every call; `intercept()` does the same for a channel
    to another service, and `call_credentials()` for a secure channel.
    """

    def __init__(
        self,
        target: str,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        options: Sequence[tuple[str, Any]] = (),
        refresh_margin: float = 60.0,
        timeout: float = 10.0,
    ) -> None:
        if credentials is None:
            self._raw = grpc.insecure_channel(target, options=options)
        else:
            self._raw = grpc.secure_channel(target, credentials, options=options)
        self._timeout = timeout
        self._open = auth_pb2_grpc.AuthServiceStub(self._raw)
        self._lock = threading.Lock()
        self._tokens: auth_pb2.Tokens | None = None
        self._login: Callable[[], auth_pb2.Tokens] | None = None
        self._schedule = _Schedule(refresh_margin)
        self._interceptors = _sync_interceptors(self._bearer)
        self.channel: grpc.Channel = grpc.intercept_channel(self._raw, *self._interceptors)
        self.auth = auth_pb2_grpc.AuthServiceStub(self.channel)
        self.sessions = session_pb2_grpc.SessionServiceStub(self.channel)
        self.authz = authz_pb2_grpc.AuthzServiceStub(self.channel)

    def __enter__(self) -> WardenClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"WardenClient(user_id={self.user_id!r}, session_id={self.session_id!r})"

    def close(self) -> None:
        """Closes the channel."""
        self._raw.close()

    @property
    def user_id(self) -> str | None:
        """The logged-in user, or None."""
        tokens = self._tokens
        return tokens.user_id if tokens else None

    @property
    def session_id(self) -> str | None:
        """The current session, or None."""
        tokens = self._tokens
        return tokens.session_id if tokens else None

    def register(self, email: str, password: str, display_name: str = "") -> str:
        """Registers a user and returns its id (does not log in)."""
        request = auth_pb2.RegisterRequest(
            email=email, password=password, display_name=display_name
        )
        return self._open.Register(request, timeout=self._timeout).user_id

    def login(self, email: str, password: str) -> auth_pb2.Tokens:
        """Logs in with a password; the credentials are kept to log in again if needed."""

        def login() -> auth_pb2.Tokens:
            request = auth_pb2.LoginRequest(email=email, password=password)
            return self._open.Login(request, timeout=self._timeout).tokens

        return self._start(login)

    def login_with_api_key(self, api_key: str) -> auth_pb2.Tokens:
        """Logs in with an API key; the key is kept to log in again if needed."""

        def login() -> auth_pb2.Tokens:
            request = auth_pb2.LoginWithApiKeyRequest(api_key=api_key)
            return self._open.LoginWithApiKey(request, timeout=self._timeout).tokens

        return self._start(login)

    def _start(self, login: Callable[[], auth_pb2.Tokens]) -> auth_pb2.Tokens:
        with self._lock:
            requested_at = time.monotonic()
            tokens = login()
            self._login = login
            self._set(tokens, requested_at)
            return tokens

    def _set(self, tokens: auth_pb2.Tokens, requested_at: float) -> None:
        self._tokens = tokens
        self._schedule.issued(requested_at, tokens.expires_in)

    def access_token(self) -> str:
        """A valid access token, refreshed first when it is close to expiry."""
        with self._lock:
            if self._tokens is None:
                raise NotLoggedInError("log in first")
            now = time.monotonic()
            if now >= self._schedule.refresh_at:
                self._renew(now)
            return self._tokens.access_token

    def _renew(self, now: float) -> None:
        assert self._tokens is not None
        try:
            request = auth_pb2.RefreshRequest(refresh_token=self._tokens.refresh_token)
            self._set(self._open.Refresh(request, timeout=self._timeout).tokens, now)
            return
        except grpc.RpcError as error:
            if _needs_relogin(error) and self._login is not None:
                logger.info("refresh token refused (%s); logging in again", status_code(error))
                self._set(self._login(), now)
                return
            if now < self._schedule.expires_at:
                logger.warning("token refresh failed (%s); retrying shortly", status_code(error))
                self._schedule.retry_soon(now)
                return
            raise

    def logout(self) -> None:
        """Ends the session at Warden and forgets the tokens and credentials."""
        with self._lock:
            tokens, self._tokens, self._login = self._tokens, None, None
        if tokens is not None:
            self.auth.Logout(
                auth_pb2.LogoutRequest(),
                metadata=(("authorization", f"Bearer {tokens.access_token}"),),
                timeout=self._timeout,
            )

    def _bearer(self) -> str | None:
        return None if self._tokens is None else self.access_token()

    def intercept(self, channel: grpc.Channel) -> grpc.Channel:
        """`channel` with this client's token attached to every call (any service)."""
        return grpc.intercept_channel(channel, *self._interceptors)

    def call_credentials(self) -> grpc.CallCredentials:
        """Per-call credentials carrying the token, for secure channels."""
        return grpc.metadata_call_credentials(_TokenPlugin(self), name="warden")


class _TokenPlugin(grpc.AuthMetadataPlugin):
    def __init__(self, client: WardenClient) -> None:
        self._client = client

    def __call__(
        self,
        context: grpc.AuthMetadataContext,
        callback: grpc.AuthMetadataPluginCallback,
    ) -> None:
        try:
            token = self._client.access_token()
        except Exception as error:
            callback((), error)
            return
        callback((("authorization", f"Bearer {token}"),), None)


class _SyncCallDetails(
    collections.namedtuple(
        "_SyncCallDetails",
        ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression"),
    ),
    grpc.ClientCallDetails,
):
    pass


def _sync_interceptors(bearer: Callable[[], str | None]) -> list[Any]:
    def details(call_details: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
        if _method_name(call_details.method) in OPEN_METHODS:
            return call_details
        token = bearer()
        if token is None:
            return call_details
        return _SyncCallDetails(
            call_details.method,
            call_details.timeout,
            _with_bearer(call_details.metadata, token),
            call_details.credentials,
            getattr(call_details, "wait_for_ready", None),
            getattr(call_details, "compression", None),
        )

    class Interceptor(
        grpc.UnaryUnaryClientInterceptor,
        grpc.UnaryStreamClientInterceptor,
        grpc.StreamUnaryClientInterceptor,
        grpc.StreamStreamClientInterceptor,
    ):
        def intercept_unary_unary(self, continuation, call_details, request):  # type: ignore[no-untyped-def]
            return continuation(details(call_details), request)

        def intercept_unary_stream(self, continuation, call_details, request):  # type: ignore[no-untyped-def]
            return continuation(details(call_details), request)

        def intercept_stream_unary(self, continuation, call_details, requests):  # type: ignore[no-untyped-def]
            return continuation(details(call_details), requests)

        def intercept_stream_stream(self, continuation, call_details, requests):  # type: ignore[no-untyped-def]
            return continuation(details(call_details), requests)

    return [Interceptor()]


class AsyncWardenClient:
    """The `grpc.aio` counterpart of `WardenClient`; create it inside a running loop.

    >>> async with AsyncWardenClient("127.0.0.1:50051") as warden:   # doctest: +SKIP
    ...     await warden.login("alice@example.com", "correct horse battery staple")
    ...     me = await warden.sessions.GetCurrentSession(GetCurrentSessionRequest())

    `interceptors()` returns client interceptors that attach the token, for a
    `grpc.aio` channel to another service.
    """

    def __init__(
        self,
        target: str,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        options: Sequence[tuple[str, Any]] = (),
        refresh_margin: float = 60.0,
        timeout: float = 10.0,
    ) -> None:
        interceptors = self.interceptors()
        if credentials is None:
            self.channel = grpc.aio.insecure_channel(
                target, options=options, interceptors=interceptors
            )
        else:
            self.channel = grpc.aio.secure_channel(
                target, credentials, options=options, interceptors=interceptors
            )
        self._timeout = timeout
        self._lock = asyncio.Lock()
        self._tokens: auth_pb2.Tokens | None = None
        self._login: Callable[[], Awaitable[auth_pb2.Tokens]] | None = None
        self._schedule = _Schedule(refresh_margin)
        # Open methods carry no token, so these stubs serve the login and refresh calls too.
        self.auth = auth_pb2_grpc.AuthServiceStub(self.channel)
        self.sessions = session_pb2_grpc.SessionServiceStub(self.channel)
        self.authz = authz_pb2_grpc.AuthzServiceStub(self.channel)

    async def __aenter__(self) -> AsyncWardenClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"AsyncWardenClient(user_id={self.user_id!r}, session_id={self.session_id!r})"

    async def close(self) -> None:
        """Closes the channel."""
        await self.channel.close()

    @property
    def user_id(self) -> str | None:
        """The logged-in user, or None."""
        return self._tokens.user_id if self._tokens else None

    @property
    def session_id(self) -> str | None:
        """The current session, or None."""
        return self._tokens.session_id if self._tokens else None

    async def register(self, email: str, password: str, display_name: str = "") -> str:
        """Registers a user and returns its id (does not log in)."""
        request = auth_pb2.RegisterRequest(
            email=email, password=password, display_name=display_name
        )
        response = await self.auth.Register(request, timeout=self._timeout)
        return response.user_id

    async def login(self, email: str, password: str) -> auth_pb2.Tokens:
        """Logs in with a password; the credentials are kept to log in again if needed."""

        async def login() -> auth_pb2.Tokens:
            request = auth_pb2.LoginRequest(email=email, password=password)
            return (await self.auth.Login(request, timeout=self._timeout)).tokens

        return await self._start(login)

    async def login_with_api_key(self, api_key: str) -> auth_pb2.Tokens:
        """Logs in with an API key; the key is kept to log in again if needed."""

        async def login() -> auth_pb2.Tokens:
            request = auth_pb2.LoginWithApiKeyRequest(api_key=api_key)
            return (await self.auth.LoginWithApiKey(request, timeout=self._timeout)).tokens

        return await self._start(login)

    async def _start(self, login: Callable[[], Awaitable[auth_pb2.Tokens]]) -> auth_pb2.Tokens:
        async with self._lock:
            requested_at = time.monotonic()
            tokens = await login()
            self._login = login
            self._tokens = tokens
            self._schedule.issued(requested_at, tokens.expires_in)
            return tokens

    async def access_token(self) -> str:
        """A valid access token, refreshed first when it is close to expiry."""
        async with self._lock:
            if self._tokens is None:
                raise NotLoggedInError("log in first")
            now = time.monotonic()
            if now >= self._schedule.refresh_at:
                await self._renew(now)
            return self._tokens.access_token

    async def _renew(self, now: float) -> None:
        assert self._tokens is not None
        try:
            request = auth_pb2.RefreshRequest(refresh_token=self._tokens.refresh_token)
            tokens = (await self.auth.Refresh(request, timeout=self._timeout)).tokens
        except grpc.RpcError as error:
            if _needs_relogin(error) and self._login is not None:
                logger.info("refresh token refused (%s); logging in again", status_code(error))
                tokens = await self._login()
            elif now < self._schedule.expires_at:
                logger.warning("token refresh failed (%s); retrying shortly", status_code(error))
                self._schedule.retry_soon(now)
                return
            else:
                raise
        self._tokens = tokens
        self._schedule.issued(now, tokens.expires_in)

    async def logout(self) -> None:
        """Ends the session at Warden and forgets the tokens and credentials."""
        async with self._lock:
            tokens, self._tokens, self._login = self._tokens, None, None
        if tokens is not None:
            await self.auth.Logout(
                auth_pb2.LogoutRequest(),
                metadata=(("authorization", f"Bearer {tokens.access_token}"),),
                timeout=self._timeout,
            )

    async def _bearer(self) -> str | None:
        return None if self._tokens is None else await self.access_token()

    def interceptors(self) -> list[grpc.aio.ClientInterceptor]:
        """Client interceptors attaching this client's token, for any `grpc.aio` channel."""
        return _aio_interceptors(self._bearer)


def _aio_interceptors(
    bearer: Callable[[], Awaitable[str | None]],
) -> list[grpc.aio.ClientInterceptor]:
    async def details(call_details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        if _method_name(call_details.method) in OPEN_METHODS:
            return call_details
        token = await bearer()
        if token is None:
            return call_details
        metadata = grpc.aio.Metadata(*_with_bearer(call_details.metadata, token))
        return call_details._replace(metadata=metadata)

    class UnaryUnary(grpc.aio.UnaryUnaryClientInterceptor):
        async def intercept_unary_unary(self, continuation, call_details, request):  # type: ignore[no-untyped-def]
            return await continuation(await details(call_details), request)

    class UnaryStream(grpc.aio.UnaryStreamClientInterceptor):
        async def intercept_unary_stream(self, continuation, call_details, request):  # type: ignore[no-untyped-def]
            return await continuation(await details(call_details), request)

    class StreamUnary(grpc.aio.StreamUnaryClientInterceptor):
        async def intercept_stream_unary(self, continuation, call_details, requests):  # type: ignore[no-untyped-def]
            return await continuation(await details(call_details), requests)

    class StreamStream(grpc.aio.StreamStreamClientInterceptor):
        async def intercept_stream_stream(self, continuation, call_details, requests):  # type: ignore[no-untyped-def]
            return await continuation(await details(call_details), requests)

    return [UnaryUnary(), UnaryStream(), StreamUnary(), StreamStream()]
