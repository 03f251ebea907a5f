"""Locally generated signing keys and token forging for the verifier tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from warden_client.server import AuthError


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SigningKey:
    """A private key with its public JWK, as Warden publishes it."""

    def __init__(self, alg: str, kid: str) -> None:
        self.alg = alg
        self.kid = kid
        if alg == "EdDSA":
            self.private: Any = ed25519.Ed25519PrivateKey.generate()
            jwk = OKPAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        elif alg == "ES256":
            self.private = ec.generate_private_key(ec.SECP256R1())
            jwk = ECAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        else:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            jwk = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        self.jwk: dict[str, str] = {**jwk, "kid": kid, "alg": alg, "use": "sig"}

    def sign(self, claims: Mapping[str, Any], **header: Any) -> str:
        headers = {"kid": self.kid, "typ": "at+jwt", **header}
        headers = {k: v for k, v in headers.items() if v is not None}
        return jwt.encode(dict(claims), self.private, algorithm=self.alg, headers=headers)


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": "warden",
        "aud": "warden",
        "sub": "user-1",
        "sid": "session-1",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": "jti-1",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def unsigned(header: Mapping[str, Any], payload: Mapping[str, Any], signature: bytes = b"") -> str:
    return ".".join(
        (
            b64(json.dumps(header).encode()),
            b64(json.dumps(payload).encode()),
            b64(signature),
        )
    )


def hs256(kid: str, payload: Mapping[str, Any], secret: bytes) -> str:
    """An HS256 token keyed with `secret` (the algorithm-confusion attack)."""
    head = b64(json.dumps({"alg": "HS256", "typ": "at+jwt", "kid": kid}).encode())
    body = b64(json.dumps(payload).encode())
    tag = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(tag)}"


class StaticKeys:
    """A key source serving a list the test can change, counting its reads."""

    def __init__(self, jwks: Sequence[Mapping[str, str]]) -> None:
        self.jwks = list(jwks)
        self.reads = 0
        self.down = False

    async def keys(self) -> Sequence[Mapping[str, str]]:
        self.reads += 1
        if self.down:
            raise AuthError.unavailable("key source down")
        return self.jwks
