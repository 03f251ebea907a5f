//! Fine-grained authorization, end to end over gRPC: a conformance suite
//! (union, intersection, exclusion, arrows, wildcards, nested groups, group
//! cycles, expiry, deletes read at their revision) on SQLite and PostgreSQL and
//! from a second replica sharing the database; rejected input that changes
//! nothing; lookups with limits and cursors.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tonic::transport::Channel;
use tonic::Code;
use tonic_types::StatusExt;
use warden_e2e::{bearer, reason, register_and_login, Backend, TestWarden};
use warden_proto::authz::v1::authz_service_client::AuthzServiceClient;
use warden_proto::authz::v1::{
    consistency, precondition, relationship_update, CheckBulkPermissionsPair,
    CheckBulkPermissionsRequest, CheckBulkPermissionsRequestItem, CheckPermissionRequest,
    CheckTrace, Consistency, DeleteRelationshipsRequest, DeleteRelationshipsResponse,
    DeletionProgress, LookupResourcesRequest, LookupSubjectsRequest, ObjectReference,
    Permissionship, Precondition, ReadRelationshipsRequest, ReadSchemaRequest, Relationship,
    RelationshipFilter, RelationshipUpdate, Revision, SubjectFilter, SubjectReference,
    WriteRelationshipsRequest, WriteSchemaRequest,
};

type Authz = AuthzServiceClient<Channel>;

const SCHEMA: &str = r#"
// A Drive-like model.
definition user {}

definition group {
    relation member: user | group#member
}

definition folder {
    relation parent: folder
    relation owner: user
    relation viewer: user | group#member | user:*
    permission view = viewer + owner + parent->view
}

/* Documents inherit viewers from their folder chain. */
definition document {
    relation parent: folder
    relation owner: user
    relation editor: user | group#member
    relation viewer: user | group#member | user:*
    relation banned: user
    permission edit = owner + editor
    permission view = (viewer + edit + parent->view) - banned
    permission audit = edit & viewer
}
"#;

fn object(text: &str) -> ObjectReference {
    let (t, id) = text.split_once(':').expect("type:id");
    ObjectReference {
        object_type: t.into(),
        object_id: id.into(),
    }
}

fn subject(text: &str) -> SubjectReference {
    let (o, rel) = text.split_once('#').unwrap_or((text, ""));
    SubjectReference {
        object: Some(object(o)),
        optional_relation: rel.into(),
    }
}

/// `document:readme#viewer@group:eng#member`.
fn rel(text: &str) -> Relationship {
    let (resource, who) = text.split_once('@').expect("resource@subject");
    let (o, relation) = resource.split_once('#').expect("object#relation");
    Relationship {
        resource: Some(object(o)),
        relation: relation.into(),
        subject: Some(subject(who)),
        expires_at: None,
    }
}

fn update(op: relationship_update::Operation, relationship: Relationship) -> RelationshipUpdate {
    RelationshipUpdate {
        operation: op as i32,
        relationship: Some(relationship),
    }
}

fn touch(text: &str) -> RelationshipUpdate {
    update(relationship_update::Operation::Touch, rel(text))
}

fn fresh(revision: &Revision) -> Option<Consistency> {
    Some(Consistency {
        requirement: Some(consistency::Requirement::AtLeastAsFresh(revision.clone())),
    })
}

/// A warden with an administrator; returns it with the admin's access token.
async fn start(backend: Backend) -> (TestWarden, String) {
    let (warden, admin) = TestWarden::start_with_admin(backend, |_| {}).await;
    (warden, admin.access_token)
}

/// [`start`], with the Drive schema written: the warden, the admin's token,
/// a client, and the schema's revision.
async fn start_with_schema(backend: Backend) -> (TestWarden, String, Authz, Revision) {
    let (warden, admin) = start(backend).await;
    let mut authz = warden.authz().await;
    let written = authz
        .write_schema(bearer(
            WriteSchemaRequest {
                schema: SCHEMA.into(),
            },
            &admin,
        ))
        .await
        .expect("schema accepted")
        .into_inner()
        .written_at
        .expect("a revision");
    (warden, admin, authz, written)
}

/// Deletes every relationship `filter` matches (no limit).
async fn delete_matching(
    authz: &mut Authz,
    token: &str,
    filter: RelationshipFilter,
) -> DeleteRelationshipsResponse {
    let request = DeleteRelationshipsRequest {
        filter: Some(filter),
        ..Default::default()
    };
    let response = authz.delete_relationships(bearer(request, token)).await;
    response.unwrap().into_inner()
}

async fn write(authz: &mut Authz, token: &str, updates: Vec<RelationshipUpdate>) -> Revision {
    authz
        .write_relationships(bearer(
            WriteRelationshipsRequest {
                updates,
                preconditions: vec![],
            },
            token,
        ))
        .await
        .expect("write relationships")
        .into_inner()
        .written_at
        .unwrap()
}

fn check_request(
    resource: &str,
    permission: &str,
    who: &str,
    consistency: Option<Consistency>,
    with_tracing: bool,
) -> CheckPermissionRequest {
    CheckPermissionRequest {
        resource: Some(object(resource)),
        permission: permission.into(),
        subject: Some(subject(who)),
        consistency,
        with_tracing,
    }
}

async fn check_at(
    authz: &mut Authz,
    token: &str,
    resource: &str,
    permission: &str,
    who: &str,
    consistency: Option<Consistency>,
) -> Result<bool, tonic::Status> {
    let request = check_request(resource, permission, who, consistency, false);
    let answer = authz
        .check_permission(bearer(request, token))
        .await?
        .into_inner();
    assert!(answer.checked_at.is_some());
    Ok(answer.permissionship == Permissionship::HasPermission as i32)
}

/// A traced check: whether granted, and its trace.
async fn check_traced(
    authz: &mut Authz,
    token: &str,
    resource: &str,
    permission: &str,
    who: &str,
) -> (bool, CheckTrace) {
    let request = check_request(resource, permission, who, None, true);
    let answer = authz
        .check_permission(bearer(request, token))
        .await
        .unwrap()
        .into_inner();
    let granted = answer.permissionship == Permissionship::HasPermission as i32;
    (granted, answer.trace.expect("a trace when asked"))
}

/// What a LookupSubjects stream answers, in order: each subject, with those
/// it leaves out (only `*` has any).
async fn subjects_found(
    authz: &mut Authz,
    token: &str,
    request: LookupSubjectsRequest,
) -> Vec<(String, Vec<String>)> {
    let mut stream = authz
        .lookup_subjects(bearer(request, token))
        .await
        .unwrap()
        .into_inner();
    let mut found = Vec::new();
    while let Some(item) = stream.message().await.unwrap() {
        let excluded = (item.excluded_subjects.into_iter())
            .map(|s| s.subject_object_id)
            .collect();
        found.push((item.subject.unwrap().subject_object_id, excluded));
    }
    found
}

/// A subject found with nothing left out.
fn plain(id: &str) -> (String, Vec<String>) {
    (id.to_owned(), Vec::new())
}

fn bulk_item(resource: &str, permission: &str, who: &str) -> CheckBulkPermissionsRequestItem {
    CheckBulkPermissionsRequestItem {
        resource: Some(object(resource)),
        permission: permission.into(),
        subject: Some(subject(who)),
    }
}

/// A `CheckBulkPermissions` of `items`: its pairs, in order.
async fn check_bulk(
    authz: &mut Authz,
    token: &str,
    items: Vec<CheckBulkPermissionsRequestItem>,
    consistency: Option<Consistency>,
) -> Vec<CheckBulkPermissionsPair> {
    let request = CheckBulkPermissionsRequest { items, consistency };
    let response = authz.check_bulk_permissions(bearer(request, token));
    response.await.unwrap().into_inner().pairs
}

const DATA: &[&str] = &[
    "group:eng#member@user:alice",
    "group:eng#member@group:leads#member",
    "group:leads#member@user:lena",
    "group:a#member@group:b#member",
    "group:b#member@group:a#member",
    "group:b#member@user:bob",
    "folder:root#viewer@group:eng#member",
    "folder:l1#parent@folder:root",
    "folder:l2#parent@folder:l1",
    "folder:l3#parent@folder:l2",
    "folder:l4#parent@folder:l3",
    "folder:l5#parent@folder:l4",
    "document:deep#parent@folder:l5",
    "document:deep#banned@user:alice",
    "document:readme#owner@user:olga",
    "document:readme#viewer@user:victor",
    "document:readme#editor@user:victor",
    "document:public#viewer@user:*",
    "document:cyc#viewer@group:a#member",
];

/// (resource, permission, subject, expected)
const EXPECTED: &[(&str, &str, &str, bool)] = &[
    // Nested groups, then arrows through six folder levels.
    ("document:deep", "view", "user:lena", true),
    ("folder:l5", "view", "user:alice", true),
    // Exclusion: alice is an eng member but banned on this document.
    ("document:deep", "view", "user:alice", false),
    ("document:deep", "view", "user:mallory", false),
    // Union and intersection.
    ("document:readme", "edit", "user:olga", true),
    ("document:readme", "view", "user:olga", true),
    ("document:readme", "audit", "user:olga", false),
    ("document:readme", "audit", "user:victor", true),
    // Wildcard.
    ("document:public", "view", "user:anyone", true),
    ("document:readme", "view", "user:anyone", false),
    // A group cycle terminates with exact answers.
    ("document:cyc", "view", "user:bob", true),
    ("document:cyc", "view", "user:mallory", false),
    ("group:a", "member", "user:bob", true),
    // A subject set as the subject.
    ("folder:root", "view", "group:eng#member", true),
    ("folder:root", "view", "group:a#member", false),
];

async fn assert_expected(authz: &mut Authz, token: &str, at: &Revision, who: &str) {
    for (resource, permission, subject, expected) in EXPECTED {
        let got = check_at(authz, token, resource, permission, subject, fresh(at))
            .await
            .unwrap_or_else(|e| panic!("{who}: check {resource}#{permission}@{subject}: {e:?}"));
        assert_eq!(
            got, *expected,
            "{who}: {resource}#{permission}@{subject} should be {expected}"
        );
    }
}

async fn conformance(backend: Backend) {
    let (warden, admin, mut authz, _) = start_with_schema(backend).await;
    let read = authz
        .read_schema(bearer(ReadSchemaRequest {}, &admin))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        read.schema, SCHEMA,
        "ReadSchema returns the schema as written"
    );

    let written = write(&mut authz, &admin, DATA.iter().map(|t| touch(t)).collect()).await;
    assert_expected(&mut authz, &admin, &written, "writer").await;

    // A trace explains the grant.
    let (granted, traced) =
        check_traced(&mut authz, &admin, "document:deep", "view", "user:lena").await;
    assert!(granted);
    assert_eq!(traced.step, "document:deep#view");
    assert!(traced.granted);
    let text = format!("{traced:?}");
    assert!(text.contains("folder:root#viewer") && text.contains("group:leads#member"));

    // Bulk: per-item answers and per-item errors.
    let items = vec![
        bulk_item("document:readme", "edit", "user:olga"),
        bulk_item("document:readme", "delete", "user:olga"),
        bulk_item("document:readme", "edit", "user:mallory"),
    ];
    let pairs = check_bulk(&mut authz, &admin, items, fresh(&written)).await;
    use warden_proto::authz::v1::check_bulk_permissions_pair::Response as Pair;
    let answers: Vec<_> = pairs.iter().map(|p| p.response.clone().unwrap()).collect();
    assert_eq!(
        answers[0],
        Pair::Permissionship(Permissionship::HasPermission as i32)
    );
    assert!(matches!(&answers[1], Pair::Error(e) if e.contains("delete")));
    assert_eq!(
        answers[2],
        Pair::Permissionship(Permissionship::NoPermission as i32)
    );
    let reasons: Vec<_> = pairs.iter().map(|p| p.error_reason.as_str()).collect();
    assert_eq!(reasons, ["", "INVALID_ARGUMENT", ""]);

    // Expiry: counts at once, and not after it passes.
    let soon = SystemTime::now().duration_since(UNIX_EPOCH).unwrap() + Duration::from_millis(1500);
    let mut expiring = rel("document:temp#viewer@user:tim");
    expiring.expires_at = Some(prost_types::Timestamp {
        seconds: soon.as_secs() as i64,
        nanos: soon.subsec_nanos() as i32,
    });
    let at = write(
        &mut authz,
        &admin,
        vec![update(relationship_update::Operation::Touch, expiring)],
    )
    .await;
    assert!(check_at(
        &mut authz,
        &admin,
        "document:temp",
        "view",
        "user:tim",
        fresh(&at)
    )
    .await
    .unwrap());
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert!(!check_at(
        &mut authz,
        &admin,
        "document:temp",
        "view",
        "user:tim",
        None
    )
    .await
    .unwrap());

    // Deletes, read at the revision they return.
    let deleted = write(
        &mut authz,
        &admin,
        vec![update(
            relationship_update::Operation::Delete,
            rel("document:readme#viewer@user:victor"),
        )],
    )
    .await;
    assert!(!check_at(
        &mut authz,
        &admin,
        "document:readme",
        "audit",
        "user:victor",
        fresh(&deleted)
    )
    .await
    .unwrap());
    let public = RelationshipFilter {
        resource_type: "document".into(),
        optional_resource_id: "public".into(),
        ..Default::default()
    };
    let by_filter = delete_matching(&mut authz, &admin, public).await;
    assert_eq!(by_filter.deleted_count, 1);
    assert_eq!(
        by_filter.deletion_progress(),
        DeletionProgress::Complete,
        "no limit: every match"
    );
    let deleted_at = by_filter.deleted_at.unwrap();
    assert!(!check_at(
        &mut authz,
        &admin,
        "document:public",
        "view",
        "user:anyone",
        fresh(&deleted_at)
    )
    .await
    .unwrap());
    assert!(
        deleted_at.token.parse::<i64>().unwrap() > written.token.parse::<i64>().unwrap(),
        "revisions increase"
    );

    // A delete with a limit: refused whole when more match, unless partial
    // deletes are allowed; then a few at a time until complete.
    let viewers: Vec<String> = (0..5)
        .map(|i| format!("document:limited#viewer@user:v{i}"))
        .collect();
    write(
        &mut authz,
        &admin,
        viewers.iter().map(|t| touch(t)).collect(),
    )
    .await;
    let limited = |at_most: u32, partial: bool| DeleteRelationshipsRequest {
        filter: Some(RelationshipFilter {
            resource_type: "document".into(),
            optional_resource_id: "limited".into(),
            ..Default::default()
        }),
        optional_limit: at_most,
        optional_allow_partial_deletions: partial,
        ..Default::default()
    };
    let status = authz
        .delete_relationships(bearer(limited(4, false), &admin))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert_eq!(reason(&status), "DELETE_LIMIT_EXCEEDED");
    let everyone_views = |authz: &mut Authz, at: Option<Consistency>| {
        let mut authz = authz.clone();
        let admin = admin.clone();
        async move {
            let mut viewing = 0;
            for i in 0..5 {
                let who = format!("user:v{i}");
                if check_at(
                    &mut authz,
                    &admin,
                    "document:limited",
                    "view",
                    &who,
                    at.clone(),
                )
                .await
                .unwrap()
                {
                    viewing += 1;
                }
            }
            viewing
        }
    };
    let latest = Some(Consistency {
        requirement: Some(consistency::Requirement::FullyConsistent(true)),
    });
    assert_eq!(
        everyone_views(&mut authz, latest).await,
        5,
        "nothing deleted"
    );
    let mut progress = Vec::new();
    loop {
        let done = authz
            .delete_relationships(bearer(limited(2, true), &admin))
            .await
            .unwrap()
            .into_inner();
        progress.push((done.deleted_count, done.deletion_progress()));
        let left = everyone_views(&mut authz, fresh(done.deleted_at.as_ref().unwrap())).await;
        assert_eq!(
            left,
            5 - progress.iter().map(|(n, _)| *n as usize).sum::<usize>()
        );
        if done.deletion_progress() == DeletionProgress::Complete {
            break;
        }
    }
    let (partial, complete) = (DeletionProgress::Partial, DeletionProgress::Complete);
    assert_eq!(progress, [(2, partial), (2, partial), (1, complete)]);

    // CREATE of an existing relationship fails and writes nothing.
    let status = authz
        .write_relationships(bearer(
            WriteRelationshipsRequest {
                updates: vec![
                    update(
                        relationship_update::Operation::Create,
                        rel("document:new#viewer@user:nina"),
                    ),
                    update(
                        relationship_update::Operation::Create,
                        rel("document:readme#owner@user:olga"),
                    ),
                ],
                preconditions: vec![],
            },
            &admin,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::AlreadyExists);
    assert_eq!(reason(&status), "RELATIONSHIP_EXISTS");
    assert!(
        !check_at(
            &mut authz,
            &admin,
            "document:new",
            "view",
            "user:nina",
            Some(Consistency {
                requirement: Some(consistency::Requirement::FullyConsistent(true)),
            })
        )
        .await
        .unwrap(),
        "the whole write was refused"
    );

    // Preconditions: MUST_MATCH that fails refuses the write; MUST_NOT_MATCH that holds lets it through.
    let on_readme = |op: precondition::Operation, relation: &str| Precondition {
        operation: op as i32,
        filter: Some(RelationshipFilter {
            resource_type: "document".into(),
            optional_resource_id: "readme".into(),
            optional_relation: relation.into(),
            optional_subject_filter: None,
        }),
    };
    let status = authz
        .write_relationships(bearer(
            WriteRelationshipsRequest {
                updates: vec![touch("document:new#viewer@user:nina")],
                preconditions: vec![on_readme(precondition::Operation::MustMatch, "banned")],
            },
            &admin,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert_eq!(reason(&status), "PRECONDITION_FAILED");
    let ok = authz
        .write_relationships(bearer(
            WriteRelationshipsRequest {
                updates: vec![touch("document:new#viewer@user:nina")],
                preconditions: vec![
                    on_readme(precondition::Operation::MustNotMatch, "banned"),
                    on_readme(precondition::Operation::MustMatch, "owner"),
                ],
            },
            &admin,
        ))
        .await
        .unwrap()
        .into_inner()
        .written_at
        .unwrap();
    assert!(check_at(
        &mut authz,
        &admin,
        "document:new",
        "view",
        "user:nina",
        fresh(&ok)
    )
    .await
    .unwrap());
    // No updates, as in SpiceDB: preconditions alone, tested atomically; a
    // revision when they hold (readable at once), the refusal when not.
    let guard = |op| WriteRelationshipsRequest {
        updates: vec![],
        preconditions: vec![on_readme(op, "owner")],
    };
    let held = authz
        .write_relationships(bearer(guard(precondition::Operation::MustMatch), &admin))
        .await
        .unwrap()
        .into_inner()
        .written_at
        .unwrap();
    assert!(held.token.parse::<i64>().unwrap() > ok.token.parse::<i64>().unwrap());
    assert!(check_at(
        &mut authz,
        &admin,
        "document:new",
        "view",
        "user:nina",
        fresh(&held)
    )
    .await
    .unwrap());
    let status = authz
        .write_relationships(bearer(guard(precondition::Operation::MustNotMatch), &admin))
        .await
        .unwrap_err();
    assert_eq!(reason(&status), "PRECONDITION_FAILED");

    // A second replica sharing the database gives the same answers once it
    // has caught up with the revision (PostgreSQL: servers share it).
    if backend == Backend::Real {
        let replica = warden.second().await;
        let mut other = replica.authz().await;
        // The replica loaded everything at start; a write on the first server
        // reaches it through at_least_as_fresh.
        let latest = write(
            &mut authz,
            &admin,
            vec![touch("document:late#viewer@user:lara")],
        )
        .await;
        assert!(check_at(
            &mut other,
            &admin,
            "document:late",
            "view",
            "user:lara",
            fresh(&latest)
        )
        .await
        .unwrap());
        let restored = write(
            &mut authz,
            &admin,
            vec![
                touch("document:readme#viewer@user:victor"),
                touch("document:public#viewer@user:*"),
            ],
        )
        .await;
        assert_expected(&mut other, &admin, &restored, "replica").await;
        // Without asking for freshness it also converges (events, then polling).
        let quiet = write(
            &mut authz,
            &admin,
            vec![touch("document:quiet#viewer@user:quinn")],
        )
        .await;
        let seen = warden_e2e::eventually(Duration::from_secs(5), || {
            let mut other = other.clone();
            let admin = admin.clone();
            async move {
                check_at(
                    &mut other,
                    &admin,
                    "document:quiet",
                    "view",
                    "user:quinn",
                    None,
                )
                .await
                .ok()
                .filter(|allowed| *allowed)
            }
        })
        .await;
        assert!(
            seen.is_some(),
            "replica caught up with revision {} by itself",
            quiet.token
        );
        replica.stop().await;
    }
    warden.stop().await;
}

async fn rejects_bad_input(backend: Backend) {
    let (warden, admin, mut authz, first) = start_with_schema(backend).await;
    write(
        &mut authz,
        &admin,
        vec![touch("document:readme#viewer@user:victor")],
    )
    .await;

    // Invalid schemas: INVALID_ARGUMENT with line and column; nothing written.
    // Among them one nested 100,000 deep, which once overflowed the stack of
    // the server's worker and aborted the process.
    let deep = format!(
        "definition user {{}}\ndefinition doc {{\n  relation viewer: user\n  permission view = {}viewer{}\n}}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    for (schema, needle) in [
        (deep.as_str(), "line 4, column 31: expression nested more than 10"),
        ("definition user {}\ndefinition doc {\n  relation viewer: usr\n}", "line 3"),
        ("definition user {}\ndefinition doc {\n  relation viewer: user\n  permission view = viewer->nothing\n}", "line 4"),
        ("definition user {}\ndefinition user {}", "line 2"),
        ("definition doc {\n  relation viewer: user\n  relation viewer: user\n}", "line"),
        ("definition doc {\n  permission view = missing\n}", "line 2"),
        ("definition doc {\n  relation viewer user\n}", "line 2"),
    ] {
        let status = authz
            .write_schema(bearer(WriteSchemaRequest { schema: schema.into() }, &admin))
            .await
            .expect_err(schema);
        assert_eq!(status.code(), Code::InvalidArgument, "{schema}");
        let details = format!("{:?}", tonic_types::StatusExt::get_error_details(&status));
        assert!(details.contains(needle), "{schema}: {details}");
    }
    // A schema that would orphan stored relationships is refused.
    let status = authz
        .write_schema(bearer(
            WriteSchemaRequest {
                schema: "definition user {}\ndefinition document {\n  relation owner: user\n}"
                    .into(),
            },
            &admin,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert_eq!(reason(&status), "SCHEMA_ORPHANS_RELATIONSHIPS");
    assert!(
        status.message().contains("document#viewer@user"),
        "{}",
        status.message()
    );
    let read = authz
        .read_schema(bearer(ReadSchemaRequest {}, &admin))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(read.schema, SCHEMA, "nothing was written");

    // Relationships that do not fit the schema: INVALID_ARGUMENT, nothing written.
    for (bad, needle) in [
        ("memo:m1#viewer@user:u", "no definition"),
        ("document:d1#view@user:u", "is a permission"),
        ("document:d1#nope@user:u", "no relation"),
        ("document:d1#owner@group:eng#member", "does not accept"),
        ("document:d1#owner@user:*", "does not accept"),
        ("document:d1#viewer@group:eng", "does not accept"),
        ("document:d 1#viewer@user:u", "object_id"),
        ("Document:d1#viewer@user:u", "object_type"),
    ] {
        let status = authz
            .write_relationships(bearer(
                WriteRelationshipsRequest {
                    updates: vec![touch("document:fine#viewer@user:ok"), touch(bad)],
                    preconditions: vec![],
                },
                &admin,
            ))
            .await
            .expect_err(bad);
        assert_eq!(status.code(), Code::InvalidArgument, "{bad}");
        let details = format!("{:?}", tonic_types::StatusExt::get_error_details(&status));
        assert!(details.contains(needle), "{bad}: {details}");
    }
    // Expiries outside google.protobuf.Timestamp's range, or with impossible
    // nanoseconds: refused, never stored as "never" or as the year 10000.
    for (seconds, nanos) in [
        (i64::MAX, 0),
        (253_402_300_800, 0),
        (-62_135_596_801, 0),
        (1_900_000_000, 1_000_000_000),
        (1_900_000_000, -1),
    ] {
        let mut relationship = rel("document:fine#viewer@user:ok");
        relationship.expires_at = Some(prost_types::Timestamp { seconds, nanos });
        let status = authz
            .write_relationships(bearer(
                WriteRelationshipsRequest {
                    updates: vec![update(relationship_update::Operation::Touch, relationship)],
                    preconditions: vec![],
                },
                &admin,
            ))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{seconds} {nanos}");
    }
    let duplicate = authz
        .write_relationships(bearer(
            WriteRelationshipsRequest {
                updates: vec![
                    touch("document:fine#viewer@user:ok"),
                    touch("document:fine#viewer@user:ok"),
                ],
                preconditions: vec![],
            },
            &admin,
        ))
        .await
        .unwrap_err();
    assert_eq!(duplicate.code(), Code::InvalidArgument);
    let everything = Some(Consistency {
        requirement: Some(consistency::Requirement::FullyConsistent(true)),
    });
    assert!(
        !check_at(
            &mut authz,
            &admin,
            "document:fine",
            "view",
            "user:ok",
            everything.clone()
        )
        .await
        .unwrap(),
        "no part of a refused write was applied"
    );

    // Checks on unknown names and bad tokens are errors, never denials, each
    // reported against the field that holds the name.
    for (resource, permission, who, field) in [
        ("memo:m1", "view", "user:u", "resource"),
        ("document:readme", "delete", "user:u", "permission"),
        ("document:readme", "view", "robot:r2", "subject"),
        ("document:readme", "view", "group:eng#owner", "subject"),
    ] {
        let status = check_at(&mut authz, &admin, resource, permission, who, None)
            .await
            .unwrap_err();
        assert_eq!(
            status.code(),
            Code::InvalidArgument,
            "{resource}#{permission}@{who}"
        );
        let details = status.get_error_details();
        let violation = &details.bad_request().unwrap().field_violations[0];
        assert_eq!(violation.field, field, "{}", violation.description);
    }
    let unknown_subject = LookupResourcesRequest {
        resource_object_type: "document".into(),
        permission: "view".into(),
        subject: Some(subject("robot:r2")),
        ..Default::default()
    };
    let status = authz
        .lookup_resources(bearer(unknown_subject, &admin))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    // A filter naming what the schema does not know matches nothing by
    // mistake: refused, and a delete by it takes no revision.
    let head = |authz: &mut Authz| {
        let request = check_request(
            "document:readme",
            "view",
            "user:u",
            Some(Consistency {
                requirement: Some(consistency::Requirement::FullyConsistent(true)),
            }),
            false,
        );
        let mut authz = authz.clone();
        let admin = admin.clone();
        async move {
            let answer = authz.check_permission(bearer(request, &admin)).await;
            let answer = answer.unwrap().into_inner();
            (answer.permissionship, answer.checked_at.unwrap().token)
        }
    };
    let before = head(&mut authz).await;
    for filter in [
        RelationshipFilter {
            resource_type: "memo".into(),
            ..Default::default()
        },
        RelationshipFilter {
            resource_type: "document".into(),
            optional_relation: "nosuch".into(),
            ..Default::default()
        },
        RelationshipFilter {
            resource_type: "document".into(),
            optional_subject_filter: Some(SubjectFilter {
                subject_type: "robot".into(),
                ..Default::default()
            }),
            ..Default::default()
        },
    ] {
        let request = DeleteRelationshipsRequest {
            filter: Some(filter.clone()),
            ..Default::default()
        };
        let status = authz
            .delete_relationships(bearer(request, &admin))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{filter:?}");
        let read = ReadRelationshipsRequest {
            filter: Some(filter.clone()),
            ..Default::default()
        };
        let status = authz
            .read_relationships(bearer(read, &admin))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{filter:?}");
    }
    assert_eq!(before, head(&mut authz).await, "no revision taken");
    // Tokens Warden never writes: not decimal, signed, zero-padded.
    let issued = first.token.parse::<i64>().unwrap();
    for token in [
        "not-a-revision".to_owned(),
        format!("+{issued}"),
        format!("0{issued}"),
    ] {
        let status = check_at(
            &mut authz,
            &admin,
            "document:readme",
            "view",
            "user:victor",
            fresh(&Revision {
                token: token.clone(),
            }),
        )
        .await
        .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{token}");
    }
    // A revision this deployment never issued: after the bounded wait, a
    // mistake to correct (INVALID_ARGUMENT), not a retry forever.
    let future = Revision {
        token: (issued + 1_000_000).to_string(),
    };
    let status = check_at(
        &mut authz,
        &admin,
        "document:readme",
        "view",
        "user:victor",
        fresh(&future),
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let details = status.get_error_details();
    let violation = &details.bad_request().unwrap().field_violations[0];
    assert!(
        violation.description.contains("never issued"),
        "{violation:?}"
    );

    // Data a check cannot finish: errors, never an answer, and the server
    // goes on answering. A folder chain deeper than the depth limit; groups
    // nested as 20 levels of diamonds with a cycle through them, which no
    // answer can be remembered in (2^20 paths and more).
    let mut deep: Vec<String> = (0..60)
        .map(|i| format!("folder:deep{}#parent@folder:deep{i}", i + 1))
        .collect();
    deep.push("folder:deep0#viewer@user:root".into());
    for k in 0..20 {
        for (x, y) in [("a", "a"), ("a", "b"), ("b", "a"), ("b", "b")] {
            deep.push(format!("group:l{k}{x}#member@group:l{}{y}#member", k + 1));
        }
    }
    deep.push("group:l20a#member@group:l0a#member".into());
    let updates = deep.iter().map(|t| touch(t)).collect();
    write(&mut authz, &admin, updates).await;
    for (resource, permission, who, expected) in [
        ("folder:deep60", "view", "user:root", "MAX_DEPTH_EXCEEDED"),
        (
            "group:l0b",
            "member",
            "user:stranger",
            "MAX_VISITS_EXCEEDED",
        ),
    ] {
        let status = check_at(&mut authz, &admin, resource, permission, who, None)
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::FailedPrecondition, "{resource}");
        assert_eq!(reason(&status), expected, "{resource}");
    }
    // In bulk, the request's checks together stop at ten checks' worth:
    // ten items that each reach the limit, then no item is evaluated, an
    // ordinary one included (73 items: checked off the runtime worker).
    let costly = bulk_item("group:l0b", "member", "user:stranger");
    let ordinary = bulk_item("folder:deep10", "view", "user:root");
    let mut items = vec![ordinary.clone()];
    items.extend(std::iter::repeat_n(costly, 12));
    items.extend(std::iter::repeat_n(ordinary, 60));
    let pairs = check_bulk(&mut authz, &admin, items, None).await;
    use warden_proto::authz::v1::check_bulk_permissions_pair::Response as Pair;
    let reasons: Vec<_> = pairs.iter().map(|p| p.error_reason.clone()).collect();
    assert_eq!(reasons[0], "");
    assert!(reasons[1..11].iter().all(|r| r == "MAX_VISITS_EXCEEDED"));
    assert!(reasons[11..]
        .iter()
        .all(|r| r == "MAX_REQUEST_VISITS_EXCEEDED"));
    let answers: Vec<Pair> = pairs.into_iter().map(|p| p.response.unwrap()).collect();
    let granted = Pair::Permissionship(Permissionship::HasPermission as i32);
    assert_eq!(answers[0], granted);
    let error = |pair: &Pair| match pair {
        Pair::Error(e) => e.clone(),
        other => panic!("an error, not {other:?}"),
    };
    for answer in &answers[1..11] {
        assert!(error(answer).contains("the check evaluated more than 100000"));
    }
    for answer in &answers[11..] {
        let e = error(answer);
        assert!(
            e.contains("1000000 relations and permissions in all"),
            "{e}"
        );
        assert!(e.contains("send fewer items"), "{e}");
    }
    assert!(check_at(
        &mut authz,
        &admin,
        "folder:deep10",
        "view",
        "user:root",
        None
    )
    .await
    .unwrap());

    // Checks too costly for the runtime worker (12 levels of diamonds with
    // a cycle: 2^12 paths, past the visits a call may make on the worker,
    // within MAX_VISITS) are run again beside it, and answered exactly:
    // alone, traced, and in a bulk request small enough to start on it.
    let mut diamonds: Vec<String> = Vec::new();
    for k in 0..12 {
        for (x, y) in [("a", "a"), ("a", "b"), ("b", "a"), ("b", "b")] {
            diamonds.push(format!("group:m{k}{x}#member@group:m{}{y}#member", k + 1));
        }
    }
    diamonds.push("group:m12a#member@group:m0a#member".into());
    diamonds.push("group:m12b#member@user:deep".into());
    let updates = diamonds.iter().map(|t| touch(t)).collect();
    write(&mut authz, &admin, updates).await;
    for (who, expected) in [("user:stranger", false), ("user:deep", true)] {
        let allowed = check_at(&mut authz, &admin, "group:m0b", "member", who, None);
        assert_eq!(allowed.await.unwrap(), expected, "{who}");
    }
    let (allowed, trace) =
        check_traced(&mut authz, &admin, "group:m0b", "member", "user:stranger").await;
    assert!(!allowed);
    let cut = "group:m0b#member (trace cut at 10000 steps; the answer counts all)";
    assert_eq!(trace.step, cut);
    assert!(!trace.granted && !trace.children.is_empty());
    let items = vec![
        bulk_item("group:m12b", "member", "user:deep"),
        bulk_item("group:m0a", "member", "user:stranger"),
        bulk_item("group:m0a", "member", "user:deep"),
        bulk_item("group:m0b", "member", "user:stranger"),
    ];
    let pairs = check_bulk(&mut authz, &admin, items, None).await;
    let denied = Pair::Permissionship(Permissionship::NoPermission as i32);
    let answers: Vec<Pair> = pairs.into_iter().map(|p| p.response.unwrap()).collect();
    assert_eq!(answers, [granted.clone(), denied.clone(), granted, denied]);

    // Who may call what: reads need a token, writes need the admin role.
    let mut auth = warden.auth().await;
    let (_, user) = register_and_login(&mut auth).await;
    assert!(check_at(
        &mut authz,
        &user.access_token,
        "document:readme",
        "view",
        "user:victor",
        None
    )
    .await
    .unwrap());
    let mut unauthenticated = CheckPermissionRequest {
        resource: Some(object("document:readme")),
        permission: "view".into(),
        subject: Some(subject("user:victor")),
        ..Default::default()
    };
    let status = authz
        .check_permission(unauthenticated.clone())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    unauthenticated.permission = "edit".into();
    let denied = [
        authz
            .write_schema(bearer(
                WriteSchemaRequest {
                    schema: SCHEMA.into(),
                },
                &user.access_token,
            ))
            .await
            .map(drop),
        authz
            .write_relationships(bearer(
                WriteRelationshipsRequest {
                    updates: vec![touch("document:mine#owner@user:me")],
                    preconditions: vec![],
                },
                &user.access_token,
            ))
            .await
            .map(drop),
        authz
            .delete_relationships(bearer(
                DeleteRelationshipsRequest {
                    filter: Some(RelationshipFilter {
                        resource_type: "document".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                &user.access_token,
            ))
            .await
            .map(drop),
    ];
    for result in denied {
        assert_eq!(result.unwrap_err().code(), Code::PermissionDenied);
    }
    assert!(check_at(
        &mut authz,
        &admin,
        "document:readme",
        "view",
        "user:victor",
        everything
    )
    .await
    .unwrap());
    warden.stop().await;
}

async fn lookups(backend: Backend) {
    let (warden, admin, mut authz, _) = start_with_schema(backend).await;
    let mut updates = vec![
        touch("group:eng#member@user:alice"),
        touch("group:eng#member@user:bob"),
        touch("folder:shared#viewer@group:eng#member"),
        touch("document:hidden#parent@folder:shared"),
        touch("document:hidden#banned@user:alice"),
        touch("document:open#viewer@user:*"),
        touch("document:open-but#viewer@user:*"),
        touch("document:open-but#banned@user:alice"),
    ];
    let mut expected = BTreeSet::from(["open".to_owned()]);
    for i in 0..24 {
        let id = format!("doc{i:02}");
        // Three ways in: direct, through the group, through the folder.
        updates.push(touch(&match i % 3 {
            0 => format!("document:{id}#viewer@user:alice"),
            1 => format!("document:{id}#editor@group:eng#member"),
            _ => format!("document:{id}#parent@folder:shared"),
        }));
        expected.insert(id);
        // Documents alice cannot see.
        updates.push(touch(&format!("document:other{i:02}#viewer@user:carol")));
    }
    let at = write(&mut authz, &admin, updates).await;

    let lookup = |after: String, limit: u32| LookupResourcesRequest {
        resource_object_type: "document".into(),
        permission: "view".into(),
        subject: Some(subject("user:alice")),
        consistency: fresh(&at),
        optional_limit: limit,
        optional_cursor: after,
    };
    let mut all = Vec::new();
    let mut stream = authz
        .lookup_resources(bearer(lookup(String::new(), 0), &admin))
        .await
        .unwrap()
        .into_inner();
    while let Some(item) = stream.message().await.unwrap() {
        all.push(item.resource_object_id);
    }
    assert_eq!(
        all.iter().cloned().collect::<BTreeSet<_>>(),
        expected,
        "exactly the visible documents"
    );
    assert_eq!(all.len(), expected.len(), "each once");

    // Pages of 10 with cursors: 10, 10, 5, then nothing.
    let (mut paged, mut cursor, mut sizes) = (Vec::new(), String::new(), Vec::new());
    let mut page_ten_cursor = String::new();
    loop {
        let mut stream = authz
            .lookup_resources(bearer(lookup(cursor.clone(), 10), &admin))
            .await
            .unwrap()
            .into_inner();
        let mut page = 0;
        while let Some(item) = stream.message().await.unwrap() {
            cursor = item.after_result_cursor;
            paged.push(item.resource_object_id);
            page += 1;
        }
        if paged.len() == 10 {
            page_ten_cursor = cursor.clone();
        }
        sizes.push(page);
        if page < 10 {
            break;
        }
    }
    assert_eq!(sizes, [10, 10, 5]);
    assert_eq!(paged, all, "pages concatenate to the full result");

    // LookupSubjects: who can view doc01 (through the group), with the wildcard marker.
    let subjects = |resource: &str, limit: u32| LookupSubjectsRequest {
        resource: Some(object(resource)),
        permission: "view".into(),
        subject_object_type: "user".into(),
        optional_subject_relation: String::new(),
        consistency: fresh(&at),
        optional_limit: limit,
        optional_cursor: String::new(),
    };
    let found = subjects_found(&mut authz, &admin, subjects("document:doc01", 0)).await;
    assert_eq!(found, [plain("alice"), plain("bob")]);
    let found = subjects_found(&mut authz, &admin, subjects("document:hidden", 0)).await;
    assert_eq!(found, [plain("bob")], "alice is banned");
    let found = subjects_found(&mut authz, &admin, subjects("document:open", 1)).await;
    assert_eq!(
        found,
        [plain("*")],
        "the wildcard, and the limit stops there"
    );
    // A wildcard less a ban: `*` names who it leaves out, or it would read
    // as a grant to alice.
    let found = subjects_found(&mut authz, &admin, subjects("document:open-but", 0)).await;
    assert_eq!(found, [("*".to_owned(), vec!["alice".to_owned()])]);

    // ReadRelationships: filter, limit and cursor.
    let read = |cursor: String, limit: u32| ReadRelationshipsRequest {
        filter: Some(RelationshipFilter {
            resource_type: "document".into(),
            optional_relation: "viewer".into(),
            optional_subject_filter: Some(warden_proto::authz::v1::SubjectFilter {
                subject_type: "user".into(),
                optional_subject_id: "carol".into(),
                optional_relation: String::new(),
            }),
            ..Default::default()
        }),
        consistency: fresh(&at),
        optional_limit: limit,
        optional_cursor: cursor,
    };
    let (mut ids, mut cursor) = (Vec::new(), String::new());
    loop {
        let mut stream = authz
            .read_relationships(bearer(read(cursor.clone(), 7), &admin))
            .await
            .unwrap()
            .into_inner();
        let mut page = 0;
        while let Some(item) = stream.message().await.unwrap() {
            cursor = item.after_result_cursor;
            ids.push(item.relationship.unwrap().resource.unwrap().object_id);
            page += 1;
        }
        if page < 7 {
            break;
        }
    }
    let want: Vec<String> = (0..24).map(|i| format!("other{i:02}")).collect();
    assert_eq!(ids, want);
    // A cursor continues the request that returned it, and nothing else:
    // text that is not a cursor, one made up, and real ones handed to
    // another request are refused, never read as "after some key".
    let made_up = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("zzz")
    };
    for bad in ["%%%".to_owned(), made_up, page_ten_cursor.clone()] {
        let status = authz
            .read_relationships(bearer(read(bad.clone(), 0), &admin))
            .await
            .map(drop)
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{bad}");
    }
    let mut other_filter = read(cursor.clone(), 0);
    other_filter.filter.as_mut().unwrap().optional_relation = "editor".into();
    let status = authz
        .read_relationships(bearer(other_filter, &admin))
        .await
        .map(drop)
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let mut other_permission = lookup(page_ten_cursor.clone(), 10);
    other_permission.permission = "edit".into();
    let status = authz
        .lookup_resources(bearer(other_permission, &admin))
        .await
        .map(drop)
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    // The same request with another limit or consistency is the same request.
    let mut same = lookup(page_ten_cursor, 3);
    same.consistency = None;
    let rest: Vec<String> = {
        let mut stream = authz
            .lookup_resources(bearer(same, &admin))
            .await
            .unwrap()
            .into_inner();
        let mut rest = Vec::new();
        while let Some(item) = stream.message().await.unwrap() {
            rest.push(item.resource_object_id);
        }
        rest
    };
    assert_eq!(rest, all[10..13]);
    warden.stop().await;
}

/// Every live `document` relationship whose subject is `user:{who}`, read at
/// `at` or later.
fn relationships_of(who: &str, at: &Revision) -> ReadRelationshipsRequest {
    ReadRelationshipsRequest {
        filter: Some(RelationshipFilter {
            resource_type: "document".into(),
            optional_subject_filter: Some(warden_proto::authz::v1::SubjectFilter {
                subject_type: "user".into(),
                optional_subject_id: who.into(),
                optional_relation: String::new(),
            }),
            ..Default::default()
        }),
        consistency: fresh(at),
        optional_limit: 0,
        optional_cursor: String::new(),
    }
}

/// The resource ids of the live `document` relationships whose subject is
/// `user:{who}`, as `authz` reads them at `at`.
async fn documents_of(authz: &mut Authz, token: &str, who: &str, at: &Revision) -> Vec<String> {
    let mut stream = authz
        .read_relationships(bearer(relationships_of(who, at), token))
        .await
        .unwrap()
        .into_inner();
    let mut ids = Vec::new();
    while let Some(item) = stream.message().await.unwrap() {
        ids.push(item.relationship.unwrap().resource.unwrap().object_id);
    }
    ids
}

/// A large request applies whole, however many of its updates go into one
/// statement: 700 touches with a delete among them; 300 creates; a request
/// with a create of an existing relationship after 300 touches fails and
/// writes nothing; a delete of 5,000 (applied beside the index) leaves none.
/// On PostgreSQL a second server, running before the writes, catches up from
/// the change log to the same relationships.
async fn large_writes_apply_whole(backend: Backend) {
    let (warden, admin, mut authz, _) = start_with_schema(backend).await;
    let replica = match backend {
        Backend::Real => Some(warden.second().await),
        Backend::Embedded => None,
    };
    write(
        &mut authz,
        &admin,
        vec![touch("document:gone#viewer@user:ann")],
    )
    .await;
    let mut updates: Vec<RelationshipUpdate> = (0..700)
        .map(|i| touch(&format!("document:bulk{i:03}#viewer@user:ann")))
        .collect();
    updates.insert(
        400,
        update(
            relationship_update::Operation::Delete,
            rel("document:gone#viewer@user:ann"),
        ),
    );
    let at = write(&mut authz, &admin, updates).await;
    let want: Vec<String> = (0..700).map(|i| format!("bulk{i:03}")).collect();
    assert_eq!(documents_of(&mut authz, &admin, "ann", &at).await, want);
    assert!(check_at(
        &mut authz,
        &admin,
        "document:bulk699",
        "view",
        "user:ann",
        fresh(&at)
    )
    .await
    .unwrap());

    // 300 creates of relationships that do not exist: looked up together.
    let creates = (0..300)
        .map(|i| {
            let text = format!("document:new{i:03}#viewer@user:dee");
            update(relationship_update::Operation::Create, rel(&text))
        })
        .collect();
    let created = write(&mut authz, &admin, creates).await;
    let new: Vec<String> = (0..300).map(|i| format!("new{i:03}")).collect();
    assert_eq!(documents_of(&mut authz, &admin, "dee", &created).await, new);

    let status = authz
        .write_relationships(bearer(
            WriteRelationshipsRequest {
                updates: (0..300)
                    .map(|i| touch(&format!("document:more{i:03}#viewer@user:ann")))
                    .chain([update(
                        relationship_update::Operation::Create,
                        rel("document:bulk123#viewer@user:ann"),
                    )])
                    .collect(),
                preconditions: vec![],
            },
            &admin,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::AlreadyExists, "{status:?}");
    let latest = write(
        &mut authz,
        &admin,
        vec![touch("document:last#viewer@user:bo")],
    )
    .await;
    assert_eq!(
        documents_of(&mut authz, &admin, "ann", &latest).await,
        want,
        "the refused request wrote nothing"
    );

    // A delete of 5,000 relationships: more than the replica applies in
    // place (it applies them to a copy of its index and swaps it in). Read
    // at its revision, all are gone and nothing else is.
    let eve: Vec<String> = (0..5_000).map(|i| format!("eve{i:04}")).collect();
    for ids in eve.chunks(1_000) {
        let updates = ids
            .iter()
            .map(|id| touch(&format!("document:{id}#viewer@user:eve")))
            .collect();
        write(&mut authz, &admin, updates).await;
    }
    let of_eve = RelationshipFilter {
        resource_type: "document".into(),
        optional_subject_filter: Some(warden_proto::authz::v1::SubjectFilter {
            subject_type: "user".into(),
            optional_subject_id: "eve".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let deleted = delete_matching(&mut authz, &admin, of_eve).await;
    assert_eq!(deleted.deleted_count, 5_000);
    let gone = deleted.deleted_at.unwrap();
    assert!(documents_of(&mut authz, &admin, "eve", &gone)
        .await
        .is_empty());
    assert_eq!(documents_of(&mut authz, &admin, "ann", &gone).await, want);
    let eve_views = check_at(
        &mut authz,
        &admin,
        "document:eve4999",
        "view",
        "user:eve",
        None,
    );
    assert!(!eve_views.await.unwrap());

    if let Some(replica) = replica {
        // It catches up from the change log: the delete alone is a revision
        // of 5,000 changes, applied to a copy there too.
        let mut other = replica.authz().await;
        assert_eq!(
            documents_of(&mut other, &admin, "ann", &gone).await,
            want,
            "the second server replays the same changes"
        );
        assert!(documents_of(&mut other, &admin, "eve", &gone)
            .await
            .is_empty());
        replica.stop().await;
    }
    warden.stop().await;
}

/// Streams longer than the server's page (1,000) are read a page at a time,
/// each page at the revision the server had reached when it read it: an
/// unlimited ReadRelationships and LookupResources return every result once,
/// in order; a write made while they are open lands at once, and the stream
/// goes on to return the document it added, read at that write's revision.
/// An unlimited LookupSubjects over more than a page returns every subject.
async fn long_streams_read_in_pages(backend: Backend) {
    let (warden, admin, mut authz, _) = start_with_schema(backend).await;
    let ids: Vec<String> = (0..4_500).map(|i| format!("p{i:04}")).collect();
    let viewers: Vec<String> = (0..1_200).map(|i| format!("v{i:04}")).collect();
    let updates: Vec<_> = ids
        .iter()
        .map(|id| touch(&format!("document:{id}#viewer@user:cy")))
        .chain(
            viewers
                .iter()
                .map(|v| touch(&format!("document:shared#viewer@user:{v}"))),
        )
        .collect();
    let mut at = None;
    for chunk in updates.chunks(1_000) {
        at = Some(write(&mut authz, &admin, chunk.to_vec()).await);
    }
    let at = at.unwrap();

    // Readers with a small HTTP/2 window, each on its own connection, so the
    // server stops computing pages while they wait (a default window holds
    // all 4,500 results).
    let slow = || async {
        let channel = Channel::from_shared(format!("http://{}", warden.server.grpc_addr))
            .unwrap()
            .initial_stream_window_size(Some(16 * 1024))
            .initial_connection_window_size(Some(16 * 1024))
            .connect()
            .await
            .unwrap();
        AuthzServiceClient::new(channel)
    };
    let (mut reader, mut looker) = (slow().await, slow().await);
    let mut read = reader
        .read_relationships(bearer(relationships_of("cy", &at), &admin))
        .await
        .unwrap()
        .into_inner();
    let mut lookup = looker
        .lookup_resources(bearer(
            LookupResourcesRequest {
                resource_object_type: "document".into(),
                permission: "view".into(),
                subject: Some(subject("user:cy")),
                consistency: fresh(&at),
                optional_limit: 0,
                optional_cursor: String::new(),
            },
            &admin,
        ))
        .await
        .unwrap()
        .into_inner();
    let first_read = read.message().await.unwrap().unwrap();
    let first_lookup = lookup.message().await.unwrap().unwrap();
    assert_eq!(first_read.read_at.as_ref(), Some(&at));
    assert_eq!(first_lookup.looked_up_at.as_ref(), Some(&at));

    // Written while both streams are open, past the pages already sent.
    let added = tokio::time::timeout(
        Duration::from_secs(10),
        write(
            &mut authz,
            &admin,
            vec![touch("document:zz#viewer@user:cy")],
        ),
    )
    .await
    .expect("a write is not held up by open streams");

    let mut read_ids = vec![first_read.relationship.unwrap().resource.unwrap().object_id];
    let mut last_read_at = None;
    while let Some(item) = read.message().await.unwrap() {
        read_ids.push(item.relationship.unwrap().resource.unwrap().object_id);
        last_read_at = item.read_at;
    }
    let mut lookup_ids = vec![first_lookup.resource_object_id];
    let mut last_looked_up_at = None;
    while let Some(item) = lookup.message().await.unwrap() {
        lookup_ids.push(item.resource_object_id);
        last_looked_up_at = item.looked_up_at;
    }
    let mut want = ids.clone();
    want.push("zz".into());
    same_ids(&read_ids, &want, "relationships read");
    assert_eq!(last_read_at, Some(added.clone()));
    same_ids(&lookup_ids, &want, "documents looked up");
    assert_eq!(last_looked_up_at, Some(added.clone()));

    let mut subjects = authz
        .lookup_subjects(bearer(
            LookupSubjectsRequest {
                resource: Some(object("document:shared")),
                permission: "view".into(),
                subject_object_type: "user".into(),
                optional_subject_relation: String::new(),
                consistency: fresh(&added),
                optional_limit: 0,
                optional_cursor: String::new(),
            },
            &admin,
        ))
        .await
        .unwrap()
        .into_inner();
    let mut found = Vec::new();
    while let Some(item) = subjects.message().await.unwrap() {
        found.push(item.subject.unwrap().subject_object_id);
    }
    same_ids(&found, &viewers, "subjects looked up");
    warden.stop().await;
}

/// Asserts that `got` is `want`, naming the first difference (not printing
/// thousands of ids).
fn same_ids(got: &[String], want: &[String], what: &str) {
    let at = got.iter().zip(want).position(|(g, w)| g != w);
    assert!(
        got == want,
        "{what}: {} ids, {} wanted; first difference at {at:?}; last got {:?}",
        got.len(),
        want.len(),
        got.last()
    );
}

/// Each test on both backends, on a runtime of two workers as `warden
/// serve` runs (work the server moves off its workers runs as it would).
/// Relationships that expired count as absent before the collector removes
/// them: in deletes (their count and limit) and in a schema change.
async fn expired_count_as_absent(backend: Backend) {
    let (warden, admin) = start(backend).await;
    let mut authz = warden.authz().await;
    let schema = |extra: &str| {
        format!("definition user {{}}\ndefinition doc {{\n  relation viewer: user\n{extra}}}")
    };
    let client = authz.clone();
    let write_schema = |text: String| {
        let mut authz = client.clone();
        let admin = admin.clone();
        async move {
            authz
                .write_schema(bearer(WriteSchemaRequest { schema: text }, &admin))
                .await
        }
    };
    write_schema(schema("  relation draft: user\n"))
        .await
        .unwrap();
    let past = prost_types::Timestamp {
        seconds: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            - 60,
        nanos: 0,
    };
    let expired = |text: &str| {
        let mut relationship = rel(text);
        relationship.expires_at = Some(past);
        update(relationship_update::Operation::Touch, relationship)
    };
    let mut updates: Vec<_> = (0..3)
        .map(|i| touch(&format!("doc:d{i}#viewer@user:u")))
        .collect();
    updates.extend((3..6).map(|i| expired(&format!("doc:d{i}#viewer@user:u"))));
    updates.push(expired("doc:d0#draft@user:u"));
    write(&mut authz, &admin, updates).await;

    // The expired draft is no reason to keep `draft` in the schema.
    write_schema(schema(""))
        .await
        .expect("nothing live is orphaned");
    // Three live viewers: a limit of three holds them, and three are deleted.
    let request = DeleteRelationshipsRequest {
        filter: Some(RelationshipFilter {
            resource_type: "doc".into(),
            ..Default::default()
        }),
        optional_limit: 3,
        ..Default::default()
    };
    let deleted = authz
        .delete_relationships(bearer(request, &admin))
        .await
        .expect("within the limit")
        .into_inner();
    assert_eq!(deleted.deleted_count, 3);
    assert_eq!(deleted.deletion_progress, DeletionProgress::Complete as i32);
    warden.stop().await;
}

/// Names with SpiceDB's `prefix/`: the schema and relationships agree on them.
async fn prefixed_names(backend: Backend) {
    let (warden, admin) = start(backend).await;
    let mut authz = warden.authz().await;
    let schema = "definition acme/user {}\n\
                  definition acme/doc {\n  relation viewer: acme/user\n  permission view = viewer\n}";
    authz
        .write_schema(bearer(
            WriteSchemaRequest {
                schema: schema.into(),
            },
            &admin,
        ))
        .await
        .expect("prefixed names");
    let at = write(
        &mut authz,
        &admin,
        vec![touch("acme/doc:d1#viewer@acme/user:ann")],
    )
    .await;
    assert!(check_at(
        &mut authz,
        &admin,
        "acme/doc:d1",
        "view",
        "acme/user:ann",
        fresh(&at)
    )
    .await
    .unwrap());
    // A name the schema refuses is refused in a relationship too, and the
    // other way round: a relation cannot carry a prefix.
    let status = authz
        .write_schema(bearer(
            WriteSchemaRequest {
                schema: format!("definition {} {{}}", "y".repeat(65)),
            },
            &admin,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let status = authz
        .write_relationships(bearer(
            WriteRelationshipsRequest {
                updates: vec![touch("acme/doc:d1#acme/viewer@acme/user:ann")],
                preconditions: vec![],
            },
            &admin,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    warden.stop().await;
}

/// Small calls queued on one HTTP/2 connection faster than the server reads
/// them: HTTP/2's flood protection (h2 limits the small DATA frames a
/// connection may hold unread) once closed the whole connection here, every
/// call on it failing with "broken pipe". Thousands of CheckPermission calls
/// at once on one channel, as a busy resource service sends them, all answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_checks_on_one_connection_all_answer() {
    let (warden, admin, mut authz, _) = start_with_schema(Backend::Embedded).await;
    let at = write(
        &mut authz,
        &admin,
        vec![touch("document:d#viewer@user:ann")],
    )
    .await;
    assert!(check_at(
        &mut authz,
        &admin,
        "document:d",
        "view",
        "user:ann",
        fresh(&at)
    )
    .await
    .unwrap());
    const CALLS: usize = 10_000;
    let calls: Vec<_> = (0..CALLS)
        .map(|i| {
            let mut authz = authz.clone();
            let who = if i % 2 == 0 { "user:ann" } else { "user:bob" };
            let request = bearer(
                check_request("document:d", "view", who, None, false),
                &admin,
            );
            tokio::spawn(async move { (i, authz.check_permission(request).await) })
        })
        .collect();
    let mut failed = Vec::new();
    for call in calls {
        let (i, answer) = call.await.expect("the call's task");
        match answer {
            Ok(answer) => {
                let allowed =
                    answer.into_inner().permissionship == Permissionship::HasPermission as i32;
                assert_eq!(allowed, i % 2 == 0, "call {i}");
            }
            Err(status) => failed.push(status),
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {CALLS} calls failed, the first: {:?}",
        failed.len(),
        failed.first()
    );
    warden.stop().await;
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(warden_e2e::Backend::Embedded).await })*
        }
        mod real {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(warden_e2e::Backend::Real).await })*
        }
    };
}

on_both_backends!(
    conformance,
    rejects_bad_input,
    lookups,
    large_writes_apply_whole,
    long_streams_read_in_pages,
    prefixed_names,
    expired_count_as_absent
);
