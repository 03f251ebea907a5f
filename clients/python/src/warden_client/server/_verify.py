"""Access-token verification: the key set (one pinned algorithm per key) and
the checks of DESIGN.md, in an order that reads no claim before the signature.

Semantics follow the Rust `warden-interceptor` (`interceptors/src/verify.rs`).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import jwt
from jwt.exceptions import (
    InvalidAlgorithmError,
    InvalidSignatureError,
    InvalidTokenError,
    PyJWTError,
)

from ._errors import AuthError, Reason

#: Longest access token accepted; anything longer is refused unparsed.
MAX_TOKEN_BYTES = 8 * 1024

#: Most verified tokens remembered at once; past it, expired ones are dropped
#: first and then everything.
MAX_REMEMBERED = 100_000

#: The only (algorithm, key type, curve) triples a key may pin; `None` is any curve.
_PINNABLE = {
    ("EdDSA", "OKP"): "Ed25519",
    ("ES256", "EC"): "P-256",
    ("RS256", "RSA"): None,
}

_REQUIRED_CLAIMS = ("exp", "nbf", "iat", "iss", "aud", "sub")


@dataclass(frozen=True)
class Claims:
    """The claims of a verified Warden access token."""

    iss: str
    aud: str
    sub: str
    sid: str
    iat: int
    nbf: int
    exp: int
    jti: str


class KeySource(Protocol):
    """Where the public keys that verify access tokens come from."""

    async def keys(self) -> Sequence[Mapping[str, str]]:
        """The published keys as JWK members (`kid`, `kty`, `alg`, `crv`, `x`, ...).

        Raises `AuthError` (BACKEND_UNAVAILABLE) when the source cannot be read.
        """
        ...


def pin(jwk: Mapping[str, str]) -> jwt.PyJWK | None:
    """The verification key of a JWK, bound to the JWK's own algorithm; None for
    anything but the three asymmetric algorithms Warden signs with, a JWK whose
    key type or curve does not fit its algorithm, or one published for another
    use than signatures (`use` absent or `sig`)."""
    use = jwk.get("use")
    if use and use != "sig":
        return None
    alg, kty = jwk.get("alg", ""), jwk.get("kty", "")
    if (alg, kty) not in _PINNABLE:
        return None
    curve = _PINNABLE[(alg, kty)]
    if curve is not None and jwk.get("crv") != curve:
        return None
    members = {k: v for k, v in jwk.items() if v}
    try:
        return jwt.PyJWK(members, algorithm=alg)
    except (PyJWTError, ValueError, TypeError, binascii.Error):
        return None


class JwksCache:
    """Verification keys by `kid`, reloaded from a `KeySource` when a token names
    an unknown `kid` (at most once per `min_refresh_interval` seconds)."""

    def __init__(self, source: KeySource, min_refresh_interval: float = 5.0) -> None:
        self._source = source
        self._keys: dict[str, jwt.PyJWK] = {}
        self._generation = 0
        self._last_refresh: float | None = None
        self._min_refresh_interval = min_refresh_interval
        self._lock = asyncio.Lock()

    @property
    def generation(self) -> int:
        """A number that changes whenever the set of key ids changes."""
        return self._generation

    async def refresh(self, force: bool = False) -> None:
        """Reloads the key set, unless it was reloaded less than the minimum
        interval ago (then an unknown `kid` stays unknown)."""
        async with self._lock:
            last = self._last_refresh
            if (
                not force
                and last is not None
                and time.monotonic() - last < self._min_refresh_interval
            ):
                return
            jwks = await self._source.keys()
            keys = {}
            for jwk in jwks:
                pinned = pin(jwk)
                if pinned is not None and jwk.get("kid"):
                    keys[jwk["kid"]] = pinned
            # Only a change of a loaded set can invalidate remembered tokens.
            if self._keys and sorted(self._keys) != sorted(keys):
                self._generation += 1
            self._keys = keys
            self._last_refresh = time.monotonic()

    async def key(self, kid: str) -> jwt.PyJWK:
        """The key named `kid`, reloading the set once if it is unknown."""
        key = self._keys.get(kid)
        if key is not None:
            return key
        await self.refresh()
        key = self._keys.get(kid)
        if key is None:
            raise AuthError(Reason.UNKNOWN_KEY)
        return key


def _b64url_decode(segment: str) -> bytes:
    if "=" in segment:
        raise ValueError("padded base64url")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _is_time(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class TokenVerifier:
    """Checks tokens against the key set, issuer, audience and time.

    A token that verified is remembered by its exact text until its `exp` (a
    signature check costs more than a whole loopback RPC), and forgotten when
    the key set changes.
    """

    def __init__(
        self,
        keys: JwksCache,
        issuer: str = "warden",
        audience: str = "warden",
        leeway: float = 30.0,
    ) -> None:
        self.keys = keys
        self._issuer = issuer
        self._audience = audience
        self._leeway = int(leeway)
        self._verified: dict[str, Claims] = {}
        self._verified_generation = 0
        self._jws = jwt.PyJWS()

    @property
    def remembered(self) -> int:
        """Number of tokens remembered as verified."""
        return len(self._verified)

    def forget_verified(self) -> None:
        """Forgets every remembered token."""
        self._verified.clear()

    async def verify_cached(self, token: str) -> Claims:
        """Verifies a token, answering from the remembered tokens when it verified
        before (under the same key set) and has not expired since."""
        now = int(time.time())
        generation = self.keys.generation
        if self._verified_generation != generation:
            self._verified_generation = generation
            self.forget_verified()
        claims = self._verified.get(token)
        if (
            claims is not None
            and now <= claims.exp + self._leeway
            and claims.nbf <= now + self._leeway
        ):
            return claims
        claims = await self.verify(token)
        if self.keys.generation != generation:
            # The key set changed while verifying: do not remember under the old set.
            return claims
        if len(self._verified) >= MAX_REMEMBERED:
            self._verified = {
                t: c for t, c in self._verified.items() if now <= c.exp + self._leeway
            }
            if len(self._verified) >= MAX_REMEMBERED:
                self._verified.clear()
        self._verified[token] = claims
        return claims

    async def verify(self, token: str) -> Claims:
        """Verifies a compact JWS access token and returns its claims."""
        if len(token) > MAX_TOKEN_BYTES:
            raise AuthError(Reason.MALFORMED_TOKEN)
        parts = token.split(".")
        if len(parts) != 3:
            raise AuthError(Reason.MALFORMED_TOKEN)
        try:
            header = json.loads(_b64url_decode(parts[0]))
        except (ValueError, UnicodeDecodeError) as error:
            raise AuthError(Reason.MALFORMED_TOKEN) from error
        if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
            raise AuthError(Reason.MALFORMED_TOKEN)
        # Extensions the signer says a verifier must understand: Warden signs
        # with none and understands none, so any is refused (RFC 7515, 4.1.11).
        if "crit" in header:
            raise AuthError(Reason.MALFORMED_TOKEN)
        kid = header.get("kid")
        if kid is None:
            raise AuthError(Reason.UNKNOWN_KEY)
        if not isinstance(kid, str):
            raise AuthError(Reason.MALFORMED_TOKEN)
        key = await self.keys.key(kid)
        # The algorithm comes from the key; the header must merely agree.
        if header["alg"] != key.algorithm_name:
            raise AuthError(Reason.UNSUPPORTED_ALGORITHM)
        try:
            decoded = self._jws.decode_complete(token, key=key, algorithms=[key.algorithm_name])
        except InvalidSignatureError as error:
            raise AuthError(Reason.INVALID_SIGNATURE) from error
        except InvalidAlgorithmError as error:
            raise AuthError(Reason.UNSUPPORTED_ALGORITHM) from error
        except InvalidTokenError as error:
            raise AuthError(Reason.MALFORMED_TOKEN) from error
        try:
            payload = json.loads(decoded["payload"])
        except (ValueError, UnicodeDecodeError) as error:
            raise AuthError(Reason.MALFORMED_TOKEN) from error
        if not isinstance(payload, dict):
            raise AuthError(Reason.MALFORMED_TOKEN)
        claims = self._validate(payload)
        # The header is authenticated now: it must declare an access token.
        if header.get("typ") != "at+jwt":
            raise AuthError(Reason.INVALID_TOKEN_TYPE)
        # Issued in the future (beyond the skew tolerated): not a token this
        # issuer's clock made.
        if claims.iat > int(time.time()) + self._leeway:
            raise AuthError(Reason.TOKEN_NOT_YET_VALID)
        return claims

    def _validate(self, payload: dict[str, Any]) -> Claims:
        if any(name not in payload for name in _REQUIRED_CLAIMS):
            raise AuthError(Reason.MALFORMED_TOKEN)
        now = int(time.time())
        exp, nbf = payload["exp"], payload["nbf"]
        if _is_time(exp) and exp < now - self._leeway:
            raise AuthError(Reason.TOKEN_EXPIRED)
        if _is_time(nbf) and nbf > now + self._leeway:
            raise AuthError(Reason.TOKEN_NOT_YET_VALID)
        iss, aud = payload["iss"], payload["aud"]
        if isinstance(iss, str) and iss != self._issuer:
            raise AuthError(Reason.INVALID_ISSUER)
        audiences = aud if isinstance(aud, list) else [aud]
        if self._audience not in audiences:
            raise AuthError(Reason.INVALID_AUDIENCE)
        strings = ("iss", "aud", "sub", "sid", "jti")
        times = ("iat", "nbf", "exp")
        if not all(isinstance(payload.get(n), str) for n in strings) or not all(
            _is_time(payload[n]) for n in times
        ):
            raise AuthError(Reason.MALFORMED_TOKEN)
        return Claims(**{n: payload[n] for n in strings + times})
