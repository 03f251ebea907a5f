//! Roles and session enrichment: a new session carries its user's roles,
//! permissions and attributes within a short bound (through the in-process
//! bus, or RabbitMQ's durable enrichment queue); role changes reach live
//! sessions without a new login; role administration needs `admin`; roles
//! are read, listed a page at a time and deleted, and a deleted role leaves
//! live sessions at once and is never left assigned; a `SessionCreated`
//! delivered twice enriches once; every role change marks its users stale
//! until their sessions have it, so one made beside the server reaches them
//! too.

use std::collections::HashMap;
use std::time::Duration;

use tonic::transport::Channel;
use tonic::Code;
use warden_e2e::{
    bearer, eventually, login_as, reason, redis_client, register_and_login, unique_email, Backend,
    EventTap, TestWarden, PASSWORD,
};
use warden_proto::auth::v1::RegisterRequest;
use warden_proto::authz::v1::authz_service_client::AuthzServiceClient;
use warden_proto::authz::v1::{
    AssignRoleRequest, CheckBulkPermissionsRequest, CheckPermissionRequest, DefineRoleRequest,
    DeleteRoleRequest, GetRoleRequest, ListRolesRequest, ListUserRolesRequest,
    LookupResourcesRequest, LookupSubjectsRequest, ObjectReference, ReadRelationshipsRequest,
    ReadSchemaRequest, RelationshipFilter, SubjectReference, UnassignRoleRequest,
    WriteSchemaRequest,
};
use warden_proto::authz::v1::{ListRolesResponse, Role};
use warden_proto::events::v1::{SessionCreated, SessionUpdated};
use warden_proto::session::v1::session_service_client::SessionServiceClient;
use warden_proto::session::v1::{GetCurrentSessionRequest, Session};

/// How long enrichment may take in these tests (it takes milliseconds).
const ENRICHED_WITHIN: Duration = Duration::from_secs(10);

async fn current(sessions: &mut SessionServiceClient<Channel>, token: &str) -> Session {
    sessions
        .get_current_session(bearer(GetCurrentSessionRequest {}, token))
        .await
        .expect("current session")
        .into_inner()
        .session
        .unwrap()
}

async fn wait_enriched(sessions: &SessionServiceClient<Channel>, token: &str) -> Session {
    eventually(ENRICHED_WITHIN, || {
        let mut sessions = sessions.clone();
        let token = token.to_owned();
        async move { Some(current(&mut sessions, &token).await).filter(|s| s.enriched_at.is_some()) }
    })
    .await
    .expect("the session is enriched")
}

fn define(role: &str, permissions: &[&str], attributes: &[(&str, &str)]) -> DefineRoleRequest {
    DefineRoleRequest {
        role: role.into(),
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
        attributes: attributes
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

async fn enrichment_and_live_updates(backend: Backend) {
    let updates = match backend {
        Backend::Real => Some(EventTap::bind("session.updated").await),
        Backend::Embedded => None,
    };
    let (warden, admin) = TestWarden::start_with_admin(backend, |_| {}).await;
    let mut auth = warden.auth().await;
    let mut sessions = warden.sessions().await;
    let mut authz = warden.authz().await;
    let admin_session = wait_enriched(&sessions, &admin.access_token).await;
    assert_eq!(admin_session.roles, ["admin"]);

    for request in [
        define(
            "premium",
            &["articles.create", "articles.read"],
            &[("plan", "premium")],
        ),
        define("editor", &["articles.read", "articles.edit"], &[]),
    ] {
        authz
            .define_role(bearer(request, &admin.access_token))
            .await
            .unwrap();
    }
    // The role is assigned before the user's first login.
    let email = unique_email();
    let user_id = auth
        .register(RegisterRequest {
            email: email.clone(),
            password: PASSWORD.into(),
            display_name: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .user_id;
    let assign = |role: &str| AssignRoleRequest {
        user_id: user_id.clone(),
        role: role.into(),
    };
    authz
        .assign_role(bearer(assign("premium"), &admin.access_token))
        .await
        .unwrap();
    let user = login_as(&mut auth, &email).await;
    let session = wait_enriched(&sessions, &user.access_token).await;
    assert_eq!(session.roles, ["premium"]);
    assert_eq!(session.permissions, ["articles.create", "articles.read"]);
    assert_eq!(
        session.attributes,
        HashMap::from([("plan".to_owned(), "premium".to_owned())])
    );

    if backend == Backend::Real {
        // Directly from Redis, in the public layout.
        use fred::prelude::*;
        let redis = redis_client().await;
        let json: String = redis
            .get(format!("warden:session:{}", user.session_id))
            .await
            .unwrap();
        let stored: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(stored["roles"], serde_json::json!(["premium"]));
        assert_eq!(
            stored["permissions"],
            serde_json::json!(["articles.create", "articles.read"])
        );
        assert_eq!(stored["attributes"]["plan"], "premium");
        assert!(stored["enrichedAt"].is_string(), "{json}");
        let mut updates = updates.expect("tap bound for the real backend");
        let seen = updates
            .next::<SessionUpdated>(ENRICHED_WITHIN, |e| e.session_id == user.session_id)
            .await
            .expect("SessionUpdated published");
        assert_eq!(seen.0.user_id, user_id);
    }

    // Assign, unassign and redefine change the live session, with no new login.
    authz
        .assign_role(bearer(assign("editor"), &admin.access_token))
        .await
        .unwrap();
    let s = current(&mut sessions, &user.access_token).await;
    assert_eq!(s.roles, ["editor", "premium"]);
    assert_eq!(
        s.permissions,
        ["articles.create", "articles.edit", "articles.read"]
    );
    authz
        .unassign_role(bearer(
            UnassignRoleRequest {
                user_id: user_id.clone(),
                role: "premium".into(),
            },
            &admin.access_token,
        ))
        .await
        .unwrap();
    let s = current(&mut sessions, &user.access_token).await;
    assert_eq!(s.roles, ["editor"]);
    assert_eq!(s.permissions, ["articles.edit", "articles.read"]);
    assert!(
        s.attributes.is_empty(),
        "the premium attribute went with the role"
    );
    authz
        .define_role(bearer(
            define("editor", &["articles.edit"], &[("tier", "staff")]),
            &admin.access_token,
        ))
        .await
        .unwrap();
    let s = current(&mut sessions, &user.access_token).await;
    assert_eq!(s.permissions, ["articles.edit"]);
    assert_eq!(s.attributes["tier"], "staff");

    // Listing roles: one's own, or anyone's for an admin.
    let own = authz
        .list_user_roles(bearer(ListUserRolesRequest::default(), &user.access_token))
        .await
        .unwrap()
        .into_inner()
        .roles;
    assert_eq!(own, ["editor"]);
    let by_admin = authz
        .list_user_roles(bearer(
            ListUserRolesRequest {
                user_id: user_id.clone(),
            },
            &admin.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .roles;
    assert_eq!(by_admin, ["editor"]);

    // Bad requests.
    for (user_id, role) in [
        (user_id.clone(), String::new()),
        (user_id.clone(), "Editor role".to_owned()),
        (String::new(), "editor".to_owned()),
        ("u".repeat(1 << 20), "editor".to_owned()),
    ] {
        let request = AssignRoleRequest {
            user_id: user_id.clone(),
            role: role.clone(),
        };
        let status = authz
            .assign_role(bearer(request, &admin.access_token))
            .await
            .unwrap_err();
        assert_eq!(
            status.code(),
            Code::InvalidArgument,
            "{role:?}, {} bytes",
            user_id.len()
        );
    }
    let status = authz
        .assign_role(bearer(assign("no-such-role"), &admin.access_token))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(reason(&status), "ROLE_NOT_FOUND");
    let status = authz
        .assign_role(bearer(
            AssignRoleRequest {
                user_id: "no-such-user".into(),
                role: "editor".into(),
            },
            &admin.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    let status = authz
        .define_role(bearer(define("Bad Role", &["x"], &[]), &admin.access_token))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);

    // A non-admin gets PERMISSION_DENIED on every role-administration RPC.
    let (other_id, other) = register_and_login(&mut auth).await;
    let token = other.access_token.as_str();
    let denied = [
        authz
            .define_role(bearer(define("sneaky", &["all"], &[]), token))
            .await
            .map(drop),
        authz
            .assign_role(bearer(
                AssignRoleRequest {
                    user_id: other_id.clone(),
                    role: "admin".into(),
                },
                token,
            ))
            .await
            .map(drop),
        authz
            .unassign_role(bearer(
                UnassignRoleRequest {
                    user_id: user_id.clone(),
                    role: "editor".into(),
                },
                token,
            ))
            .await
            .map(drop),
        authz
            .list_user_roles(bearer(
                ListUserRolesRequest {
                    user_id: user_id.clone(),
                },
                token,
            ))
            .await
            .map(drop),
    ];
    for result in denied {
        let status = result.unwrap_err();
        assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    }
    let s = current(&mut sessions, &user.access_token).await;
    assert_eq!(s.roles, ["editor"], "nothing changed");
    warden.stop().await;
}

/// With `authz_read_role` set, checks and the other authorization reads
/// need that role (or `admin`): a caller without it is refused, one given it
/// is let in without a new login, and one who loses it is refused again.
async fn reads_limited_to_a_role(backend: Backend) {
    let (warden, admin) = TestWarden::start_with_admin(backend, |c| {
        c.authz_read_role = Some("authz-reader".into());
    })
    .await;
    let admin = admin.access_token;
    let mut auth = warden.auth().await;
    let mut authz = warden.authz().await;
    authz
        .write_schema(bearer(
            WriteSchemaRequest {
                schema: "definition user {}\ndefinition doc { relation viewer: user }".into(),
            },
            &admin,
        ))
        .await
        .unwrap();
    let check = || CheckPermissionRequest {
        resource: Some(ObjectReference {
            object_type: "doc".into(),
            object_id: "d".into(),
        }),
        permission: "viewer".into(),
        subject: Some(SubjectReference {
            object: Some(ObjectReference {
                object_type: "user".into(),
                object_id: "x".into(),
            }),
            optional_relation: String::new(),
        }),
        ..Default::default()
    };
    // Every read, as `token`: Ok(()) or its refusal's code.
    let reader = authz.clone();
    let reads = |token: String| {
        let mut authz = reader.clone();
        async move {
            let results = [
                authz
                    .check_permission(bearer(check(), &token))
                    .await
                    .map(drop),
                authz
                    .check_bulk_permissions(bearer(CheckBulkPermissionsRequest::default(), &token))
                    .await
                    .map(drop),
                authz
                    .read_schema(bearer(ReadSchemaRequest {}, &token))
                    .await
                    .map(drop),
                authz
                    .read_relationships(bearer(
                        ReadRelationshipsRequest {
                            filter: Some(RelationshipFilter {
                                resource_type: "doc".into(),
                                ..Default::default()
                            }),
                            ..Default::default()
                        },
                        &token,
                    ))
                    .await
                    .map(drop),
                authz
                    .lookup_resources(bearer(
                        LookupResourcesRequest {
                            resource_object_type: "doc".into(),
                            permission: "viewer".into(),
                            subject: check().subject,
                            ..Default::default()
                        },
                        &token,
                    ))
                    .await
                    .map(drop),
                authz
                    .lookup_subjects(bearer(
                        LookupSubjectsRequest {
                            resource: check().resource,
                            permission: "viewer".into(),
                            subject_object_type: "user".into(),
                            ..Default::default()
                        },
                        &token,
                    ))
                    .await
                    .map(drop),
            ];
            results
                .into_iter()
                .map(|r| r.map_err(|status| status.code()))
                .collect::<Vec<_>>()
        }
    };
    let all = |outcome: Result<(), Code>| vec![outcome; 6];
    assert_eq!(reads(admin.clone()).await, all(Ok(())), "admin reads");

    let (user_id, user) = register_and_login(&mut auth).await;
    let user = user.access_token;
    assert_eq!(
        reads(user.clone()).await,
        all(Err(Code::PermissionDenied)),
        "no read role"
    );
    authz
        .define_role(bearer(define("authz-reader", &[], &[]), &admin))
        .await
        .unwrap();
    authz
        .assign_role(bearer(
            AssignRoleRequest {
                user_id: user_id.clone(),
                role: "authz-reader".into(),
            },
            &admin,
        ))
        .await
        .unwrap();
    let let_in = eventually(ENRICHED_WITHIN, || {
        let reads = reads(user.clone());
        async move { (reads.await == all(Ok(()))).then_some(()) }
    })
    .await;
    assert!(let_in.is_some(), "the role reaches the live session");
    authz
        .unassign_role(bearer(
            UnassignRoleRequest {
                user_id,
                role: "authz-reader".into(),
            },
            &admin,
        ))
        .await
        .unwrap();
    let refused = eventually(ENRICHED_WITHIN, || {
        let reads = reads(user.clone());
        async move { (reads.await == all(Err(Code::PermissionDenied))).then_some(()) }
    })
    .await;
    assert!(refused.is_some(), "losing the role refuses again");
    warden.stop().await;
}

async fn get_role(
    authz: &mut AuthzServiceClient<Channel>,
    token: &str,
    role: &str,
) -> Result<Role, tonic::Status> {
    let request = GetRoleRequest { role: role.into() };
    let response = authz.get_role(bearer(request, token)).await?;
    Ok(response.into_inner().role.expect("a role"))
}

async fn delete_role(
    authz: &mut AuthzServiceClient<Channel>,
    token: &str,
    role: &str,
) -> Result<i64, tonic::Status> {
    let request = DeleteRoleRequest { role: role.into() };
    let response = authz.delete_role(bearer(request, token)).await?;
    Ok(response.into_inner().unassigned_users)
}

async fn list_roles(
    authz: &mut AuthzServiceClient<Channel>,
    token: &str,
    page_size: i32,
    page_token: &str,
) -> Result<ListRolesResponse, tonic::Status> {
    let request = ListRolesRequest {
        page_size,
        page_token: page_token.into(),
    };
    Ok(authz.list_roles(bearer(request, token)).await?.into_inner())
}

/// GetRole, ListRoles and DeleteRole: what DefineRole wrote, paged in name
/// order; a deletion takes the role from its holders' live sessions before
/// it returns; every refusal leaves the roles as they were.
async fn roles_are_read_listed_and_deleted(backend: Backend) {
    let (warden, admin) = TestWarden::start_with_admin(backend, |_| {}).await;
    let token = admin.access_token.as_str();
    let mut auth = warden.auth().await;
    let mut sessions = warden.sessions().await;
    let mut authz = warden.authz().await;
    let names = [
        "auditor",
        "billing.read",
        "editor",
        "support:l1",
        "temp-access",
    ];
    for (i, name) in names.iter().enumerate() {
        let request = define(
            name,
            &["reports.read", &format!("p{i}")],
            &[("team", &format!("t{i}"))],
        );
        authz.define_role(bearer(request, token)).await.unwrap();
    }

    // GetRole: the definition as written, who holds it, when.
    let editor = get_role(&mut authz, token, "editor").await.unwrap();
    assert_eq!(editor.name, "editor");
    assert_eq!(editor.permissions, ["p2", "reports.read"]);
    assert_eq!(
        editor.attributes,
        HashMap::from([("team".to_owned(), "t2".to_owned())])
    );
    assert!(editor.updated_at.is_some());
    assert_eq!(editor.user_count, 0);
    let built_in = get_role(&mut authz, token, "admin").await.unwrap();
    assert_eq!(built_in.user_count, 1);
    assert!(built_in.permissions.is_empty() && built_in.updated_at.is_none());
    let status = get_role(&mut authz, token, "nobody").await.unwrap_err();
    assert_eq!(
        (status.code(), reason(&status).as_str()),
        (Code::NotFound, "ROLE_NOT_FOUND")
    );

    // ListRoles: every role once, in name order, pages of at most 2.
    let mut listed = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = list_roles(&mut authz, token, 2, &page_token).await.unwrap();
        assert!(page.roles.len() <= 2, "{page:?}");
        listed.extend(page.roles.into_iter().map(|r| r.name));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    let mut expected: Vec<&str> = names.to_vec();
    expected.push("admin");
    expected.sort();
    assert_eq!(listed, expected);
    let all = list_roles(&mut authz, token, 0, "").await.unwrap();
    assert_eq!(all.roles.len(), expected.len());
    assert!(all.next_page_token.is_empty(), "one page holds them all");
    assert_eq!(
        all.roles[expected.len() - 1].permissions,
        ["p4", "reports.read"]
    );
    for (page_size, page_token) in [(-1, ""), (1001, ""), (2, "%%%"), (2, "QmFkIE5hbWU")] {
        let status = list_roles(&mut authz, token, page_size, page_token)
            .await
            .unwrap_err();
        assert_eq!(
            status.code(),
            Code::InvalidArgument,
            "{page_size} {page_token:?}"
        );
    }

    // A holder with a live session loses the role, its permissions and its
    // attributes at once.
    let (user_id, user) = register_and_login(&mut auth).await;
    wait_enriched(&sessions, &user.access_token).await;
    for role in ["temp-access", "editor"] {
        let request = AssignRoleRequest {
            user_id: user_id.clone(),
            role: role.into(),
        };
        authz.assign_role(bearer(request, token)).await.unwrap();
    }
    assert_eq!(
        get_role(&mut authz, token, "temp-access")
            .await
            .unwrap()
            .user_count,
        1
    );
    assert_eq!(
        delete_role(&mut authz, token, "temp-access").await.unwrap(),
        1
    );
    let s = current(&mut sessions, &user.access_token).await;
    assert_eq!(s.roles, ["editor"]);
    assert_eq!(s.permissions, ["p2", "reports.read"]);
    assert_eq!(s.attributes["team"], "t2");
    let held = authz
        .list_user_roles(bearer(ListUserRolesRequest::default(), &user.access_token))
        .await
        .unwrap()
        .into_inner()
        .roles;
    assert_eq!(held, ["editor"]);
    let status = get_role(&mut authz, token, "temp-access")
        .await
        .unwrap_err();
    assert_eq!(reason(&status), "ROLE_NOT_FOUND");
    let status = delete_role(&mut authz, token, "temp-access")
        .await
        .unwrap_err();
    assert_eq!(
        (status.code(), reason(&status).as_str()),
        (Code::NotFound, "ROLE_NOT_FOUND")
    );
    let assign = AssignRoleRequest {
        user_id: user_id.clone(),
        role: "temp-access".into(),
    };
    let status = authz.assign_role(bearer(assign, token)).await.unwrap_err();
    assert_eq!(reason(&status), "ROLE_NOT_FOUND");
    // Defined again, it starts with no holders.
    let request = define("temp-access", &["x"], &[]);
    authz.define_role(bearer(request, token)).await.unwrap();
    assert_eq!(
        get_role(&mut authz, token, "temp-access")
            .await
            .unwrap()
            .user_count,
        0
    );
    assert_eq!(
        current(&mut sessions, &user.access_token).await.roles,
        ["editor"]
    );

    // Refusals: the built-in role, a bad name, a caller who is not admin.
    let status = delete_role(&mut authz, token, "admin").await.unwrap_err();
    assert_eq!(
        (status.code(), reason(&status).as_str()),
        (Code::FailedPrecondition, "ROLE_BUILT_IN")
    );
    for name in ["", "Bad Name", &"r".repeat(65)] {
        let status = delete_role(&mut authz, token, name).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{name:?}");
        let status = get_role(&mut authz, token, name).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{name:?}");
    }
    let user_token = user.access_token.as_str();
    let denied = [
        get_role(&mut authz, user_token, "editor").await.map(drop),
        list_roles(&mut authz, user_token, 0, "").await.map(drop),
        delete_role(&mut authz, user_token, "editor")
            .await
            .map(drop),
    ];
    for result in denied {
        assert_eq!(result.unwrap_err().code(), Code::PermissionDenied);
    }
    let editor_after = get_role(&mut authz, token, "editor").await.unwrap();
    assert_eq!(editor_after.user_count, 1, "nothing changed");
    assert_eq!(
        get_role(&mut authz, token, "admin")
            .await
            .unwrap()
            .user_count,
        1
    );
    warden.stop().await;
}

/// Grants racing a deletion of their role, straight on the store: once the
/// role is gone, nobody holds it, whichever came first.
async fn a_deleted_role_is_never_left_assigned(backend: Backend) {
    use warden_server::store::RoleStore;
    let users: Vec<String> = (0..16).map(|i| format!("user-{i}")).collect();
    let (store, _dir) = warden_e2e::sql_store_with_users(backend, &users).await;
    for round in 0..20 {
        store
            .define_role("racing", &["p".to_owned()], &Default::default())
            .await
            .unwrap();
        let grants: Vec<_> = users
            .iter()
            .map(|user| {
                let (store, user) = (store.clone(), user.clone());
                tokio::spawn(async move { store.grant_role(&user, "racing").await.unwrap() })
            })
            .collect();
        let deleted = store.delete_role("racing").await.unwrap();
        let mut granted = 0;
        for grant in grants {
            granted += usize::from(grant.await.unwrap());
        }
        let holders = deleted.expect("the role was defined").len();
        assert!(holders <= granted, "round {round}: {holders} > {granted}");
        for user in &users {
            assert!(
                !store.has_role(user, "racing").await.unwrap(),
                "round {round}: {user} holds a deleted role"
            );
        }
        assert_eq!(
            store.users_with_role("racing").await.unwrap(),
            Vec::<String>::new()
        );
    }
}

/// Every change of a user's grants marks the user stale in its own
/// transaction, a new mark each time; a clear takes only the mark it names.
async fn role_changes_mark_their_users_stale(backend: Backend) {
    use warden_server::store::{unix_ms, RoleStore, UserStore};
    let users: Vec<String> = ["a", "b", "c"].iter().map(|u| u.to_string()).collect();
    let (store, _dir) = warden_e2e::sql_store_with_users(backend, &users).await;
    let marked = || async {
        let marked = store.stale_users(i64::MAX, "", 10).await.unwrap();
        marked.into_iter().map(|(user, _)| user).collect::<Vec<_>>()
    };
    let clear_all = || async {
        for (user, mark) in store.stale_users(i64::MAX, "", 10).await.unwrap() {
            assert!(store.clear_stale(&user, &mark).await.unwrap());
        }
    };
    store
        .define_role("r", &[], &Default::default())
        .await
        .unwrap();
    assert_eq!(marked().await, Vec::<String>::new(), "a role nobody holds");

    assert!(store.grant_role("a", "r").await.unwrap());
    let first = store.stale_mark("a").await.unwrap().expect("a grant marks");
    assert!(store.grant_role("a", "r").await.unwrap());
    assert_eq!(
        store.stale_mark("a").await.unwrap().as_ref(),
        Some(&first),
        "a grant held already changes nothing"
    );
    assert!(!store.grant_role("a", "undefined").await.unwrap());
    assert!(!store.clear_stale("a", "another mark").await.unwrap());
    assert!(store.clear_stale("a", &first).await.unwrap());
    assert_eq!(store.stale_mark("a").await.unwrap(), None);

    // A mark replaced by a later change is not cleared by its reader, and
    // the user keeps the time of the first mark not yet repaired.
    assert!(store.grant_role("b", "r").await.unwrap());
    let read = store.stale_mark("b").await.unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let between = unix_ms(std::time::SystemTime::now());
    tokio::time::sleep(Duration::from_millis(5)).await;
    store.revoke_role("b", "r").await.unwrap();
    store.grant_role("b", "r").await.unwrap();
    let later = store.stale_mark("b").await.unwrap().unwrap();
    assert_ne!(later, read);
    assert!(!store.clear_stale("b", &read).await.unwrap());
    assert_eq!(
        store.stale_users(between, "", 10).await.unwrap(),
        [("b".to_owned(), later)]
    );
    clear_all().await;

    // Redefining a role marks its holders, and only them.
    store
        .define_role("r", &["p".to_owned()], &Default::default())
        .await
        .unwrap();
    assert_eq!(marked().await, ["a", "b"]);
    assert_eq!(
        store.stale_users(i64::MAX, "a", 10).await.unwrap().len(),
        1,
        "listed after the cursor"
    );
    assert_eq!(store.stale_users(i64::MAX, "", 1).await.unwrap().len(), 1);
    clear_all().await;

    // A revoke marks when it removed something.
    assert!(store.revoke_role("a", "r").await.unwrap());
    assert_eq!(marked().await, ["a"]);
    clear_all().await;
    assert!(!store.revoke_role("a", "r").await.unwrap());
    assert_eq!(marked().await, Vec::<String>::new());

    // Deleting a role marks its holders.
    assert_eq!(
        store.delete_role("r").await.unwrap(),
        Some(vec!["b".to_owned()])
    );
    assert_eq!(marked().await, ["b"]);
    // A deleted user takes their mark along.
    assert!(store.delete_user("b").await.unwrap());
    assert_eq!(marked().await, Vec::<String>::new());
}

/// Role changes marking the same users at once all commit: each marks its
/// users in the same order (no deadlock on PostgreSQL), and they end marked.
async fn overlapping_role_changes_all_commit(backend: Backend) {
    use warden_server::store::RoleStore;
    let users: Vec<String> = (0..16).map(|i| format!("user-{i:02}")).collect();
    let (store, _dir) = warden_e2e::sql_store_with_users(backend, &users).await;
    for role in ["r1", "r2"] {
        store
            .define_role(role, &[], &Default::default())
            .await
            .unwrap();
        for user in &users {
            store.grant_role(user, role).await.unwrap();
        }
    }
    for (round, user) in users.iter().take(10).enumerate() {
        let mut changes = Vec::new();
        for (i, role) in ["r1", "r2", "r1", "r2"].into_iter().enumerate() {
            let store = store.clone();
            let permission = format!("p{round}.{i}");
            changes.push(tokio::spawn(async move {
                store
                    .define_role(role, &[permission], &Default::default())
                    .await
            }));
        }
        let (store2, user) = (store.clone(), user.clone());
        changes.push(tokio::spawn(async move {
            store2.revoke_role(&user, "r1").await?;
            store2.grant_role(&user, "r1").await.map(|_| ())
        }));
        for change in changes {
            change
                .await
                .unwrap()
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
    }
    let marked = store.stale_users(i64::MAX, "", 100).await.unwrap();
    assert_eq!(marked.len(), users.len());
}

/// A role change made beside the server (straight on its database, as
/// `warden admin grant` does, or by a server that stopped before it reached
/// the sessions) reaches the live sessions through the stale marks.
async fn a_change_beside_the_server_reaches_live_sessions(backend: Backend) {
    use warden_server::store::RoleStore;
    let warden = TestWarden::start(backend).await;
    let mut auth = warden.auth().await;
    let sessions = warden.sessions().await;
    let (user_id, user) = register_and_login(&mut auth).await;
    assert!(wait_enriched(&sessions, &user.access_token)
        .await
        .roles
        .is_empty());

    let store = warden_server::store::sql::SqlStore::connect(
        warden.config.database_url.as_deref(),
        &warden.data_dir(),
    )
    .await
    .expect("the server's database opens");
    store
        .define_role("beside", &["reports.read".to_owned()], &Default::default())
        .await
        .unwrap();
    assert!(store.grant_role(&user_id, "beside").await.unwrap());
    let updated = eventually(ENRICHED_WITHIN, || {
        let mut sessions = sessions.clone();
        let token = user.access_token.clone();
        async move { Some(current(&mut sessions, &token).await).filter(|s| !s.roles.is_empty()) }
    })
    .await
    .expect("the grant reaches the live session");
    assert_eq!(updated.roles, ["beside"]);
    assert_eq!(updated.permissions, ["reports.read"]);
    assert!(
        eventually(ENRICHED_WITHIN, || {
            let store = store.clone();
            let user_id = user_id.clone();
            async move {
                store
                    .stale_mark(&user_id)
                    .await
                    .unwrap()
                    .is_none()
                    .then_some(())
            }
        })
        .await
        .is_some(),
        "the repaired user is no longer marked"
    );
    let (status, metrics) = warden_e2e::http_get(&warden.http_base(), "/metrics").await;
    assert_eq!(status, 200);
    let repaired: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("warden_stale_sessions_repaired_total "))
        .expect("the repair counter is exported")
        .trim()
        .parse()
        .unwrap();
    assert!(repaired >= 1.0, "{repaired}");
    warden.stop().await;
}

mod embedded {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn overlapping_role_changes_all_commit() {
        super::overlapping_role_changes_all_commit(warden_e2e::Backend::Embedded).await
    }

    #[tokio::test]
    async fn role_changes_mark_their_users_stale() {
        super::role_changes_mark_their_users_stale(warden_e2e::Backend::Embedded).await
    }

    #[tokio::test]
    async fn a_change_beside_the_server_reaches_live_sessions() {
        super::a_change_beside_the_server_reaches_live_sessions(warden_e2e::Backend::Embedded).await
    }

    #[tokio::test]
    async fn enrichment_and_live_updates() {
        super::enrichment_and_live_updates(warden_e2e::Backend::Embedded).await
    }

    #[tokio::test]
    async fn reads_limited_to_a_role() {
        super::reads_limited_to_a_role(warden_e2e::Backend::Embedded).await
    }

    #[tokio::test]
    async fn roles_are_read_listed_and_deleted() {
        super::roles_are_read_listed_and_deleted(warden_e2e::Backend::Embedded).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_deleted_role_is_never_left_assigned() {
        super::a_deleted_role_is_never_left_assigned(warden_e2e::Backend::Embedded).await
    }
}

mod real {
    use super::*;

    /// A role change whose sessions cannot be written (Redis holding writes
    /// back for longer than a write may take) is saved all the same: the
    /// call answers UNAVAILABLE with reason `SESSIONS_NOT_UPDATED`, and the
    /// session gets the change once Redis takes writes again.
    #[tokio::test]
    async fn a_change_saved_while_sessions_cannot_be_written_reaches_them_later() {
        let redis = warden_e2e::PrivateRedis::start();
        let url = redis.url();
        let (warden, admin) =
            TestWarden::start_with_admin(Backend::Real, |c| c.redis_url = Some(url.clone())).await;
        let mut auth = warden.auth().await;
        let sessions = warden.sessions().await;
        let mut authz = warden.authz().await;
        wait_enriched(&sessions, &admin.access_token).await;
        authz
            .define_role(bearer(
                define("held", &["p.read"], &[]),
                &admin.access_token,
            ))
            .await
            .unwrap();
        let (user_id, user) = register_and_login(&mut auth).await;
        wait_enriched(&sessions, &user.access_token).await;

        // Writes wait for 5 s (reads go on): longer than the 2 s a session
        // write may take.
        let paused = redis.cli(&["client", "pause", "5000", "write"]);
        assert_eq!(paused.as_deref(), Some("OK"));
        let assign = AssignRoleRequest {
            user_id: user_id.clone(),
            role: "held".into(),
        };
        let err = authz
            .assign_role(bearer(assign, &admin.access_token))
            .await
            .unwrap_err();
        assert_eq!(
            (err.code(), reason(&err).as_str()),
            (Code::Unavailable, "SESSIONS_NOT_UPDATED"),
            "{err:?}"
        );
        let listed = ListUserRolesRequest {
            user_id: user_id.clone(),
        };
        let roles = authz
            .list_user_roles(bearer(listed, &admin.access_token))
            .await
            .unwrap()
            .into_inner()
            .roles;
        assert_eq!(roles, ["held"], "the change is saved");

        // Calls may fail while writes are held (a session's last-seen time
        // is read by a script); once Redis takes writes the session has it.
        let updated = eventually(Duration::from_secs(20), || {
            let mut sessions = sessions.clone();
            let token = user.access_token.clone();
            async move {
                let found = sessions
                    .get_current_session(bearer(GetCurrentSessionRequest {}, &token))
                    .await;
                found
                    .ok()
                    .and_then(|r| r.into_inner().session)
                    .filter(|s| !s.roles.is_empty())
            }
        })
        .await
        .expect("the change reaches the session once Redis takes writes");
        assert_eq!(updated.roles, ["held"]);
        assert_eq!(updated.permissions, ["p.read"]);
        warden.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn overlapping_role_changes_all_commit() {
        super::overlapping_role_changes_all_commit(Backend::Real).await
    }

    #[tokio::test]
    async fn role_changes_mark_their_users_stale() {
        super::role_changes_mark_their_users_stale(Backend::Real).await
    }

    #[tokio::test]
    async fn a_change_beside_the_server_reaches_live_sessions() {
        super::a_change_beside_the_server_reaches_live_sessions(Backend::Real).await
    }

    #[tokio::test]
    async fn enrichment_and_live_updates() {
        super::enrichment_and_live_updates(Backend::Real).await
    }

    #[tokio::test]
    async fn reads_limited_to_a_role() {
        super::reads_limited_to_a_role(Backend::Real).await
    }

    #[tokio::test]
    async fn roles_are_read_listed_and_deleted() {
        super::roles_are_read_listed_and_deleted(Backend::Real).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_deleted_role_is_never_left_assigned() {
        super::a_deleted_role_is_never_left_assigned(Backend::Real).await
    }

    /// The same `SessionCreated` delivered again (as after a redelivery)
    /// changes nothing: one enrichment, one `SessionUpdated`.
    #[tokio::test]
    async fn a_duplicate_session_created_enriches_once() {
        use lapin::options::BasicPublishOptions;
        let mut created = EventTap::bind("session.created").await;
        let mut updated = EventTap::bind("session.updated").await;
        let warden = TestWarden::start(Backend::Real).await;
        let mut auth = warden.auth().await;
        let sessions = warden.sessions().await;
        let (_, tokens) = register_and_login(&mut auth).await;
        let (event, props) = created
            .next::<SessionCreated>(ENRICHED_WITHIN, |e| e.session_id == tokens.session_id)
            .await
            .expect("SessionCreated");
        let first = wait_enriched(&sessions, &tokens.access_token).await;
        updated
            .next::<SessionUpdated>(ENRICHED_WITHIN, |e| e.session_id == tokens.session_id)
            .await
            .expect("one SessionUpdated");

        let (_conn, channel) = warden_e2e::amqp_channel().await;
        channel
            .basic_publish(
                "warden.events",
                "session.created",
                BasicPublishOptions::default(),
                &prost::Message::encode_to_vec(&event),
                props,
            )
            .await
            .unwrap()
            .await
            .unwrap();
        let again = updated
            .next::<SessionUpdated>(Duration::from_secs(2), |e| {
                e.session_id == tokens.session_id
            })
            .await;
        assert!(
            again.is_none(),
            "a duplicate must not enrich again: {again:?}"
        );
        let mut sessions = sessions.clone();
        let after = current(&mut sessions, &tokens.access_token).await;
        assert_eq!(after.enriched_at, first.enriched_at);
        warden.stop().await;
    }
}
