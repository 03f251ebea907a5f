"""Key and session sources: Warden's JWKS over gRPC or HTTP, sessions from
Redis (the DESIGN.md layout) or `SessionService`, and a session cache kept
honest by the revocation feed on `warden.events`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Protocol

import grpc
import grpc.aio
from google.protobuf import json_format

from ..errors import error_reason, status_code
from ..gen.warden.auth.v1 import auth_pb2, auth_pb2_grpc
from ..gen.warden.events.v1 import events_pb2
from ..gen.warden.session.v1 import session_pb2, session_pb2_grpc
from ._errors import AuthError, Reason

logger = logging.getLogger("warden_client.server")

#: Name of Warden's durable topic exchange.
EVENTS_EXCHANGE = "warden.events"
#: Routing keys that invalidate cached sessions.
REVOCATION_ROUTING_KEYS = (
    "session.revoked",
    "session.updated",
    "user.suspended",
    "user.deleted",
)

_JWK_MEMBERS = ("kid", "kty", "alg", "use", "crv", "x", "y", "n", "e")


class SessionSource(Protocol):
    """Where sessions are read from."""

    async def session(self, session_id: str, token: str) -> session_pb2.Session | None:
        """The live session `session_id` (whose verified access token is `token`),
        or None when it does not exist (revoked or ended).

        Raises `AuthError` (BACKEND_UNAVAILABLE) when the source cannot be read.
        """
        ...


class GrpcKeySource:
    """Warden's public keys through `AuthService.GetJwks`."""

    def __init__(self, channel: grpc.aio.Channel, timeout: float = 5.0) -> None:
        self._stub = auth_pb2_grpc.AuthServiceStub(channel)
        self._timeout = timeout

    async def keys(self) -> Sequence[Mapping[str, str]]:
        try:
            response = await self._stub.GetJwks(auth_pb2.GetJwksRequest(), timeout=self._timeout)
        except grpc.RpcError as error:
            raise AuthError.unavailable(f"GetJwks: {error}") from error
        return [{m: getattr(k, m) for m in _JWK_MEMBERS if getattr(k, m)} for k in response.keys]


class HttpKeySource:
    """Warden's public keys from `GET /.well-known/jwks.json` on its HTTP port."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self._url = url
        self._timeout = timeout

    def _fetch(self) -> bytes:
        with urllib.request.urlopen(self._url, timeout=self._timeout) as response:
            return response.read()

    async def keys(self) -> Sequence[Mapping[str, str]]:
        try:
            document = json.loads(await asyncio.to_thread(self._fetch))
        except (OSError, urllib.error.URLError, ValueError) as error:
            raise AuthError.unavailable(f"JWKS {self._url}: {error}") from error
        keys = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(keys, list):
            raise AuthError.unavailable(f"JWKS {self._url}: no key list")
        return [
            {m: k[m] for m in _JWK_MEMBERS if isinstance(k.get(m), str)}
            for k in keys
            if isinstance(k, dict)
        ]


def session_from_json(text: str | bytes) -> session_pb2.Session:
    """Parses the canonical proto3 JSON Warden stores under `warden:session:<sid>`."""
    return json_format.Parse(text, session_pb2.Session(), ignore_unknown_fields=True)


class RedisSessionSource:
    """Sessions read from Redis: `warden:session:<sid>` holds the canonical
    proto3 JSON of `warden.session.v1.Session`; a missing key means the
    session ended."""

    def __init__(self, redis: object) -> None:
        """Over a `redis.asyncio.Redis` client (see `from_url`)."""
        self._redis = redis

    @classmethod
    def from_url(cls, url: str, timeout: float = 2.0) -> RedisSessionSource:
        """Connects lazily to `url` (`redis://host:6379/0`)."""
        import redis.asyncio

        return cls(
            redis.asyncio.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        )

    async def session(self, session_id: str, token: str) -> session_pb2.Session | None:
        import redis.exceptions

        try:
            text = await self._redis.get(f"warden:session:{session_id}")  # type: ignore[attr-defined]
        except (redis.exceptions.RedisError, OSError) as error:
            raise AuthError.unavailable(f"redis: {error}") from error
        if text is None:
            return None
        try:
            return session_from_json(text)
        except json_format.ParseError as error:
            raise AuthError.unavailable(f"session {session_id} is not valid JSON") from error

    async def close(self) -> None:
        """Closes the Redis connections."""
        await self._redis.aclose()  # type: ignore[attr-defined]


class GrpcSessionSource:
    """Sessions from `SessionService.GetCurrentSession`, called with the caller's
    own token (one call to Warden per cache miss)."""

    def __init__(self, channel: grpc.aio.Channel, timeout: float = 5.0) -> None:
        self._stub = session_pb2_grpc.SessionServiceStub(channel)
        self._timeout = timeout

    async def session(self, session_id: str, token: str) -> session_pb2.Session | None:
        try:
            response = await self._stub.GetCurrentSession(
                session_pb2.GetCurrentSessionRequest(),
                metadata=(("authorization", f"Bearer {token}"),),
                timeout=self._timeout,
            )
        except grpc.RpcError as error:
            if status_code(error) == grpc.StatusCode.UNAUTHENTICATED:
                reason = error_reason(error)
                if reason == Reason.SESSION_EXPIRED.value:
                    raise AuthError(Reason.SESSION_EXPIRED) from error
                if reason == Reason.SESSION_REVOKED.value:
                    return None
                known = {r.value: r for r in Reason}
                raise AuthError(known.get(reason or "", Reason.SESSION_REVOKED)) from error
            raise AuthError.unavailable(f"GetCurrentSession: {error}") from error
        if response.session.session_id != session_id:
            return None
        return response.session


class CachedSessionSource:
    """A session cache in front of another source.

    Entries live at most `max_age` seconds; `SessionRevoked`, `SessionUpdated`,
    `UserSuspended` and `UserDeleted` from the revocation feed drop them at once. While the
    feed is down the cache is bypassed (every request reads the source), so a
    revoked session is never served from the cache after the feed could have
    told about it.
    """

    def __init__(self, inner: SessionSource, max_age: float = 30.0) -> None:
        self._inner = inner
        self._max_age = max_age
        self._entries: dict[str, tuple[float, session_pb2.Session]] = {}
        self._feed_up = False
        self._invalidations = 0
        self._feed_task: asyncio.Task[None] | None = None

    @property
    def feed_up(self) -> bool:
        """Whether the cache is in use (its revocation feed is connected)."""
        return self._feed_up

    def __len__(self) -> int:
        return len(self._entries)

    def invalidate_session(self, session_id: str) -> None:
        """Drops one session."""
        self._invalidations += 1
        self._entries.pop(session_id, None)

    def invalidate_user(self, user_id: str) -> None:
        """Drops every session of a user."""
        self._invalidations += 1
        self._entries = {k: v for k, v in self._entries.items() if v[1].user_id != user_id}

    def set_feed_up(self, up: bool) -> None:
        """Marks the revocation feed up or down; down empties the cache and bypasses it."""
        if not up:
            self._invalidations += 1
            self._entries.clear()
        self._feed_up = up

    def apply_event(self, type_name: str, body: bytes) -> None:
        """Applies one event from `warden.events`, by AMQP `type` and protobuf body."""
        try:
            if type_name == "warden.events.v1.SessionRevoked":
                self.invalidate_session(events_pb2.SessionRevoked.FromString(body).session_id)
            elif type_name == "warden.events.v1.SessionUpdated":
                self.invalidate_session(events_pb2.SessionUpdated.FromString(body).session_id)
            elif type_name == "warden.events.v1.UserSuspended":
                self.invalidate_user(events_pb2.UserSuspended.FromString(body).user_id)
            elif type_name == "warden.events.v1.UserDeleted":
                self.invalidate_user(events_pb2.UserDeleted.FromString(body).user_id)
        except Exception:
            logger.warning("undecodable %s event; emptying the session cache", type_name)
            self._invalidations += 1
            self._entries.clear()

    async def session(self, session_id: str, token: str) -> session_pb2.Session | None:
        use_cache = self._feed_up
        if use_cache:
            entry = self._entries.get(session_id)
            if entry is not None and time.monotonic() - entry[0] < self._max_age:
                return entry[1]
        epoch = self._invalidations
        loaded = await self._inner.session(session_id, token)
        # Cache only if no invalidation raced with this read, and only once the
        # roles are in (the interceptor re-reads a session until it has them).
        if (
            loaded is not None
            and loaded.HasField("enriched_at")
            and use_cache
            and self._feed_up
            and self._invalidations == epoch
        ):
            self._entries[session_id] = (time.monotonic(), loaded)
        return loaded

    def follow_revocations(self, amqp_url: str) -> asyncio.Task[None]:
        """Follows `warden.events` on a private queue until `close()`, reconnecting
        after a loss (the cache is bypassed meanwhile). Needs a running loop."""
        if self._feed_task is None or self._feed_task.done():
            self._feed_task = asyncio.create_task(self._follow(amqp_url))
        return self._feed_task

    async def _follow(self, amqp_url: str) -> None:
        backoff = 0.1
        while True:
            try:
                await self._consume(amqp_url)
                backoff = 0.1
            except asyncio.CancelledError:
                self.set_feed_up(False)
                raise
            except Exception as error:
                logger.warning(
                    "revocation feed down (%s); reading sessions from the source",
                    type(error).__name__,
                )
            self.set_feed_up(False)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 2.0)

    async def _consume(self, amqp_url: str) -> None:
        import aio_pika

        connection = await aio_pika.connect(amqp_url, timeout=5)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.declare_exchange(
                EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
            )
            queue = await channel.declare_queue("", exclusive=True, auto_delete=True)
            for key in REVOCATION_ROUTING_KEYS:
                await queue.bind(exchange, routing_key=key)
            closed = asyncio.get_running_loop().create_future()

            def on_close(*_: object) -> None:
                if not closed.done():
                    closed.set_result(None)

            connection.close_callbacks.add(on_close)
            channel.close_callbacks.add(on_close)

            async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
                self.apply_event(message.type or "", message.body)

            await queue.consume(on_message, no_ack=True)
            # Nothing cached before this point can have missed an event.
            self.set_feed_up(True)
            logger.info("revocation feed connected")
            await closed

    async def close(self) -> None:
        """Stops following the feed."""
        if self._feed_task is not None:
            self._feed_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._feed_task
            self._feed_task = None
