#!/usr/bin/env python3
"""WriteRelationships throughput by operation, over gRPC against `warden serve`.

Starts the given warden binary (SQLite in a temporary directory, or
PostgreSQL with --database-url, which must name an empty database), writes a
one-relation schema, then times 20 requests of 1,000 CREATEs (relationships
that do not exist), 20 of 1,000 TOUCHes, and 20 of 1,000 DELETEs of the
touched ones, one request at a time, and prints the updates per second of
each as JSON. Run it for two builds in turns to compare them.

Needs the Python client's environment (clients/python/.venv, see its README):

    clients/python/.venv/bin/python bench/writes.py target/release/warden
    clients/python/.venv/bin/python bench/writes.py target/release/warden \\
        --database-url postgres://warden:warden@127.0.0.1:5432/EMPTY_DATABASE
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from live import admin_warden
from warden_client.gen.warden.authz.v1 import authz_pb2, authz_pb2_grpc

SCHEMA = "definition user {}\ndefinition document { relation viewer: user }"
REQUESTS = 20
PER_REQUEST = 1_000
Update = authz_pb2.RelationshipUpdate


def request(operation: int, tag: str, n: int) -> authz_pb2.WriteRelationshipsRequest:
    updates = []
    for i in range(PER_REQUEST):
        relationship = authz_pb2.Relationship(
            resource=authz_pb2.ObjectReference(
                object_type="document", object_id=f"{tag}{n}-{i}"
            ),
            relation="viewer",
            subject=authz_pb2.SubjectReference(
                object=authz_pb2.ObjectReference(object_type="user", object_id=f"u{i}")
            ),
        )
        updates.append(Update(operation=operation, relationship=relationship))
    return authz_pb2.WriteRelationshipsRequest(updates=updates)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warden", help="the warden binary")
    parser.add_argument("--database-url", help="an empty PostgreSQL database")
    args = parser.parse_args()

    with admin_warden(args.warden, args.database_url) as (_, channel, metadata):
        authz = authz_pb2_grpc.AuthzServiceStub(channel)
        authz.WriteSchema(
            authz_pb2.WriteSchemaRequest(schema=SCHEMA), metadata=metadata
        )
        rates = {}
        for name, operation, tag in [
            ("create", Update.OPERATION_CREATE, "created"),
            ("touch", Update.OPERATION_TOUCH, "touched"),
            ("delete", Update.OPERATION_DELETE, "touched"),
        ]:
            requests = [request(operation, tag, n) for n in range(REQUESTS)]
            started = time.monotonic()
            for r in requests:
                authz.WriteRelationships(r, metadata=metadata)
            elapsed = time.monotonic() - started
            rates[name] = round(REQUESTS * PER_REQUEST / elapsed)
        store = "postgresql" if args.database_url else "sqlite"
        print(json.dumps({"store": store, "updates_per_second": rates}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
