"""TokenVerifier with locally generated keys: every reject path of the Rust
`warden-interceptor` (tests/tests/reject_paths.rs), algorithm pinning, and the
memory of verified tokens."""

from __future__ import annotations

import asyncio
import base64
import json
import time

import pytest
from keys import SigningKey, StaticKeys, b64, claims, hs256, unsigned

from warden_client.server import (
    MAX_TOKEN_BYTES,
    AuthError,
    JwksCache,
    Reason,
    TokenVerifier,
    pin,
)

ED = SigningKey("EdDSA", "ed-1")
ES = SigningKey("ES256", "es-1")
RS = SigningKey("RS256", "rs-1")
OTHER = SigningKey("EdDSA", "ed-1")  # same kid, different key: not published
UNPUBLISHED = SigningKey("EdDSA", "not-a-published-key")


def verifier(source: StaticKeys | None = None, interval: float = 0.0) -> TokenVerifier:
    source = source or StaticKeys([ED.jwk, ES.jwk, RS.jwk])
    return TokenVerifier(JwksCache(source, interval), "warden", "warden", leeway=5)


async def reason_of(v: TokenVerifier, token: str) -> Reason:
    with pytest.raises(AuthError) as refused:
        await v.verify_cached(token)
    return refused.value.reason


@pytest.mark.parametrize("key", [ED, ES, RS], ids=lambda k: k.alg)
async def test_each_warden_algorithm_verifies(key: SigningKey) -> None:
    verified = await verifier().verify(key.sign(claims()))
    assert (verified.sub, verified.sid, verified.jti) == ("user-1", "session-1", "jti-1")


def _tamper_payload(token: str) -> str:
    head, body, sig = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=="))
    payload["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{head}.{forged}.{sig}"


def _tamper_signature(token: str) -> str:
    head, body, sig = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=="))
    raw[0] ^= 1
    return f"{head}.{body}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


def _reject_cases() -> list[tuple[str, str, Reason]]:
    now = int(time.time())
    good = ED.sign(claims())
    ed_public = base64.urlsafe_b64decode(ED.jwk["x"] + "==")
    jwks_text = json.dumps({"keys": [ED.jwk, ES.jwk, RS.jwk]})
    return [
        ("garbage", "garbage", Reason.MALFORMED_TOKEN),
        ("two segments", "abc.def", Reason.MALFORMED_TOKEN),
        ("header not base64", "!!!.e30.", Reason.MALFORMED_TOKEN),
        ("header not JSON", "bm90IGpzb24.e30.", Reason.MALFORMED_TOKEN),
        ("refresh token", "wrt_0123456789abcdef.c2VjcmV0", Reason.MALFORMED_TOKEN),
        ("api key", "wdn_0123456789abcdef_secret", Reason.MALFORMED_TOKEN),
        ("oversized", "a" * (MAX_TOKEN_BYTES + 1), Reason.MALFORMED_TOKEN),
        (
            "alg none",
            unsigned({"alg": "none", "typ": "at+jwt", "kid": ED.kid}, claims()),
            Reason.UNSUPPORTED_ALGORITHM,
        ),
        (
            "HS256 keyed with the public key",
            hs256(ED.kid, claims(), ed_public),
            Reason.UNSUPPORTED_ALGORITHM,
        ),
        (
            "HS256 keyed with the JWKS text",
            hs256(ED.kid, claims(), jwks_text.encode()),
            Reason.UNSUPPORTED_ALGORITHM,
        ),
        (
            "ES256 header on an EdDSA key",
            unsigned({"alg": "ES256", "typ": "at+jwt", "kid": ED.kid}, claims(), b"x" * 64),
            Reason.UNSUPPORTED_ALGORITHM,
        ),
        (
            "RS256 key named by an EdDSA token",
            ED.sign(claims(), kid=RS.kid),
            Reason.UNSUPPORTED_ALGORITHM,
        ),
        ("unknown kid", UNPUBLISHED.sign(claims()), Reason.UNKNOWN_KEY),
        ("no kid", ED.sign(claims(), kid=None), Reason.UNKNOWN_KEY),
        ("signed by another key", OTHER.sign(claims()), Reason.INVALID_SIGNATURE),
        ("tampered payload", _tamper_payload(good), Reason.INVALID_SIGNATURE),
        ("tampered signature", _tamper_signature(good), Reason.INVALID_SIGNATURE),
        (
            "expired",
            ED.sign(claims(exp=now - 120, iat=now - 700, nbf=now - 700)),
            Reason.TOKEN_EXPIRED,
        ),
        ("not yet valid", ED.sign(claims(nbf=now + 300)), Reason.TOKEN_NOT_YET_VALID),
        ("wrong iss", ED.sign(claims(iss="evil")), Reason.INVALID_ISSUER),
        ("wrong aud", ED.sign(claims(aud="other")), Reason.INVALID_AUDIENCE),
        ("wrong typ", ED.sign(claims(), typ="JWT"), Reason.INVALID_TOKEN_TYPE),
        ("no typ", ED.sign(claims(), typ=None), Reason.INVALID_TOKEN_TYPE),
        ("missing sid", ED.sign(claims(sid=None)), Reason.MALFORMED_TOKEN),
        ("missing exp", ED.sign(claims(exp=None)), Reason.MALFORMED_TOKEN),
        ("sid not a string", ED.sign(claims(sid=7)), Reason.MALFORMED_TOKEN),
        ("exp not a number", ED.sign(claims(exp="soon")), Reason.MALFORMED_TOKEN),
    ]


@pytest.mark.parametrize(("name", "token", "expected"), _reject_cases(), ids=lambda c: str(c))
async def test_reject_paths(name: str, token: str, expected: Reason) -> None:
    v = verifier()
    assert await reason_of(v, token) is expected, name
    assert v.remembered == 0


async def test_leeway_applies_to_exp_and_nbf() -> None:
    now = int(time.time())
    v = verifier()
    assert (await v.verify(ED.sign(claims(exp=now - 2)))).exp == now - 2
    assert (await v.verify(ED.sign(claims(nbf=now + 2)))).nbf == now + 2


async def test_an_audience_list_is_not_a_warden_token() -> None:
    # Warden signs a single audience; a list naming ours is a shape Warden never
    # issues, and its claims do not parse.
    assert await reason_of(verifier(), ED.sign(claims(aud=["warden", "x"]))) is (
        Reason.MALFORMED_TOKEN
    )
    assert await reason_of(verifier(), ED.sign(claims(aud=["x"]))) is Reason.INVALID_AUDIENCE


async def test_verified_tokens_are_remembered_until_the_key_set_changes() -> None:
    source = StaticKeys([ED.jwk])
    v = verifier(source)
    good = ED.sign(claims())
    assert (await v.verify_cached(good)).sub == "user-1"
    assert v.remembered == 1
    reads = source.reads
    assert (await v.verify_cached(good)).sid == "session-1"
    assert source.reads == reads, "answered from memory"

    # A tampered token is never remembered, even next to a remembered one.
    assert await reason_of(v, _tamper_signature(good)) is Reason.INVALID_SIGNATURE
    assert v.remembered == 1

    # The key is withdrawn: the remembered token is forgotten and refused.
    source.jwks = [ES.jwk]
    await v.keys.refresh(force=True)
    assert await reason_of(v, good) is Reason.UNKNOWN_KEY
    assert v.remembered == 0


async def test_a_remembered_token_still_expires() -> None:
    v = verifier()
    token = ED.sign(claims(exp=int(time.time()) - 4))  # inside the 5 s leeway
    await v.verify_cached(token)
    assert v.remembered == 1
    await asyncio.sleep(2.1)
    assert await reason_of(v, token) is Reason.TOKEN_EXPIRED


async def test_unknown_kids_reload_the_key_set_at_most_once_per_interval() -> None:
    source = StaticKeys([ED.jwk])
    v = verifier(source, interval=60)
    await v.verify(ED.sign(claims()))
    assert source.reads == 1
    for _ in range(5):
        assert await reason_of(v, UNPUBLISHED.sign(claims())) is Reason.UNKNOWN_KEY
    assert source.reads == 1, "rate-limited"

    # A newly published key is found by the next allowed reload.
    fresh = StaticKeys([ED.jwk])
    v = verifier(fresh, interval=0)
    await v.verify(ED.sign(claims()))
    fresh.jwks = [ED.jwk, UNPUBLISHED.jwk]
    assert (await v.verify(UNPUBLISHED.sign(claims()))).sub == "user-1"


async def test_a_key_source_that_is_down_gives_unavailable() -> None:
    source = StaticKeys([ED.jwk])
    source.down = True
    with pytest.raises(AuthError) as refused:
        await verifier(source).verify(ED.sign(claims()))
    assert refused.value.reason is Reason.BACKEND_UNAVAILABLE
    assert refused.value.code.name == "UNAVAILABLE"
    assert "key source down" not in refused.value.public_message


def test_only_warden_algorithms_can_be_pinned() -> None:
    assert pin(ED.jwk) is not None and pin(ES.jwk) is not None and pin(RS.jwk) is not None
    assert pin({"kty": "oct", "alg": "HS256", "k": "c2VjcmV0", "kid": "h"}) is None
    assert pin({**ED.jwk, "alg": "none"}) is None
    assert pin({**ES.jwk, "crv": "P-384"}) is None
    assert pin({**ED.jwk, "alg": "ES256"}) is None
    assert pin({**ED.jwk, "x": "%%%"}) is None


def test_every_reason_maps_to_its_code_and_hides_backend_details() -> None:
    from grpc_status import rpc_status

    for reason in Reason:
        error = AuthError(reason, "redis 10.1.2.3 refused")
        status = error.to_status()
        expected = {
            Reason.PERMISSION_DENIED: "PERMISSION_DENIED",
            Reason.BACKEND_UNAVAILABLE: "UNAVAILABLE",
            Reason.SESSION_NOT_READY: "UNAVAILABLE",
        }.get(reason, "UNAUTHENTICATED")
        assert status.code.name == expected
        details = dict(status.trailing_metadata)["grpc-status-details-bin"]
        from google.rpc import error_details_pb2, status_pb2

        proto = status_pb2.Status.FromString(details)
        info = error_details_pb2.ErrorInfo()
        proto.details[0].Unpack(info)
        assert (info.domain, info.reason) == ("warden", reason.value)
        if reason is not Reason.PERMISSION_DENIED:
            assert "10.1.2.3" not in status.details
        assert rpc_status is not None


def _ed_signed(key: SigningKey, header: dict[str, object]) -> str:
    """A token with exactly `header`, correctly signed by the EdDSA `key`."""
    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(claims()).encode())
    return f"{head}.{body}.{b64(key.private.sign(f'{head}.{body}'.encode()))}"


async def test_a_crit_header_is_refused_before_the_key_lookup() -> None:
    source = StaticKeys([ED.jwk])
    v = verifier(source)
    base = {"alg": "EdDSA", "kid": ED.kid, "typ": "at+jwt"}
    # Correctly signed by a published key: only `crit` is wrong. PyJWT itself
    # understands `b64` (and lets this first one through); Warden understands
    # no extension, so any `crit` is refused (RFC 7515, 4.1.11).
    for extra in (
        {"crit": ["b64"], "b64": True},
        {"crit": ["exp"]},
        {"crit": []},
        {"crit": None},
    ):
        token = _ed_signed(ED, {**base, **extra})
        assert await reason_of(v, token) is Reason.MALFORMED_TOKEN, extra
    # Refused before the key lookup: an unknown kid with `crit` reloads nothing.
    token = _ed_signed(UNPUBLISHED, {**base, "kid": UNPUBLISHED.kid, "crit": ["exp"]})
    assert await reason_of(v, token) is Reason.MALFORMED_TOKEN
    assert source.reads == 0
    assert v.remembered == 0
    assert (await v.verify(_ed_signed(ED, base))).sub == "user-1"


async def test_a_token_issued_in_the_future_is_not_yet_valid() -> None:
    now = int(time.time())
    v = verifier()  # 5 s leeway
    # nbf is now: only iat says the token comes from a clock ahead of ours.
    assert await reason_of(v, ED.sign(claims(iat=now + 3600))) is Reason.TOKEN_NOT_YET_VALID
    assert await reason_of(v, ED.sign(claims(iat=now + 60))) is Reason.TOKEN_NOT_YET_VALID
    # Checked after the signature and the other claims.
    future = claims(iat=now + 3600)
    assert await reason_of(v, ED.sign({**future, "iss": "evil"})) is Reason.INVALID_ISSUER
    assert await reason_of(v, ED.sign(future, typ="JWT")) is Reason.INVALID_TOKEN_TYPE
    # Within the leeway it passes: clocks differ by that much.
    assert (await v.verify(ED.sign(claims(iat=now + 2)))).iat == now + 2


async def test_a_key_published_for_another_use_verifies_nothing() -> None:
    encryption = SigningKey("EdDSA", "enc-1")
    encryption.jwk["use"] = "enc"
    bare = SigningKey("EdDSA", "bare-1")
    del bare.jwk["use"]  # no `use`: a signing key, as RFC 7517 allows
    assert pin(encryption.jwk) is None
    v = verifier(StaticKeys([ED.jwk, encryption.jwk, bare.jwk]))
    assert await reason_of(v, encryption.sign(claims())) is Reason.UNKNOWN_KEY
    assert (await v.verify(bare.sign(claims()))).sub == "user-1"
