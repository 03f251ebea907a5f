"""Calls one RPC of a Warden-protected service with the token in $CROSS_TOKEN
(kept out of argv and logs) and prints the outcome on one line.

    call.py ADDRESS whoami      # SessionService/GetCurrentSession: "accepted user_id=<id>"
    call.py ADDRESS articles    # ArticleService/ListMyArticles: "accepted articles=<n>"
    call.py ADDRESS health      # grpc.health.v1.Health/Check (no token): "serving"

A refusal prints "refused <CODE> <reason>" and exits 3; a transport failure
exits 1. The articles call needs no generated code: its request is empty, and
ListMyArticlesResponse's field 1 is the repeated Article.
"""

from __future__ import annotations

import os
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from warden_client import error_reason, session_pb2, session_pb2_grpc

LIST_MY_ARTICLES = "/warden.articles.v1.ArticleService/ListMyArticles"


def _varint(payload: bytes, at: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = payload[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def count_field_1(payload: bytes) -> int:
    """How many times field 1 occurs in a protobuf message (wire format)."""
    count, at = 0, 0
    while at < len(payload):
        key, at = _varint(payload, at)
        field, wire_type = key >> 3, key & 7
        if wire_type == 0:
            _, at = _varint(payload, at)
        elif wire_type == 2:
            length, at = _varint(payload, at)
            at += length
        elif wire_type in (1, 5):
            at += 8 if wire_type == 1 else 4
        else:
            raise ValueError(f"unexpected wire type {wire_type}")
        count += field == 1
    return count


def main() -> int:
    address, what = sys.argv[1], sys.argv[2]
    token = os.environ.get("CROSS_TOKEN", "")
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    with grpc.insecure_channel(address) as channel:
        try:
            if what == "health":
                health = health_pb2_grpc.HealthStub(channel)
                answer = health.Check(health_pb2.HealthCheckRequest(), timeout=2)
                print(
                    health_pb2.HealthCheckResponse.ServingStatus.Name(
                        answer.status
                    ).lower()
                )
            elif what == "whoami":
                stub = session_pb2_grpc.SessionServiceStub(channel)
                answer = stub.GetCurrentSession(
                    session_pb2.GetCurrentSessionRequest(),
                    metadata=metadata,
                    timeout=10,
                )
                print(f"accepted user_id={answer.session.user_id}")
            elif what == "articles":
                call = channel.unary_unary(
                    LIST_MY_ARTICLES,
                    request_serializer=lambda _: b"",
                    response_deserializer=lambda raw: raw,
                )
                raw = call(None, metadata=metadata, timeout=10)
                print(f"accepted articles={count_field_1(raw)}")
            else:
                print(f"unknown call {what}", file=sys.stderr)
                return 2
        except grpc.RpcError as error:
            if error.code() in (
                grpc.StatusCode.UNAVAILABLE,
                grpc.StatusCode.DEADLINE_EXCEEDED,
            ):
                reason = error_reason(error)
                if reason is None:
                    print(
                        f"transport {error.code().name}: {error.details()}",
                        file=sys.stderr,
                    )
                    return 1
            print(f"refused {error.code().name} {error_reason(error)}")
            return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
