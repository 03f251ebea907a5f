"""The `grpc.aio` server interceptor: what the Rust `warden-interceptor` does,
for Python services."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import grpc
import grpc.aio

from ..gen.warden.session.v1 import session_pb2
from ._errors import AuthError, Reason
from ._sources import (
    CachedSessionSource,
    GrpcKeySource,
    GrpcSessionSource,
    HttpKeySource,
    RedisSessionSource,
    SessionSource,
)
from ._verify import MAX_TOKEN_BYTES, Claims, JwksCache, KeySource, TokenVerifier

logger = logging.getLogger("warden_client.server")

#: Seconds a request whose session has no `enriched_at` waits for it by default.
DEFAULT_ENRICHMENT_WAIT = 3.0

#: Metadata prefix that only Warden may set; client-sent values are removed.
RESERVED_METADATA_PREFIX = "x-warden-"


@dataclass(frozen=True)
class AuthContext:
    """The authenticated caller of the current RPC."""

    #: The user (`sub`).
    user_id: str
    #: The session (`sid`).
    session_id: str
    #: The session as loaded for this request.
    session: session_pb2.Session
    #: The verified claims of the access token.
    claims: Claims

    def _enriched(self) -> None:
        # An unset `enriched_at` means "roles not known yet", never "no roles".
        # The interceptor waits for it unless built with `enrichment_wait=0`.
        if not self.session.HasField("enriched_at"):
            raise AuthError(Reason.SESSION_NOT_READY)

    def has_role(self, role: str) -> bool:
        """Whether the session carries `role` (False until roles are known)."""
        return self.session.HasField("enriched_at") and role in self.session.roles

    def has_permission(self, permission: str) -> bool:
        """Whether the session carries `permission` (False until roles are known)."""
        return self.session.HasField("enriched_at") and permission in self.session.permissions

    def require_owner(self, user_id: str) -> None:
        """PERMISSION_DENIED unless the caller is `user_id`."""
        if self.user_id != user_id:
            raise AuthError.permission_denied("not the owner")

    def require_role(self, role: str) -> None:
        """PERMISSION_DENIED unless the session has `role` (UNAVAILABLE /
        SESSION_NOT_READY while its roles are not known yet)."""
        self._enriched()
        if role not in self.session.roles:
            raise AuthError.permission_denied(f"role {role} required")

    def require_permission(self, permission: str) -> None:
        """PERMISSION_DENIED unless the session has `permission` (UNAVAILABLE /
        SESSION_NOT_READY while its roles are not known yet)."""
        self._enriched()
        if permission not in self.session.permissions:
            raise AuthError.permission_denied(f"permission {permission} required")


_current: contextvars.ContextVar[AuthContext | None] = contextvars.ContextVar(
    "warden_auth", default=None
)


def current_auth() -> AuthContext:
    """The caller of the RPC being handled. Raises `AuthError` (UNAUTHENTICATED,
    MISSING_TOKEN) when there is none: the method is open, or the interceptor
    is not installed."""
    auth = _current.get()
    if auth is None:
        raise AuthError(Reason.MISSING_TOKEN)
    return auth


async def abort(context: grpc.aio.ServicerContext, error: AuthError) -> NoReturn:
    """Ends the RPC with `error`'s status and ErrorInfo."""
    status = error.to_status()
    await context.abort(status.code, status.details, status.trailing_metadata)
    raise AssertionError("abort returned")  # pragma: no cover


class _Context:
    """The servicer context handlers see: the real one, minus client-sent
    `x-warden-*` metadata."""

    def __init__(self, inner: grpc.aio.ServicerContext, metadata: tuple[Any, ...]) -> None:
        self._inner = inner
        self._metadata = metadata

    def invocation_metadata(self) -> tuple[Any, ...]:
        return self._metadata

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _is_visible_ascii(value: str) -> bool:
    return all(c == "\t" or 32 <= ord(c) < 127 for c in value)


class WardenInterceptor(grpc.aio.ServerInterceptor):
    """Authenticates every call except the open ones, then hands handlers the
    caller through `current_auth()`.

    Tokens are verified locally against Warden's keys (algorithm pinned by the
    key, remembered by their exact text until `exp`); the session behind the
    token is loaded from `sessions`. Refusals are UNAUTHENTICATED with a
    `google.rpc.ErrorInfo` reason; a source that is down gives UNAVAILABLE.
    An `AuthError` raised by a handler is turned into its status too.

    A session without `enriched_at` (Warden has not added its roles yet, just
    after login) means "roles not known yet", never "no roles": the request
    waits for it, re-reading `sessions` with a growing pause, for at most
    `enrichment_wait` seconds (default 3, as the Rust `warden-interceptor`),
    then is refused with UNAVAILABLE / SESSION_NOT_READY. With
    `enrichment_wait=0` such requests are admitted and `require_role` /
    `require_permission` answer SESSION_NOT_READY for them.
    """

    def __init__(
        self,
        keys: KeySource,
        sessions: SessionSource,
        *,
        issuer: str = "warden",
        audience: str = "warden",
        leeway: float = 30.0,
        key_refresh_interval: float = 5.0,
        open_methods: Iterable[str] = (),
        open_services: Iterable[str] = (),
        enrichment_wait: float = DEFAULT_ENRICHMENT_WAIT,
    ) -> None:
        self.enrichment_wait = max(enrichment_wait, 0.0)
        self.verifier = TokenVerifier(
            JwksCache(keys, key_refresh_interval), issuer, audience, leeway
        )
        self.sessions = sessions
        self._open_methods = frozenset(open_methods)
        self._open_prefixes = tuple(f"/{service}/" for service in open_services)
        self._amqp_url: str | None = None
        self._closers: list[Callable[[], Awaitable[Any]]] = []
        self._tasks: list[asyncio.Task[None]] = []

    @classmethod
    def connect(
        cls,
        warden_url: str,
        *,
        redis_url: str | None = None,
        amqp_url: str | None = None,
        jwks_url: str | None = None,
        session_cache_max_age: float = 30.0,
        open_services: Sequence[str] = ("grpc.health.v1.Health",),
        open_methods: Sequence[str] = (),
        **options: Any,
    ) -> WardenInterceptor:
        """An interceptor for a service next to the Warden at `warden_url`.

        Keys come from `GetJwks` (or `jwks_url`); sessions from Redis when
        `redis_url` is given, else from `GetCurrentSession`. With `amqp_url`,
        sessions are cached and the cache follows the revocation feed. Call
        `start()` (or use `async with`) in a running loop before serving.
        """
        channel = grpc.aio.insecure_channel(warden_url)
        keys: KeySource = HttpKeySource(jwks_url) if jwks_url else GrpcKeySource(channel)
        source: SessionSource
        if redis_url:
            redis_source = RedisSessionSource.from_url(redis_url)
            source = redis_source
        else:
            redis_source = None
            source = GrpcSessionSource(channel)
        sessions = CachedSessionSource(source, session_cache_max_age) if amqp_url else source
        interceptor = cls(
            keys,
            sessions,
            open_services=open_services,
            open_methods=open_methods,
            **options,
        )
        interceptor._amqp_url = amqp_url
        interceptor._closers.append(channel.close)
        if redis_source is not None:
            interceptor._closers.append(redis_source.close)
        return interceptor

    async def start(self, key_reload_every: float = 60.0) -> None:
        """Loads the keys (a failure is retried on the first token), reloads them
        every `key_reload_every` seconds so a retired key stops verifying, and
        starts following the revocation feed when there is one."""
        try:
            await self.verifier.keys.refresh(force=True)
        except AuthError as error:
            logger.warning("cannot load the key set yet: %s", error.detail)
        self._tasks.append(asyncio.create_task(self._reload_keys(key_reload_every)))
        if self._amqp_url and isinstance(self.sessions, CachedSessionSource):
            self._tasks.append(self.sessions.follow_revocations(self._amqp_url))

    async def _reload_keys(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.verifier.keys.refresh(force=True)
            except AuthError as error:
                logger.warning(
                    "cannot refresh the key set; keeping the loaded one: %s", error.detail
                )

    async def close(self) -> None:
        """Stops the background tasks and closes the connections it opened."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if isinstance(self.sessions, CachedSessionSource):
            await self.sessions.close()
        for closer in self._closers:
            await closer()
        self._closers.clear()

    async def __aenter__(self) -> WardenInterceptor:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def is_open(self, method: str) -> bool:
        """Whether `method` (`/package.Service/Method`) is served without a token."""
        return method in self._open_methods or method.startswith(self._open_prefixes)

    async def authenticate(self, metadata: Iterable[tuple[str, Any]]) -> AuthContext:
        """Verifies the bearer token in `metadata` and loads its session."""
        values = [v for k, v in metadata if k == "authorization"]
        if not values:
            raise AuthError(Reason.MISSING_TOKEN)
        value = values[0]
        # Two different credentials are ambiguous: which one a proxy on the way
        # checked is unknown, so neither is taken. The same one twice (a channel
        # and a call that both add it) is one credential.
        if any(other != value for other in values[1:]):
            raise AuthError(Reason.MALFORMED_TOKEN)
        if not isinstance(value, str) or len(value) > MAX_TOKEN_BYTES + 16:
            raise AuthError(Reason.MALFORMED_TOKEN)
        if not _is_visible_ascii(value):
            raise AuthError(Reason.MALFORMED_TOKEN)
        scheme, space, token = value.partition(" ")
        if not space or scheme.lower() != "bearer":
            raise AuthError(Reason.MISSING_TOKEN)
        token = token.strip()
        try:
            claims = await self.verifier.verify_cached(token)
        except AuthError:
            raise
        except Exception as error:
            raise AuthError.unavailable(f"{type(error).__name__}: {error}") from error
        session = await self._load_session(claims, token)
        if not session.HasField("enriched_at") and self.enrichment_wait > 0:
            session = await self._wait_for_enrichment(claims, token)
        return AuthContext(claims.sub, claims.sid, session, claims)

    async def _load_session(self, claims: Claims, token: str) -> session_pb2.Session:
        """The live session of `claims` (SESSION_REVOKED when gone, SESSION_EXPIRED
        past its lifetime, or gone while the token is past its `exp`)."""
        try:
            session = await self.sessions.session(claims.sid, token)
        except AuthError:
            raise
        except Exception as error:
            raise AuthError.unavailable(f"{type(error).__name__}: {error}") from error
        if session is None:
            # Warden never signs a token past its session's end, so a token in
            # the leeway after its `exp` whose session is gone most likely
            # outlived it: the session expired rather than being revoked.
            if _now() >= claims.exp:
                raise AuthError(Reason.SESSION_EXPIRED)
            raise AuthError(Reason.SESSION_REVOKED)
        if session.user_id != claims.sub:
            raise AuthError(Reason.SESSION_REVOKED)
        if session.HasField("expires_at") and session.expires_at.ToSeconds() <= _now():
            raise AuthError(Reason.SESSION_EXPIRED)
        return session

    async def _wait_for_enrichment(self, claims: Claims, token: str) -> session_pb2.Session:
        """Re-reads the session until it has `enriched_at`, for at most
        `enrichment_wait` seconds; then SESSION_NOT_READY."""
        deadline = time.monotonic() + self.enrichment_wait
        pause = 0.005
        while (left := deadline - time.monotonic()) > 0:
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, 0.1)
            session = await self._load_session(claims, token)
            if session.HasField("enriched_at"):
                return session
        raise AuthError(Reason.SESSION_NOT_READY)

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        # Identity-looking metadata from the client is never trusted.
        metadata = tuple(
            (key, value)
            for key, value in (handler_call_details.invocation_metadata or ())
            if not key.startswith(RESERVED_METADATA_PREFIX)
        )
        method = handler_call_details.method
        # grpc.aio only accepts its own call details here: handlers get the
        # stripped metadata through the servicer context instead.
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        return self._wrap(handler, metadata, protect=not self.is_open(method))

    def _wrap(
        self, handler: grpc.RpcMethodHandler, metadata: tuple[Any, ...], protect: bool
    ) -> grpc.RpcMethodHandler:
        async def enter(context: grpc.aio.ServicerContext) -> AuthContext | None:
            if not protect:
                return None
            try:
                return await self.authenticate(metadata)
            except AuthError as error:
                await abort(context, error)

        async def unary_response(request: Any, context: grpc.aio.ServicerContext) -> Any:
            auth = await enter(context)
            reset = _current.set(auth)
            try:
                return await _call(behavior, request, _Context(context, metadata))
            except AuthError as error:
                await abort(context, error)
            finally:
                _current.reset(reset)

        async def stream_response(request: Any, context: grpc.aio.ServicerContext) -> Any:
            auth = await enter(context)
            reset = _current.set(auth)
            try:
                async for response in _stream(behavior, request, _Context(context, metadata)):
                    yield response
            except AuthError as error:
                await abort(context, error)
            finally:
                _current.reset(reset)

        options = {
            "request_deserializer": handler.request_deserializer,
            "response_serializer": handler.response_serializer,
        }
        if handler.unary_unary is not None:
            behavior = handler.unary_unary
            return grpc.unary_unary_rpc_method_handler(unary_response, **options)
        if handler.unary_stream is not None:
            behavior = handler.unary_stream
            return grpc.unary_stream_rpc_method_handler(stream_response, **options)
        if handler.stream_unary is not None:
            behavior = handler.stream_unary
            return grpc.stream_unary_rpc_method_handler(unary_response, **options)
        behavior = handler.stream_stream
        return grpc.stream_stream_rpc_method_handler(stream_response, **options)


def _now() -> int:
    return int(time.time())


async def _call(behavior: Callable[..., Any], request: Any, context: Any) -> Any:
    if inspect.iscoroutinefunction(behavior):
        return await behavior(request, context)
    # A blocking handler runs off the loop (with the caller's context variables).
    result = await asyncio.to_thread(behavior, request, context)
    return await result if inspect.isawaitable(result) else result


async def _stream(behavior: Callable[..., Any], request: Any, context: Any) -> AsyncIterator[Any]:
    result = behavior(request, context)
    if inspect.isawaitable(result):
        # A coroutine handler that answers with `context.write()`.
        result = await result
    if result is None:
        return
    if hasattr(result, "__aiter__"):
        async for response in result:
            yield response
        return
    iterator = iter(result)
    done = object()
    while (response := await asyncio.to_thread(next, iterator, done)) is not done:
        yield response
