//! A deterministic Google-Drive-like data set: users, nested groups, a folder
//! tree at least five levels deep and documents in it, with owners, viewers,
//! editor groups and bans, sized by its number of relationships.

use warden_server::authz::engine::{Index, Subject, Tuple};
use warden_server::authz::schema::parse;

/// The schema the data set is written against.
pub const SCHEMA: &str = r#"
definition user {}

definition group {
    relation member: user | group#member
}

definition folder {
    relation parent: folder
    relation owner: user
    relation viewer: user | group#member
    permission view = viewer + owner + parent->view
}

definition document {
    relation parent: folder
    relation owner: user
    relation editor: user | group#member
    relation viewer: user | group#member | user:*
    relation banned: user
    permission edit = owner + editor
    permission view = (viewer + edit + parent->view) - banned
}
"#;

/// SplitMix64: small, fast, and the same sequence on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// The generated data set.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Every relationship.
    pub tuples: Vec<Tuple>,
    /// Number of users.
    pub users: usize,
    /// Number of groups.
    pub groups: usize,
    /// Number of folders.
    pub folders: usize,
    /// Number of documents.
    pub documents: usize,
    /// Depth of the folder tree (root = 1).
    pub folder_depth: usize,
}

fn tuple(rt: &str, rid: String, rel: &str, subject: Subject) -> Tuple {
    Tuple {
        resource_type: rt.into(),
        resource_id: rid,
        relation: rel.into(),
        subject,
    }
}

/// User `i`'s id.
pub fn user(i: usize) -> String {
    format!("u{i}")
}

/// Document `i`'s id.
pub fn document(i: usize) -> String {
    format!("d{i}")
}

impl Dataset {
    /// About `relationships` relationships (never fewer), from `seed`.
    pub fn generate(relationships: usize, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let relationships = relationships.max(2_000);
        let users = (relationships / 20).max(50);
        let groups = (relationships / 400).max(10);
        let folders = (relationships / 25).max(1_365); // 4-ary tree: 1365 folders = 6 levels
        let mut tuples = Vec::with_capacity(relationships + 16);
        // Groups: about 10 members each; one group in five also contains
        // another (lower-numbered, so nesting is deep but acyclic) group.
        for g in 0..groups {
            for _ in 0..10 {
                tuples.push(tuple(
                    "group",
                    format!("g{g}"),
                    "member",
                    Subject::object("user", &user(rng.below(users))),
                ));
            }
            if g > 0 && rng.chance(0.2) {
                tuples.push(tuple(
                    "group",
                    format!("g{g}"),
                    "member",
                    Subject::set("group", &format!("g{}", rng.below(g)), "member"),
                ));
            }
        }
        // Folders: a 4-ary tree; viewers are groups or users, owners on the top levels.
        for f in 0..folders {
            if f > 0 {
                tuples.push(tuple(
                    "folder",
                    format!("f{f}"),
                    "parent",
                    Subject::object("folder", &format!("f{}", (f - 1) / 4)),
                ));
            }
            if rng.chance(0.15) {
                tuples.push(tuple(
                    "folder",
                    format!("f{f}"),
                    "viewer",
                    Subject::set("group", &format!("g{}", rng.below(groups)), "member"),
                ));
            }
            if rng.chance(0.15) {
                tuples.push(tuple(
                    "folder",
                    format!("f{f}"),
                    "viewer",
                    Subject::object("user", &user(rng.below(users))),
                ));
            }
            if f < 21 {
                tuples.push(tuple(
                    "folder",
                    format!("f{f}"),
                    "owner",
                    Subject::object("user", &user(rng.below(users))),
                ));
            }
        }
        let mut seen = std::collections::HashSet::with_capacity(tuples.len());
        tuples.retain(|t| seen.insert(t.clone()));
        let mut folder_depth = 1;
        let mut level_end = 1;
        while level_end < folders {
            level_end = level_end * 4 + 1;
            folder_depth += 1;
        }
        // Documents until the size is reached: a parent folder (leaves mostly),
        // an owner, sometimes viewers, an editor group, a ban, or a wildcard.
        let mut documents = 0;
        while tuples.len() < relationships {
            let d = document(documents);
            documents += 1;
            let parent = folders / 2 + rng.below(folders - folders / 2);
            tuples.push(tuple(
                "document",
                d.clone(),
                "parent",
                Subject::object("folder", &format!("f{parent}")),
            ));
            tuples.push(tuple(
                "document",
                d.clone(),
                "owner",
                Subject::object("user", &user(rng.below(users))),
            ));
            if rng.chance(0.3) {
                tuples.push(tuple(
                    "document",
                    d.clone(),
                    "viewer",
                    Subject::object("user", &user(rng.below(users))),
                ));
            }
            if rng.chance(0.1) {
                tuples.push(tuple(
                    "document",
                    d.clone(),
                    "editor",
                    Subject::set("group", &format!("g{}", rng.below(groups)), "member"),
                ));
            }
            if rng.chance(0.05) {
                tuples.push(tuple(
                    "document",
                    d.clone(),
                    "banned",
                    Subject::object("user", &user(rng.below(users))),
                ));
            }
            if rng.chance(0.01) {
                tuples.push(tuple("document", d, "viewer", Subject::object("user", "*")));
            }
        }
        Self {
            tuples,
            users,
            groups,
            folders,
            documents,
            folder_depth,
        }
    }

    /// Up to 2,000 (document, owner) pairs, spread over the documents.
    pub fn owner_sample(&self) -> Vec<(String, String)> {
        self.tuples
            .iter()
            .filter(|t| t.resource_type == "document" && t.relation == "owner")
            .step_by(97)
            .take(2_000)
            .map(|t| (t.resource_id.clone(), t.subject.object_id.clone()))
            .collect()
    }
}

/// The (document, user) pairs the check benchmarks cycle through: each
/// owner pair (allowed) followed by a random pair (mostly denied).
pub fn check_pool(
    owners: &[(String, String)],
    documents: usize,
    users: usize,
) -> Vec<(String, String)> {
    let mut rng = Rng::new(99);
    let mut pool = Vec::with_capacity(owners.len() * 2);
    for owned in owners {
        pool.push(owned.clone());
        pool.push((
            document(rng.below(documents.max(1))),
            user(rng.below(users.max(1))),
        ));
    }
    pool
}

/// The in-process benchmarks' data set: as many relationships as
/// `WARDEN_BENCH_RELATIONSHIPS` says (default 100,000), in an index on
/// [`SCHEMA`].
pub fn bench_index() -> (Dataset, Index) {
    let size = std::env::var("WARDEN_BENCH_RELATIONSHIPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let data = Dataset::generate(size, 7);
    let mut index = Index::default();
    index.set_schema(&parse(SCHEMA).expect("schema"));
    for t in &data.tuples {
        index.insert(t.clone(), None);
    }
    (data, index)
}
