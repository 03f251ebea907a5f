#!/usr/bin/env python3
"""Warden's answers against SpiceDB's on random schemas and relationships.

Each case is a random schema in the subset both accept (nested groups,
wildcards, subject sets, arrows, union, intersection, exclusion, recursion
through data, half the operators without parentheses) and random
relationships on a few objects of each type; in about a third of the cases
the schema is in SpiceDB's expiration syntax (`use expiration`,
`user | user with expiration`) and some relationships expire before the
questions, others long after. Both servers get the case. In about two cases
of five a random DeleteRelationships (a type, maybe an id, a relation, a
subject filter) follows, and both must delete as many; half of those have a
limit, mostly with partial deletions allowed, repeated until complete: both
must refuse alike and delete as many in each call. Then both must read back
the same relationships, and answer alike every check (each resource,
relation and permission, with each user, group and group member set as the
subject), every LookupResources (each type and permission, for users and
member sets) and every LookupSubjects (each resource and permission; users,
groups and member sets). For LookupSubjects "alike" is the set of subjects
granted, `*` read as every subject of the case but its exclusions: next to
`*` SpiceDB lists the subjects the relationships name on the way, Warden
every one it reached that holds the permission.

The data has no cycles: SpiceDB has no cycle detection (it answers a check
on a cycle with an error at its depth limit, and a lookup on cyclic data once
grew past 20 GiB here), so on cycles there is nothing to compare; Warden's
tests hold its own answers on cycles. Any error SpiceDB answers is counted,
not compared, and so is a schema SpiceDB refuses. A disagreement prints the
first differing answers, and the case is kept in `--keep` to replay with
`--replay FILE`.

SpiceDB runs with its dispatch cache off unless `--spicedb-cache`: with it
on, v1.56.2 answered some checks differently from itself with it off, in
both directions (seed 3: `permission perm0 = admin` denied to an admin, in 6
of 400 cases); with it off it agrees with Warden on all of them.

Needs `cargo build --release -p warden-server`, spicedb in ~/go/bin
(go install github.com/authzed/spicedb/cmd/spicedb@v1.56.2), and the Python
client's environment (see BENCHMARKS.md, "Answers against SpiceDB's"):

    clients/python/.venv/bin/python bench/differential.py --cases 300 --seed 4

With `--warden-postgres URL` Warden keeps the relationships in a fresh
PostgreSQL database (dropped at the end) instead of SQLite, so the store's
filters (deletes, reads) are compared on both.
"""

from __future__ import annotations

import argparse
import calendar
import json
import pathlib
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import grpc
from compare import GO_BIN, free_port, fresh_database, start_warden, tear_down
from google.protobuf.timestamp_pb2 import Timestamp
from warden_client.gen.warden.authz.v1 import authz_pb2 as pb
from warden_client.gen.warden.authz.v1 import authz_pb2_grpc

SPICEDB_KEY = "differential-key"
# Seconds SpiceDB may take to answer one request.
TIMEOUT = 20
# The address space SpiceDB may take.
SPICEDB_MEMORY = 8 << 30
# More flags for SpiceDB (see --spicedb-flag).
SPICEDB_FLAGS: list[str] = []
HAS = "PERMISSIONSHIP_HAS_PERMISSION"
NO = "PERMISSIONSHIP_NO_PERMISSION"
# Objects of each type in a case: few, so that every question can be asked.
OBJECTS = {"user": 4, "group": 3, "folder": 3, "doc": 3}
# Subject types a relation of each resource type may draw from.
SUBJECT_CHOICES = {
    "group": ["user", "user:*", "group#member", "group#admin"],
    "folder": ["user", "user:*", "group#member", "group#admin", "group"],
    "doc": ["user", "user:*", "group#member", "group", "folder#viewer"],
}
RELATIONS = {
    "group": ["member", "admin", "banned"],
    "folder": ["parent", "viewer", "editor", "banned", "team"],
    "doc": ["folder", "viewer", "editor", "banned", "team"],
}
# The share of cases whose relationships expire, some of them (in SpiceDB's
# syntax, `use expiration` and `with expiration`, which Warden accepts), and
# the seconds those that expire before the questions live.
EXPIRING_CASES = 0.3
EXPIRED_IN = 2
# The share of cases in which a random DeleteRelationships runs before the
# questions (both must delete as many, and keep the same relationships).
DELETING_CASES = 0.4
# The share of those deletes with a limit (optional_limit), of which most
# allow partial deletions. Drawn from the filter, not from the case's
# generator, so that the cases of a seed stay those of earlier runs.
LIMITED_DELETES = 0.5
PARTIAL_DELETES = 0.6
# Calls a partial delete may take before it counts as never completing.
MOST_DELETE_CALLS = 1_000
# Differences printed per case.
SHOWN = 3
# Relations that only ever hold plain objects of one type: what arrows go through.
ARROW_RELATIONS = {"folder": {"parent": "folder"}, "doc": {"folder": "folder"}}


def ids(kind: str) -> list[str]:
    return [f"{kind[0]}{i}" for i in range(OBJECTS[kind])]


# The schema.


def random_case(rng: random.Random) -> dict:
    """A schema as definitions (name -> relations and permissions) and
    relationships that fit it."""
    defs: dict[str, dict] = {"user": {"relations": {}, "permissions": {}}}
    for kind in ["group", "folder", "doc"]:
        relations = {}
        for name in RELATIONS[kind]:
            if name in ARROW_RELATIONS.get(kind, {}):
                relations[name] = [ARROW_RELATIONS[kind][name]]
                continue
            if kind == "group" and name == "member":
                # Nested groups, always possible.
                relations[name] = ["user", "group#member"] + (
                    ["user:*"] if rng.random() < 0.1 else []
                )
                continue
            # SpiceDB refuses a subject set that reaches a wildcard.
            choices = [
                c
                for c in SUBJECT_CHOICES[kind]
                if "#" not in c
                or not reaches_wildcard({**defs, kind: {"relations": relations}}, c)
            ]
            picked = rng.sample(choices, rng.randint(1, min(3, len(choices))))
            relations[name] = [c for c in choices if c in picked]
        defs[kind] = {"relations": relations, "permissions": {}}
    for kind in ["group", "folder", "doc"]:
        for n in range(rng.randint(1, 3)):
            defs[kind]["permissions"][f"perm{n}"] = random_expression(
                rng, defs, kind, f"perm{n}", 3
            )
    expiring = rng.random() < EXPIRING_CASES
    relationships = random_relationships(rng, defs, expiring)
    return {
        "schema": schema_text(defs, expiring),
        "defs": defs,
        "relationships": relationships,
        "expiring": expiring,
        "delete": random_delete(rng, defs) if rng.random() < DELETING_CASES else None,
    }


def random_delete(rng: random.Random, defs: dict) -> dict:
    """A DeleteRelationships filter on the case's objects: a resource type,
    maybe an id and a relation, maybe a subject type with maybe an id and a
    relation."""
    kind = rng.choice(["group", "folder", "doc"])
    found: dict = {"resource_type": kind}
    if rng.random() < 0.5:
        found["resource_id"] = rng.choice(ids(kind))
    if rng.random() < 0.5:
        found["relation"] = rng.choice(list(defs[kind]["relations"]))
    if rng.random() < 0.5:
        subject_type = rng.choice(["user", "group", "folder"])
        subject: dict = {"type": subject_type}
        if rng.random() < 0.5:
            subject["id"] = rng.choice(ids(subject_type))
        if subject_type == "group" and rng.random() < 0.5:
            subject["relation"] = "member"
        found["subject"] = subject
    limits = random.Random(json.dumps(found, sort_keys=True))
    if limits.random() < LIMITED_DELETES:
        found["partial"] = limits.random() < PARTIAL_DELETES
        # Smaller limits where all or nothing goes, so that some refuse.
        found["limit"] = limits.choice([1, 2, 3, 5, 8] if found["partial"] else [1, 2])
    return found


def deleting(call, found: dict) -> list[int] | str:
    """A delete of `found` repeated until it answers complete: each call's
    count, or "refused" if its first call refused to delete over its limit.
    `call()` answers (count, partial), or None for that refusal."""
    counts: list[int] = []
    while len(counts) < MOST_DELETE_CALLS:
        answer = call()
        if answer is None:
            if counts:
                raise RuntimeError(f"a delete refused after {counts}: {found}")
            return "refused"
        count, partial = answer
        counts.append(count)
        if not partial:
            return counts
    raise RuntimeError(f"a delete never completed: {found}")


def deleted_alike(warden: list[int] | str, spicedb: list[int] | str) -> bool:
    """Whether two servers' calls of one delete deleted alike. A call that
    deleted exactly its limit is partial to SpiceDB even when nothing else
    matched, and complete to Warden (which counts one more than the limit),
    so SpiceDB's next call deletes nothing: calls that deleted nothing are
    left out."""
    if isinstance(warden, str) or isinstance(spicedb, str):
        return warden == spicedb
    return [c for c in warden if c] == [c for c in spicedb if c]


def reaches_wildcard(defs: dict, subject_set: str, seen: set | None = None) -> bool:
    """Whether the relation `type#relation` allows a wildcard, itself or
    through the subject sets it allows."""
    seen = seen if seen is not None else set()
    if subject_set in seen:
        return False
    seen.add(subject_set)
    kind, relation = subject_set.split("#")
    allowed = defs.get(kind, {}).get("relations", {}).get(relation, [])
    return any(
        a.endswith(":*") or ("#" in a and reaches_wildcard(defs, a, seen))
        for a in allowed
    )


def random_expression(
    rng: random.Random, defs: dict, kind: str, name: str, depth: int
) -> str:
    """A random expression for permission `name` of `kind`."""
    if depth == 0 or rng.random() < 0.35:
        return random_leaf(rng, defs, kind, name)
    op = rng.choice(["+", "&", "-"])
    left = random_expression(rng, defs, kind, name, depth - 1)
    right = random_expression(rng, defs, kind, name, depth - 1)
    # Half bare, so that both must read the operators' precedence alike.
    return f"({left} {op} {right})" if rng.random() < 0.5 else f"{left} {op} {right}"


def random_leaf(rng: random.Random, defs: dict, kind: str, name: str) -> str:
    """A relation or an earlier permission of `kind`, `nil`, or an arrow
    through a relation of plain objects to a relation or a permission of their
    type (`name` itself when the type is `kind`: recursion through data, as in
    `view = viewer + parent->view`)."""
    here = defs[kind]
    # SpiceDB's `nil`, nothing, now and then.
    if rng.random() < 0.03:
        return "nil"
    arrows = list(ARROW_RELATIONS.get(kind, {}).items())
    if here["relations"].get("team") == ["group"]:
        arrows.append(("team", "group"))
    if arrows and rng.random() < 0.35:
        through, target = rng.choice(arrows)
        names = list(defs[target]["relations"]) + list(defs[target]["permissions"])
        if target == kind:
            names.append(name)
        target_name = rng.choice(names)
        # SpiceDB's other spelling of an arrow, and its arrow to every
        # object, now and then.
        spelling = rng.random()
        if spelling < 0.2:
            return f"{through}.any({target_name})"
        if spelling < 0.4:
            return f"{through}.all({target_name})"
        return f"{through}->{target_name}"
    return rng.choice(list(here["relations"]) + list(here["permissions"]))


def schema_text(defs: dict, expiring: bool) -> str:
    """The schema, in SpiceDB's expiration syntax when `expiring`."""
    out = ["use expiration"] if expiring else []
    for kind, d in defs.items():
        lines = [f"definition {kind} {{"]
        for name, allowed in d["relations"].items():
            # In SpiceDB a type with the trait takes only relationships that
            # expire, so each type is listed both ways.
            if expiring:
                allowed = [
                    form for a in allowed for form in (a, f"{a} with expiration")
                ]
            lines.append(f"    relation {name}: {' | '.join(allowed)}")
        for name, expr in d["permissions"].items():
            lines.append(f"    permission {name} = {expr}")
        lines.append("}")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def random_relationships(rng: random.Random, defs: dict, expiring: bool) -> list[tuple]:
    """(resource type, id, relation, subject type, subject id, subject
    relation, seconds to live or 0). Without cycles: an object names only
    objects of its own type with a lower number (see the module). When
    `expiring`, some relationships expire before the questions, some long
    after."""
    out = {}
    for kind in ["group", "folder", "doc"]:
        for n, resource in enumerate(ids(kind)):
            for relation, allowed in defs[kind]["relations"].items():
                for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
                    choice = rng.choice(allowed)
                    t, _, r = choice.partition("#")
                    if t.endswith(":*"):
                        key = (kind, resource, relation, t[:-2], "*", "")
                    else:
                        candidates = ids(t)[:n] if t == kind else ids(t)
                        if not candidates:
                            continue
                        key = (kind, resource, relation, t, rng.choice(candidates), r)
                    ttl = rng.choice([0, 0, EXPIRED_IN, 3600]) if expiring else 0
                    out[key] = ttl
    return sorted(key + (ttl,) for key, ttl in out.items())


# The questions.


def questions(defs: dict, expiring: bool) -> tuple[list, list, list]:
    """Every check, LookupResources and LookupSubjects of a case: subjects
    are users, groups and groups' member sets; users alone where
    relationships expire, as SpiceDB (v1.56.2) counts an expired
    relationship whose subject is a group or a member set, listed both with
    and without `with expiration`, when that very subject is checked
    (`doc:d1#viewer@group:g1`, expired: `group:g1` still views d1)."""
    subjects = [("user", u, "") for u in ids("user")]
    subject_kinds = [("user", "")]
    if not expiring:
        subjects += [("group", g, "member") for g in ids("group")]
        subjects += [("group", g, "") for g in ids("group")]
        subject_kinds += [("group", "member"), ("group", "")]
    checks, lookup_resources, lookup_subjects = [], [], []
    for kind in ["group", "folder", "doc"]:
        names = list(defs[kind]["relations"]) + list(defs[kind]["permissions"])
        for name in names:
            for resource in ids(kind):
                for subject_kind in subject_kinds:
                    lookup_subjects.append((kind, resource, name, subject_kind))
                for subject in subjects:
                    checks.append((kind, resource, name, subject))
            for subject in subjects:
                if subject[0] == "user" or subject[2]:
                    lookup_resources.append((kind, name, subject))
    return checks, lookup_resources, lookup_subjects


# Warden.


class Warden:
    def __init__(self, addr: str, token: str):
        self.channel = grpc.insecure_channel(addr)
        self.stub = authz_pb2_grpc.AuthzServiceStub(self.channel)
        self.metadata = [("authorization", f"Bearer {token}")]
        self.full = pb.Consistency(fully_consistent=True)

    def load(self, case: dict, now: float) -> None:
        for kind in ["group", "folder", "doc"]:
            try:
                self.stub.DeleteRelationships(
                    pb.DeleteRelationshipsRequest(
                        filter=pb.RelationshipFilter(resource_type=kind)
                    ),
                    metadata=self.metadata,
                )
            except grpc.RpcError:
                pass  # no schema yet
        self.stub.WriteSchema(
            pb.WriteSchemaRequest(schema=case["schema"]), metadata=self.metadata
        )
        updates = [
            pb.RelationshipUpdate(
                operation=pb.RelationshipUpdate.OPERATION_TOUCH,
                relationship=pb.Relationship(
                    resource=pb.ObjectReference(object_type=t, object_id=i),
                    relation=r,
                    subject=pb.SubjectReference(
                        object=pb.ObjectReference(object_type=st, object_id=si),
                        optional_relation=sr,
                    ),
                    expires_at=Timestamp(seconds=int(now) + ttl) if ttl else None,
                ),
            )
            for (t, i, r, st, si, sr, ttl) in case["relationships"]
        ]
        if updates:
            self.stub.WriteRelationships(
                pb.WriteRelationshipsRequest(updates=updates), metadata=self.metadata
            )

    def delete(self, found: dict) -> list[int] | str:
        subject = found.get("subject")
        request = pb.DeleteRelationshipsRequest(
            filter=pb.RelationshipFilter(
                resource_type=found["resource_type"],
                optional_resource_id=found.get("resource_id", ""),
                optional_relation=found.get("relation", ""),
                optional_subject_filter=pb.SubjectFilter(
                    subject_type=subject["type"],
                    optional_subject_id=subject.get("id", ""),
                    optional_relation=subject.get("relation", ""),
                )
                if subject
                else None,
            ),
            optional_limit=found.get("limit", 0),
            optional_allow_partial_deletions=found.get("partial", False),
        )

        def call() -> tuple[int, bool] | None:
            try:
                r = self.stub.DeleteRelationships(request, metadata=self.metadata)
            except grpc.RpcError as e:
                if e.code() == grpc.StatusCode.FAILED_PRECONDITION and "limit" in found:
                    return None
                raise
            return r.deleted_count, r.deletion_progress == pb.DELETION_PROGRESS_PARTIAL

        return deleting(call, found)

    def read(self, kind: str) -> list[tuple]:
        request = pb.ReadRelationshipsRequest(
            filter=pb.RelationshipFilter(resource_type=kind), consistency=self.full
        )
        out = []
        for r in self.stub.ReadRelationships(request, metadata=self.metadata):
            rel = r.relationship
            expires = rel.expires_at.seconds if rel.HasField("expires_at") else 0
            out.append(
                (
                    rel.resource.object_type,
                    rel.resource.object_id,
                    rel.relation,
                    rel.subject.object.object_type,
                    rel.subject.object.object_id,
                    rel.subject.optional_relation,
                    expires,
                )
            )
        return sorted(out)

    def checks(self, checks: list) -> list[str]:
        answers = []
        for at in range(0, len(checks), 500):
            items = [
                pb.CheckBulkPermissionsRequestItem(
                    resource=pb.ObjectReference(object_type=t, object_id=i),
                    permission=p,
                    subject=pb.SubjectReference(
                        object=pb.ObjectReference(object_type=st, object_id=si),
                        optional_relation=sr,
                    ),
                )
                for (t, i, p, (st, si, sr)) in checks[at : at + 500]
            ]
            response = self.stub.CheckBulkPermissions(
                pb.CheckBulkPermissionsRequest(items=items, consistency=self.full),
                metadata=self.metadata,
            )
            for pair in response.pairs:
                if pair.WhichOneof("response") == "permissionship":
                    answers.append(pb.Permissionship.Name(pair.permissionship))
                else:
                    answers.append(f"error: {pair.error.message}")
        return answers

    def lookup_resources(self, kind: str, permission: str, subject: tuple) -> list[str]:
        st, si, sr = subject
        request = pb.LookupResourcesRequest(
            resource_object_type=kind,
            permission=permission,
            subject=pb.SubjectReference(
                object=pb.ObjectReference(object_type=st, object_id=si),
                optional_relation=sr,
            ),
            consistency=self.full,
        )
        stream = self.stub.LookupResources(request, metadata=self.metadata)
        return sorted(r.resource_object_id for r in stream)

    def lookup_subjects(
        self, kind: str, resource: str, permission: str, subjects: tuple
    ) -> list[str]:
        request = pb.LookupSubjectsRequest(
            resource=pb.ObjectReference(object_type=kind, object_id=resource),
            permission=permission,
            subject_object_type=subjects[0],
            optional_subject_relation=subjects[1],
            consistency=self.full,
        )
        wildcard, excluded, concrete = False, set(), set()
        for r in self.stub.LookupSubjects(request, metadata=self.metadata):
            if r.subject.subject_object_id == "*":
                wildcard = True
                excluded = {e.subject_object_id for e in r.excluded_subjects}
            else:
                concrete.add(r.subject.subject_object_id)
        return holders(subjects[0], wildcard, excluded, concrete)


# SpiceDB, through its HTTP gateway.


class SpiceDB:
    def __init__(self, http: str):
        self.http = http

    def call(self, path: str, body: dict) -> list[dict]:
        """One POST; a streaming answer is one JSON object a line."""
        request = urllib.request.Request(
            f"http://{self.http}{path}",
            data=json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {SPICEDB_KEY}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"SpiceDB {path}: {e.code} {e.read().decode()}") from e
        except TimeoutError as e:
            raise RuntimeError(
                f"SpiceDB {path}: no answer in {TIMEOUT} s {body}"
            ) from e
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def load(self, case: dict, now: float) -> None:
        for kind in ["group", "folder", "doc"]:
            try:
                self.call(
                    "/v1/relationships/delete",
                    {"relationshipFilter": {"resourceType": kind}},
                )
            except RuntimeError:
                pass  # no schema yet
        self.call("/v1/schema/write", {"schema": case["schema"]})
        updates = [
            {
                "operation": "OPERATION_TOUCH",
                "relationship": {
                    "resource": {"objectType": t, "objectId": i},
                    "relation": r,
                    "subject": {
                        "object": {"objectType": st, "objectId": si},
                        **({"optionalRelation": sr} if sr else {}),
                    },
                    **({"optionalExpiresAt": rfc3339(int(now) + ttl)} if ttl else {}),
                },
            }
            for (t, i, r, st, si, sr, ttl) in case["relationships"]
        ]
        if updates:
            self.call("/v1/relationships/write", {"updates": updates})

    def delete(self, found: dict) -> int:
        subject = found.get("subject")
        body = {
            "relationshipFilter": {
                "resourceType": found["resource_type"],
                **(
                    {"optionalResourceId": found["resource_id"]}
                    if "resource_id" in found
                    else {}
                ),
                **(
                    {"optionalRelation": found["relation"]}
                    if "relation" in found
                    else {}
                ),
                **(
                    {
                        "optionalSubjectFilter": {
                            "subjectType": subject["type"],
                            **(
                                {"optionalSubjectId": subject["id"]}
                                if "id" in subject
                                else {}
                            ),
                            **(
                                {"optionalRelation": {"relation": subject["relation"]}}
                                if "relation" in subject
                                else {}
                            ),
                        }
                    }
                    if subject
                    else {}
                ),
            },
            **(
                {
                    "optionalLimit": found["limit"],
                    "optionalAllowPartialDeletions": found["partial"],
                }
                if "limit" in found
                else {}
            ),
        }

        def call() -> tuple[int, bool] | None:
            try:
                (r,) = self.call("/v1/relationships/delete", body)
            except RuntimeError as e:
                # More match than the limit: INVALID_ARGUMENT to SpiceDB,
                # FAILED_PRECONDITION to Warden (the request is fine; the
                # data is what it does not fit).
                too_many = "TOO_MANY_RELATIONSHIPS_FOR_TRANSACTIONAL_DELETE"
                if too_many in str(e) and "limit" in found:
                    return None
                raise
            partial = r.get("deletionProgress") == "DELETION_PROGRESS_PARTIAL"
            return int(r.get("relationshipsDeletedCount", 0)), partial

        return deleting(call, found)

    def read(self, kind: str) -> list[tuple]:
        body = {
            "relationshipFilter": {"resourceType": kind},
            "consistency": {"fullyConsistent": True},
        }
        out = []
        for line in self.call("/v1/relationships/read", body):
            rel = line["result"]["relationship"]
            expires = rel.get("optionalExpiresAt")
            out.append(
                (
                    rel["resource"]["objectType"],
                    rel["resource"]["objectId"],
                    rel["relation"],
                    rel["subject"]["object"]["objectType"],
                    rel["subject"]["object"]["objectId"],
                    rel["subject"].get("optionalRelation", ""),
                    calendar.timegm(time.strptime(expires[:19], "%Y-%m-%dT%H:%M:%S"))
                    if expires
                    else 0,
                )
            )
        return sorted(out)

    def checks(self, checks: list) -> list[str]:
        answers = []
        for at in range(0, len(checks), 500):
            items = [
                {
                    "resource": {"objectType": t, "objectId": i},
                    "permission": p,
                    "subject": {
                        "object": {"objectType": st, "objectId": si},
                        **({"optionalRelation": sr} if sr else {}),
                    },
                }
                for (t, i, p, (st, si, sr)) in checks[at : at + 500]
            ]
            body = {"items": items, "consistency": {"fullyConsistent": True}}
            (response,) = self.call("/v1/permissions/checkbulk", body)
            for pair in response["pairs"]:
                if "item" in pair:
                    answers.append(pair["item"]["permissionship"])
                else:
                    answers.append(f"error: {pair['error'].get('message', '')}")
        return answers

    def results(self, path: str, body: dict) -> list[dict] | None:
        """A streamed answer's results, or None for an error (on cyclic
        data, its depth limit)."""
        try:
            lines = self.call(path, body)
        except RuntimeError:
            return None
        if any("error" in line for line in lines):
            return None
        return [line["result"] for line in lines]

    def lookup_resources(
        self, kind: str, permission: str, subject: tuple
    ) -> list[str] | str:
        st, si, sr = subject
        body = {
            "resourceObjectType": kind,
            "permission": permission,
            "subject": {
                "object": {"objectType": st, "objectId": si},
                **({"optionalRelation": sr} if sr else {}),
            },
            "consistency": {"fullyConsistent": True},
        }
        results = self.results("/v1/permissions/resources", body)
        if results is None:
            return "error"
        return sorted(
            result["resourceObjectId"]
            for result in results
            if result.get("permissionship") == "LOOKUP_PERMISSIONSHIP_HAS_PERMISSION"
        )

    def lookup_subjects(
        self, kind: str, resource: str, permission: str, subjects: tuple
    ) -> list[str] | str:
        body = {
            "resource": {"objectType": kind, "objectId": resource},
            "permission": permission,
            "subjectObjectType": subjects[0],
            **({"optionalSubjectRelation": subjects[1]} if subjects[1] else {}),
            "consistency": {"fullyConsistent": True},
        }
        results = self.results("/v1/permissions/subjects", body)
        if results is None:
            return "error"
        wildcard, excluded, concrete = False, set(), set()
        for result in results:
            subject = result["subject"]
            if subject.get("permissionship") != "LOOKUP_PERMISSIONSHIP_HAS_PERMISSION":
                continue
            if subject["subjectObjectId"] == "*":
                wildcard = True
                excluded = {
                    e["subjectObjectId"] for e in result.get("excludedSubjects", [])
                }
            else:
                concrete.add(subject["subjectObjectId"])
        return holders(subjects[0], wildcard, excluded, concrete)


def holders(kind: str, wildcard: bool, excluded: set, concrete: set) -> list[str]:
    """The users of a case that a LookupSubjects answer grants (`*` and its
    exclusions read as every user but those), and `*` if it was answered:
    what the two servers must agree on. They may list different users next
    to `*`: SpiceDB lists those the relationships name along the way,
    Warden every one it reached that holds the permission."""
    users = set(concrete)
    if wildcard:
        users |= set(ids(kind)) - excluded
        users.add("*")
    return sorted(users)


def rfc3339(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def start_spicedb(work: pathlib.Path, servers: list) -> tuple[str, str]:
    grpc_addr, http_addr = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
    cmd = [
        str(GO_BIN / "spicedb"),
        "serve",
        "--grpc-preshared-key",
        SPICEDB_KEY,
        "--grpc-addr",
        grpc_addr,
        "--http-enabled=true",
        "--http-addr",
        http_addr,
        "--datastore-engine",
        "memory",
        "--metrics-enabled=false",
        "--telemetry-endpoint=",
        "--skip-release-check=true",
        "--log-level",
        "warn",
        *SPICEDB_FLAGS,
    ]
    log = (work / "spicedb.log").open("w")
    # Capped: a query SpiceDB cannot answer must not take the machine with it.
    capped = ["prlimit", f"--as={SPICEDB_MEMORY}", "--"] + cmd
    servers.append(subprocess.Popen(capped, stdout=log, stderr=subprocess.STDOUT))
    spicedb = SpiceDB(http_addr)
    deadline = time.monotonic() + 60
    while True:
        try:
            spicedb.call("/v1/schema/read", {})
            break
        except RuntimeError:
            break  # answering (no schema yet is an error answer)
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
    return grpc_addr, http_addr


# The comparison.


def compare(case: dict, warden: Warden, spicedb: SpiceDB) -> dict:
    checks, lookup_resources, lookup_subjects = questions(
        case["defs"], case.get("expiring", False)
    )
    result = {"checks": len(checks), "spicedb_errors": 0, "differ": []}
    if case.get("delete"):
        a, b = warden.delete(case["delete"]), spicedb.delete(case["delete"])
        result["deleted"] = a if isinstance(a, str) else sum(a)
        if "limit" in case["delete"]:
            result["limited"] = {"limit": case["delete"]["limit"], "calls": a}
        # An expired relationship may be gone already, or still counted.
        if not deleted_alike(a, b) and not case.get("expiring"):
            result["differ"].append(
                {"deleted": case["delete"], "warden": a, "spicedb": b}
            )
    for kind in ["group", "folder", "doc"]:
        a, b = warden.read(kind), spicedb.read(kind)
        if a != b:
            result["differ"].append({"read": kind, "warden": a, "spicedb": b})
    ours, theirs = warden.checks(checks), spicedb.checks(checks)
    for question, a, b in zip(checks, ours, theirs):
        if b.startswith("error"):
            result["spicedb_errors"] += 1
        elif a != b:
            result["differ"].append({"check": question, "warden": a, "spicedb": b})
    for lookup, questions_of_kind in [
        ("lookup_resources", lookup_resources),
        ("lookup_subjects", lookup_subjects),
    ]:
        for question in questions_of_kind:
            a = getattr(warden, lookup)(*question)
            b = getattr(spicedb, lookup)(*question)
            if b == "error":
                result["spicedb_errors"] += 1
            elif a != b:
                result["differ"].append({lookup: question, "warden": a, "spicedb": b})
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", type=pathlib.Path, default=pathlib.Path("differential-cases")
    )
    parser.add_argument("--replay", type=pathlib.Path, help="a kept case to run alone")
    parser.add_argument(
        "--warden-postgres",
        metavar="URL",
        help="Warden on PostgreSQL: a URL whose user may create databases "
        "(default: its embedded SQLite)",
    )
    parser.add_argument(
        "--spicedb-cache",
        action="store_true",
        help="leave SpiceDB's dispatch cache on (off by default: see the module)",
    )
    args = parser.parse_args()
    if not args.spicedb_cache:
        SPICEDB_FLAGS.append("--dispatch-cache-enabled=false")

    work = pathlib.Path(tempfile.mkdtemp(prefix="warden-differential-"))
    servers: list[subprocess.Popen] = []
    database = None
    totals = {
        "cases": 0,
        "checks": 0,
        "spicedb_errors": 0,
        "differing_cases": 0,
        "limited_deletes": 0,
        "limited_deletes_refused": 0,
        "limited_delete_calls": 0,
    }
    try:
        database_url = None
        if args.warden_postgres:
            database, database_url = fresh_database(
                args.warden_postgres, "warden_differential"
            )
        _, warden_addr, _, token = start_warden(
            work, servers, admin=True, database_url=database_url
        )
        _, http_addr = start_spicedb(work, servers)
        warden, spicedb = Warden(warden_addr, token), SpiceDB(http_addr)
        if args.replay:
            cases = [json.loads(args.replay.read_text())]
            cases[0]["relationships"] = [tuple(r) for r in cases[0]["relationships"]]
        else:
            rng = random.Random(args.seed)
            cases = (random_case(rng) for _ in range(args.cases))
        refused: dict[str, int] = {}
        for n, case in enumerate(cases):
            now = time.time()
            try:
                spicedb.load(case, now)
            except RuntimeError as e:
                # A schema SpiceDB refuses (Warden's subset is looser in places):
                # counted by SpiceDB's reason, not compared.
                reason = json.loads(str(e).split(" ", 3)[3])["message"]
                reason = reason.split(": ")[-1] if "wildcard" in reason else reason
                refused[reason] = refused.get(reason, 0) + 1
                continue
            try:
                warden.load(case, now)
            except grpc.RpcError as e:
                totals["differing_cases"] += 1
                print(
                    json.dumps(
                        {
                            "case": n,
                            "warden_refused": e.details(),
                            "schema": case["schema"],
                        }
                    )
                )
                continue
            if any(r[6] == EXPIRED_IN for r in case["relationships"]):
                time.sleep(max(0.0, int(now) + EXPIRED_IN + 1 - time.time()))
            result = compare(case, warden, spicedb)
            limited = result.get("limited")
            print(
                f"case {n}: {result['checks']} checks, {result.get('deleted', 'no')} "
                f"deleted{f' {limited}' if limited else ''}, "
                f"{len(result['differ'])} differ",
                file=sys.stderr,
            )
            if limited:
                refused_delete = limited["calls"] == "refused"
                totals["limited_deletes"] += 1
                totals["limited_deletes_refused"] += refused_delete
                totals["limited_delete_calls"] += (
                    0 if refused_delete else len(limited["calls"])
                )
            totals["cases"] += 1
            totals["checks"] += result["checks"]
            totals["spicedb_errors"] += result["spicedb_errors"]
            if result["differ"]:
                totals["differing_cases"] += 1
                args.keep.mkdir(exist_ok=True)
                kept = args.keep / f"case-{args.seed}-{n}.json"
                kept.write_text(json.dumps(case, indent=1))
                print(
                    json.dumps(
                        {
                            "case": n,
                            "kept": str(kept),
                            "differences": len(result["differ"]),
                            "first": result["differ"][:SHOWN],
                        }
                    )
                )
        print(json.dumps({**totals, "spicedb_refused": refused}))
        return 1 if totals["differing_cases"] else 0
    finally:
        tear_down(servers, work, args.warden_postgres, database)


if __name__ == "__main__":
    sys.exit(main())
