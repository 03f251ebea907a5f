//! In-process check latency (criterion) on the Drive-like data set: a shallow
//! check (the document's owner), a deep allowed check (a leaf document seen
//! through six folder levels and two nested groups), a deep denied check
//! (a user with no access: every path is explored), checks through a group
//! of 20,000 members (a member, a nested group's member, a stranger), and
//! the mix the RPC
//! benchmark (`warden-bench check`) sends: document owners and random
//! (document, user) pairs, one after the other.
//!
//! `cargo bench -p warden-bench --bench check` (size: WARDEN_BENCH_RELATIONSHIPS,
//! default 100000).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use warden_bench::dataset::{bench_index, check_pool, document};
use warden_server::authz::engine::{Checker, Page, RelationshipFilter, Subject, Tuple};
use warden_server::authz::service::STREAM_PAGE;

fn tuple(rt: &str, rid: &str, rel: &str, subject: Subject) -> Tuple {
    Tuple {
        resource_type: rt.into(),
        resource_id: rid.into(),
        relation: rel.into(),
        subject,
    }
}

/// How many results a stream with no limit returns, fetched as the server
/// fetches them: [`STREAM_PAGE`] at a time, each page after the last key of
/// the one before, until a short page.
fn in_stream_pages(mut page_of: impl FnMut(Page<'_>) -> Vec<String>) -> usize {
    let (mut after, mut count) = (None::<String>, 0);
    loop {
        let keys = page_of(Page {
            after: after.as_deref(),
            limit: STREAM_PAGE,
        });
        count += keys.len();
        if keys.len() < STREAM_PAGE {
            return count;
        }
        after = keys.last().cloned();
    }
}

fn bench(c: &mut Criterion) {
    let (data, mut index) = bench_index();
    // A reader of the root folder through two nested groups.
    index.insert(
        tuple(
            "folder",
            "f0",
            "viewer",
            Subject::set("group", "deep", "member"),
        ),
        None,
    );
    index.insert(
        tuple(
            "group",
            "deep",
            "member",
            Subject::set("group", "deeper", "member"),
        ),
        None,
    );
    index.insert(
        tuple(
            "group",
            "deeper",
            "member",
            Subject::object("user", "reader"),
        ),
        None,
    );
    // A document in the deepest folder.
    let leaf = format!("f{}", data.folders - 1);
    index.insert(
        tuple(
            "document",
            "leafdoc",
            "parent",
            Subject::object("folder", &leaf),
        ),
        None,
    );
    index.insert(
        tuple(
            "document",
            "leafdoc",
            "owner",
            Subject::object("user", "owner"),
        ),
        None,
    );
    // A company-wide group: 20,000 members, and a nested group of
    // contractors, opening a handbook. A check for someone outside it must
    // not cost a scan of every member.
    for u in 0..20_000 {
        let member = Subject::object("user", &warden_bench::dataset::user(u));
        index.insert(tuple("group", "everyone", "member", member), None);
    }
    let contractors = Subject::set("group", "contractors", "member");
    index.insert(tuple("group", "everyone", "member", contractors), None);
    let contractor = Subject::object("user", "contractor");
    index.insert(tuple("group", "contractors", "member", contractor), None);
    let everyone = Subject::set("group", "everyone", "member");
    index.insert(
        tuple("document", "handbook", "viewer", everyone.clone()),
        None,
    );
    // The same group on a public document that bans one member: `*`, and
    // what it leaves out (LookupSubjects' `excluded_subjects`).
    let banned = Subject::object("user", &warden_bench::dataset::user(7));
    for (relation, subject) in [
        ("viewer", everyone),
        ("viewer", Subject::object("user", "*")),
        ("banned", banned),
    ] {
        index.insert(tuple("document", "open-handbook", relation, subject), None);
    }
    let checker = Checker::new(&index, 0);
    let owner = Subject::object("user", "owner");
    let reader = Subject::object("user", "reader");
    let stranger = Subject::object("user", "stranger");
    assert!(checker
        .check("document", "leafdoc", "view", &owner)
        .unwrap());
    assert!(checker
        .check("document", "leafdoc", "view", &reader)
        .unwrap());
    assert!(!checker
        .check("document", "leafdoc", "view", &stranger)
        .unwrap());

    let mut group = c.benchmark_group(format!("check/{}", data.tuples.len()));
    group.bench_function("shallow_owner", |b| {
        b.iter(|| checker.check("document", "leafdoc", black_box("edit"), black_box(&owner)))
    });
    group.bench_function("deep_allowed", |b| {
        b.iter(|| checker.check("document", "leafdoc", black_box("view"), black_box(&reader)))
    });
    group.bench_function("deep_denied", |b| {
        b.iter(|| {
            checker.check(
                "document",
                "leafdoc",
                black_box("view"),
                black_box(&stranger),
            )
        })
    });
    let member = Subject::object("user", &warden_bench::dataset::user(12_345));
    let contractor = Subject::object("user", "contractor");
    for (name, who, allowed) in [
        ("big_group_member", &member, true),
        ("big_group_nested", &contractor, true),
        ("big_group_denied", &stranger, false),
    ] {
        assert_eq!(
            checker.check("document", "handbook", "view", who),
            Ok(allowed)
        );
        group.bench_function(name, |b| {
            b.iter(|| checker.check("document", "handbook", black_box("view"), black_box(who)))
        });
    }
    // The RPC benchmark's mix: owners (allowed) and random pairs (mostly denied).
    let pool: Vec<(String, Subject)> = check_pool(&data.owner_sample(), data.documents, data.users)
        .into_iter()
        .map(|(doc, who)| (doc, Subject::object("user", &who)))
        .collect();
    let mut next = 0;
    group.bench_function("mixed_pool", |b| {
        b.iter(|| {
            let (doc, who) = &pool[next % pool.len()];
            next += 1;
            checker.check("document", doc, black_box("view"), black_box(who))
        })
    });
    group.finish();

    // LookupResources for a document owner: walking up from the subject,
    // against checking every document (what the lookup did before).
    let owner = Subject::object("user", &pool[0].1.object_id);
    let found = checker
        .lookup_resources("document", "view", &owner, Page::default())
        .expect("lookup");
    let mut lookups = c.benchmark_group(format!("lookup/{}", data.tuples.len()));
    lookups.sample_size(10);
    lookups.bench_function("lookup_resources_walk_up", |b| {
        b.iter(|| checker.lookup_resources("document", "view", black_box(&owner), Page::default()))
    });
    lookups.bench_function("check_every_document", |b| {
        b.iter(|| {
            let all: Vec<&str> = index
                .resource_ids("document")
                .into_iter()
                .filter(|id| checker.check("document", id, "view", &owner) == Ok(true))
                .collect();
            assert_eq!(all.len(), found.len());
        })
    });
    // Pages of 100 for subjects that reach much: a reader of the root folder
    // reaches every document, the owner of a folder on the third level a
    // sixteenth of them. The first page, and one from the middle of the id
    // order.
    let folder_owner = |folder: &str| {
        let owner = data.tuples.iter().find(|t| {
            t.resource_type == "folder" && t.resource_id == folder && t.relation == "owner"
        });
        Subject::object(
            "user",
            &owner
                .expect("the top folders have owners")
                .subject
                .object_id,
        )
    };
    let middle = document(data.documents / 2);
    for (who, subject) in [
        ("everything", Subject::object("user", "reader")),
        ("a_sixteenth", folder_owner("f5")),
    ] {
        for (name, after) in [("first", None), ("middle", Some(middle.as_str()))] {
            let page = Page { after, limit: 100 };
            let ids = checker
                .lookup_resources("document", "view", &subject, page)
                .expect("lookup");
            assert_eq!(ids.len(), 100);
            lookups.bench_function(format!("lookup_resources_{who}_{name}_page"), |b| {
                b.iter(|| checker.lookup_resources("document", "view", black_box(&subject), page))
            });
        }
    }
    // The same subjects' every document with no limit: computed at once
    // (before streams were read a page at a time), against the pages a
    // stream reads them in.
    for (who, subject) in [
        ("everything", Subject::object("user", "reader")),
        ("a_sixteenth", folder_owner("f5")),
    ] {
        let lookup = |page: Page<'_>| {
            checker
                .lookup_resources("document", "view", black_box(&subject), page)
                .expect("lookup")
        };
        let all = lookup(Page::default()).len();
        assert_eq!(in_stream_pages(lookup), all);
        lookups.bench_function(format!("lookup_resources_{who}_all_at_once"), |b| {
            b.iter(|| lookup(Page::default()).len())
        });
        // The longest a stream holds the replica: its first page, which
        // walks.
        lookups.bench_function(format!("lookup_resources_{who}_first_stream_page"), |b| {
            b.iter(|| {
                let page = Page {
                    after: None,
                    limit: STREAM_PAGE,
                };
                checker
                    .lookup_resources_in_stream("document", "view", &subject, page, &mut None)
                    .expect("lookup")
            })
        });
        lookups.bench_function(format!("lookup_resources_{who}_all_in_stream_pages"), |b| {
            b.iter(|| {
                let mut walked = None;
                in_stream_pages(|page| {
                    checker
                        .lookup_resources_in_stream("document", "view", &subject, page, &mut walked)
                        .expect("lookup")
                })
            })
        });
    }
    // ReadRelationships for every document relationship, a page of 100 from
    // the middle of the cursor order.
    let filter = RelationshipFilter {
        resource_type: "document".into(),
        ..Default::default()
    };
    let cursor = format!("{middle}\0");
    let page = Page {
        after: Some(&cursor),
        limit: 100,
    };
    assert_eq!(index.matching(&filter, 0, page).len(), 100);
    lookups.bench_function("read_relationships_middle_page", |b| {
        b.iter(|| index.matching(black_box(&filter), 0, page))
    });
    let read = |page: Page<'_>| -> Vec<String> {
        let rows = index.matching(black_box(&filter), 0, page);
        rows.into_iter().map(|(key, _, _)| key).collect()
    };
    let all = read(Page::default()).len();
    assert_eq!(in_stream_pages(read), all);
    lookups.bench_function("read_relationships_all_at_once", |b| {
        b.iter(|| read(Page::default()).len())
    });
    lookups.bench_function("read_relationships_all_in_stream_pages", |b| {
        b.iter(|| in_stream_pages(read))
    });
    // LookupSubjects: the users who can view a document, walking down from
    // it, against checking every user.
    let (doc, _) = &pool[1];
    let users: Vec<Subject> = (0..data.users)
        .map(warden_bench::dataset::user)
        .chain(["owner", "reader", "stranger"].map(String::from))
        .map(|u| Subject::object("user", &u))
        .collect();
    let viewers = checker
        .lookup_subjects("document", doc, "view", "user", None, Page::default())
        .expect("lookup");
    lookups.bench_function("lookup_subjects_walk_down", |b| {
        b.iter(|| {
            checker.lookup_subjects(
                "document",
                black_box(doc),
                "view",
                "user",
                None,
                Page::default(),
            )
        })
    });
    let subjects = |page: Page<'_>| {
        checker
            .lookup_subjects("document", black_box(doc), "view", "user", None, page)
            .expect("lookup")
    };
    assert_eq!(in_stream_pages(subjects), viewers.len());
    lookups.bench_function("lookup_subjects_all_in_stream_pages", |b| {
        b.iter(|| in_stream_pages(subjects))
    });
    // The 20,000 members of the group that views the handbook.
    let members = |page: Page<'_>| {
        checker
            .lookup_subjects("document", "handbook", "view", "user", None, page)
            .expect("lookup")
    };
    let all = members(Page::default()).len();
    assert!(all > 20_000, "{all}");
    assert_eq!(in_stream_pages(members), all);
    lookups.bench_function("lookup_subjects_big_group_all_at_once", |b| {
        b.iter(|| members(Page::default()).len())
    });
    lookups.bench_function("lookup_subjects_big_group_all_in_stream_pages", |b| {
        b.iter(|| {
            let mut walked = None;
            in_stream_pages(|page| {
                checker
                    .lookup_subjects_in_stream(
                        ("document", "handbook"),
                        "view",
                        ("user", None),
                        page,
                        &mut walked,
                    )
                    .expect("lookup")
            })
        })
    });
    // What `*` leaves out on the public handbook: a check of each of the
    // 20,000 members the walk reached, on the page that holds `*`.
    let mut walked = None;
    let first = checker
        .lookup_subjects_in_stream(
            ("document", "open-handbook"),
            "view",
            ("user", None),
            Page {
                after: None,
                limit: STREAM_PAGE,
            },
            &mut walked,
        )
        .expect("lookup");
    assert_eq!(first[0], "*");
    let open = ("document", "open-handbook");
    let excluded = checker.wildcard_exclusions(open, "view", "user", &walked);
    assert_eq!(excluded, Ok(vec![warden_bench::dataset::user(7)]));
    lookups.bench_function("lookup_subjects_wildcard_exclusions_big_group", |b| {
        b.iter(|| checker.wildcard_exclusions(black_box(open), "view", "user", &walked))
    });
    lookups.bench_function("check_every_user", |b| {
        b.iter(|| {
            let all = users
                .iter()
                .filter(|u| checker.check("document", doc, "view", *u) == Ok(true))
                .count();
            assert!(all >= viewers.iter().filter(|v| *v != "*").count());
        })
    });
    lookups.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
