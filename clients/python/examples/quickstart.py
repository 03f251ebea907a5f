"""Quickstart: register, log in, ask who you are, and check a permission.

    python examples/quickstart.py --warden-url 127.0.0.1:50051

The schema and relationship writes need an administrator: the user named by
warden's `--bootstrap-admin-email` (default here: admin@example.com).
"""

from __future__ import annotations

import argparse
import sys
import uuid

import grpc

from warden_client import WardenClient, authz_pb2, error_reason, session_pb2

SCHEMA = """
definition user {}
definition document {
  relation viewer: user
  permission view = viewer
}
"""


def check(client: WardenClient, document: str, user_id: str, revision: str) -> int:
    response = client.authz.CheckPermission(
        authz_pb2.CheckPermissionRequest(
            resource=authz_pb2.ObjectReference(object_type="document", object_id=document),
            permission="view",
            subject=authz_pb2.SubjectReference(
                object=authz_pb2.ObjectReference(object_type="user", object_id=user_id)
            ),
            consistency=authz_pb2.Consistency(at_least_as_fresh=authz_pb2.Revision(token=revision)),
        )
    )
    return response.permissionship


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warden-url", default="127.0.0.1:50051")
    parser.add_argument("--email", default=f"alice-{uuid.uuid4().hex[:8]}@example.com")
    parser.add_argument("--password", default="correct horse battery staple")
    parser.add_argument("--admin-email", default="admin@example.com")
    parser.add_argument("--admin-password", default="correct horse battery staple")
    args = parser.parse_args()

    with WardenClient(args.warden_url) as alice, WardenClient(args.warden_url) as admin:
        user_id = alice.register(args.email, args.password, "Alice")
        alice.login(args.email, args.password)
        me = alice.sessions.GetCurrentSession(session_pb2.GetCurrentSessionRequest()).session
        print(f"logged in as {me.user_id} (session {me.session_id})")

        try:
            admin.register(args.admin_email, args.admin_password, "Admin")
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.ALREADY_EXISTS:
                raise
        admin.login(args.admin_email, args.admin_password)
        admin.authz.WriteSchema(authz_pb2.WriteSchemaRequest(schema=SCHEMA))
        written = admin.authz.WriteRelationships(
            authz_pb2.WriteRelationshipsRequest(
                updates=[
                    authz_pb2.RelationshipUpdate(
                        operation=authz_pb2.RelationshipUpdate.OPERATION_TOUCH,
                        relationship=authz_pb2.Relationship(
                            resource=authz_pb2.ObjectReference(
                                object_type="document", object_id="readme"
                            ),
                            relation="viewer",
                            subject=authz_pb2.SubjectReference(
                                object=authz_pb2.ObjectReference(
                                    object_type="user", object_id=user_id
                                )
                            ),
                        ),
                    )
                ]
            )
        ).written_at.token

        readme = check(alice, "readme", user_id, written)
        secret = check(alice, "secret", user_id, written)
        print(f"view document:readme -> {authz_pb2.Permissionship.Name(readme)}")
        print(f"view document:secret -> {authz_pb2.Permissionship.Name(secret)}")
        if (readme, secret) != (
            authz_pb2.PERMISSIONSHIP_HAS_PERMISSION,
            authz_pb2.PERMISSIONSHIP_NO_PERMISSION,
        ):
            print("unexpected permissionship", file=sys.stderr)
            return 1
        alice.logout()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except grpc.RpcError as error:
        print(f"{error.code().name}: {error.details()} ({error_reason(error)})", file=sys.stderr)
        sys.exit(1)
