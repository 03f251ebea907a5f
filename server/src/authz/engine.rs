//! Check evaluation on an in-memory relationship index. Results are exact:
//! every path is explored (a cycle is cut only where it would revisit a node
//! on the current path, which cannot add a grant), expired relationships count
//! as absent, and a graph deeper than the limit is an error, never an allow.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use foldhash::quality::RandomState;
use smallvec::SmallVec;

use super::schema::{Expr, Schema};

/// Deepest chain of relations and permissions a check follows.
pub const MAX_DEPTH: usize = 50;

/// Most relations and permissions one check evaluates (a few milliseconds'
/// work). Checks of ordinary data evaluate dozens; a check that would go on
/// (nested groups that form diamonds and cycles at once, where answers
/// cannot be remembered: see [`Memo`]) stops with an error instead of
/// holding a thread for as long as 2^levels steps take.
pub const MAX_VISITS: usize = 100_000;

/// Most relations and permissions the checks of one request evaluate in all,
/// where a request makes many (`CheckBulkPermissions`): ten checks at
/// [`MAX_VISITS`], tens of milliseconds. Ordinary checks visit dozens, so a
/// request of 1,000 of them stays far below it.
pub const MAX_REQUEST_VISITS: usize = 10 * MAX_VISITS;

pub use crate::store::relationships::{RelationshipFilter, Subject, SubjectRef, Tuple};

/// Why a check could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The resource type is not in the schema.
    #[error("unknown object type {0:?}")]
    UnknownType(String),
    /// The permission or relation is not in the resource's definition.
    #[error("{0:?} has no relation or permission {1:?}")]
    UnknownPermission(String, String),
    /// The subject's type is not in the schema.
    #[error("unknown subject type {0:?}")]
    UnknownSubjectType(String),
    /// The subject's relation is not in its type's definition.
    #[error("subject type {0:?} has no relation or permission {1:?}")]
    UnknownSubjectRelation(String, String),
    /// The evaluation went deeper than [`MAX_DEPTH`].
    #[error("the check went deeper than {MAX_DEPTH} levels; the schema or data nest too deeply")]
    DepthExceeded,
    /// The evaluation took more than [`MAX_VISITS`] steps.
    #[error(
        "the check evaluated more than {MAX_VISITS} relations and permissions; \
         the data nest too widely, or in cycles"
    )]
    TooManyVisits,
    /// The checks of this checker evaluated more than its budget in all
    /// (see [`Checker::with_budget`]); this check was not started.
    #[error(
        "the request's checks evaluated more than {0} relations and permissions in all; \
         this one was not evaluated: send fewer items a request"
    )]
    BudgetSpent(usize),
    /// The checks of this checker visited the nodes it stops after (see
    /// [`Checker::stopping_after`]); this one was stopped where it was, or
    /// not started. A caller that asked for it runs the checks again.
    #[error("the checks visited more than the {0} nodes their checker stops after")]
    Stopped(usize),
}

/// A relationship's place in the order relationships are read and paged
/// in: resource id, relation, subject type, id and relation, resource type,
/// joined by NUL (which no name holds, so the joined keys sort as the parts
/// do).
pub fn cursor_key(t: &Tuple) -> String {
    [
        t.resource_id.as_str(),
        &t.relation,
        &t.subject.object_type,
        &t.subject.object_id,
        t.subject.relation.as_deref().unwrap_or(""),
        &t.resource_type,
    ]
    .join("\0")
}

/// The index's maps hash with foldhash (seeded per process): several times
/// faster than SipHash on these short keys, on the hot path of every check.
type HashMap<K, V> = std::collections::HashMap<K, V, RandomState>;
type HashSet<K> = std::collections::HashSet<K, RandomState>;

/// A name stored inline when it fits, as most ids do: comparing one during
/// a probe of the interner reads the table's own memory, not a second
/// allocation somewhere else (at 1,000,000 relationships that second read
/// was a cache miss on every id a check resolved).
#[derive(Clone)]
enum Name {
    Inline(u8, [u8; INLINE_NAME]),
    Heap(Box<str>),
}

/// Longest name kept inline: `Name` stays 24 bytes, as a `Box<str>` plus tag.
const INLINE_NAME: usize = 22;
const _: () = assert!(std::mem::size_of::<Name>() == 24);

impl Name {
    fn new(name: &str) -> Self {
        let bytes = name.as_bytes();
        if bytes.len() <= INLINE_NAME {
            let mut inline = [0; INLINE_NAME];
            inline[..bytes.len()].copy_from_slice(bytes);
            Name::Inline(bytes.len() as u8, inline)
        } else {
            Name::Heap(name.into())
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Name::Inline(len, bytes) => &bytes[..*len as usize],
            Name::Heap(name) => name.as_bytes(),
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).expect("copied from a str")
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Name {}

impl std::hash::Hash for Name {
    // As its bytes hash: maps keyed by `Name` are probed with `&[u8]`,
    // which compares without validating UTF-8 again.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl std::borrow::Borrow<[u8]> for Name {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// Strings stored once, referred to by number. Names are never forgotten
/// while the index lives (a reload starts afresh), which keeps ids stable.
#[derive(Debug, Default, Clone)]
struct Interner {
    ids: HashMap<Name, u32>,
    names: Vec<Name>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).expect("fewer than 2^32 distinct names");
        let name = Name::new(name);
        self.names.push(name.clone());
        self.ids.insert(name, id);
        id
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name.as_bytes()).copied()
    }

    fn name(&self, id: u32) -> &str {
        self.names[id as usize].as_str()
    }

    fn bytes(&self, id: u32) -> &[u8] {
        self.names[id as usize].as_bytes()
    }
}

/// `relation` of a plain object subject.
const NO_RELATION: u32 = u32::MAX;
/// Expiry of a relationship that does not expire.
const NEVER: i64 = i64::MAX;

/// `(resource type, resource id, relation)`, interned.
type IdKey = (u32, u32, u32);

/// A subject, interned; `relation` is [`NO_RELATION`] for a plain object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct IdSubject {
    object_type: u32,
    object_id: u32,
    relation: u32,
}

impl IdSubject {
    fn plain((object_type, object_id): (u32, u32)) -> Self {
        Self {
            object_type,
            object_id,
            relation: NO_RELATION,
        }
    }
}

/// Most subjects a [`Slot::Few`] holds before it becomes a [`Slot::Many`]:
/// 16 of 24 bytes are six cache lines, read in order, cheaper than hashing.
const FEW: usize = 16;

/// The subjects of one `(resource, relation)`, with their expiries (Unix ms,
/// [`NEVER`]: none). Most have one, stored inline; a few are scanned; more
/// are split so that a check probes the plain subjects and walks only the
/// subject sets, never every member of a large group.
#[derive(Debug, Clone)]
enum Slot {
    One(IdSubject, i64),
    Few(Box<[(IdSubject, i64)]>),
    Many(Box<Members>),
}

/// A large slot's subjects.
#[derive(Debug, Clone, Default)]
struct Members {
    /// Plain objects and wildcards, by `(type, id)`.
    plain: HashMap<(u32, u32), i64>,
    /// Subject sets (`group:eng#member`).
    sets: Vec<(IdSubject, i64)>,
}

impl Members {
    fn put(&mut self, subject: IdSubject, expiry: i64) -> bool {
        if subject.relation == NO_RELATION {
            return self
                .plain
                .insert((subject.object_type, subject.object_id), expiry)
                .is_none();
        }
        match self.sets.iter_mut().find(|(s, _)| *s == subject) {
            Some((_, e)) => {
                *e = expiry;
                false
            }
            None => {
                self.sets.push((subject, expiry));
                true
            }
        }
    }
}

impl Slot {
    fn iter(&self) -> impl Iterator<Item = (IdSubject, i64)> + '_ {
        let (one, few, many) = match self {
            Slot::One(s, e) => (Some((*s, *e)), None, None),
            Slot::Few(all) => (None, Some(all.iter().copied()), None),
            Slot::Many(m) => (None, None, Some(m)),
        };
        let many = many.into_iter().flat_map(|m| {
            m.plain
                .iter()
                .map(|(&object, &e)| (IdSubject::plain(object), e))
                .chain(m.sets.iter().copied())
        });
        one.into_iter().chain(few.into_iter().flatten()).chain(many)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        match self {
            Slot::One(..) => 1,
            Slot::Few(all) => all.len(),
            Slot::Many(m) => m.plain.len() + m.sets.len(),
        }
    }

    /// Adds or updates `subject`; `true` if it is new.
    fn put(&mut self, subject: IdSubject, expiry: i64) -> bool {
        match self {
            Slot::One(s, e) if *s == subject => {
                *e = expiry;
                false
            }
            Slot::One(s, e) => {
                *self = Slot::Few(Box::new([(*s, *e), (subject, expiry)]));
                true
            }
            Slot::Few(all) => {
                if let Some((_, e)) = all.iter_mut().find(|(s, _)| *s == subject) {
                    *e = expiry;
                    return false;
                }
                if all.len() < FEW {
                    let mut grown = std::mem::take(all).into_vec();
                    grown.push((subject, expiry));
                    *all = grown.into_boxed_slice();
                } else {
                    let mut members = Members::default();
                    for &(s, e) in all.iter().chain([(subject, expiry)].iter()) {
                        members.put(s, e);
                    }
                    *self = Slot::Many(Box::new(members));
                }
                true
            }
            Slot::Many(m) => m.put(subject, expiry),
        }
    }

    /// Removes `subject`: whether it was there, and whether the slot is now empty.
    fn take(&mut self, subject: IdSubject) -> (bool, bool) {
        match self {
            Slot::One(s, _) => {
                let hit = *s == subject;
                (hit, hit)
            }
            Slot::Few(all) => {
                let Some(at) = all.iter().position(|(s, _)| *s == subject) else {
                    return (false, false);
                };
                let mut rest = std::mem::take(all).into_vec();
                rest.swap_remove(at);
                *self = match rest[..] {
                    [] => return (true, true),
                    [(s, e)] => Slot::One(s, e),
                    _ => Slot::Few(rest.into_boxed_slice()),
                };
                (true, false)
            }
            Slot::Many(m) => {
                let hit = if subject.relation == NO_RELATION {
                    m.plain
                        .remove(&(subject.object_type, subject.object_id))
                        .is_some()
                } else {
                    let at = m.sets.iter().position(|(s, _)| *s == subject);
                    at.map(|at| m.sets.swap_remove(at)).is_some()
                };
                (hit, m.plain.is_empty() && m.sets.is_empty())
            }
        }
    }
}

/// One object's relations (as a resource), each with its subjects. Kept
/// together so a check that reads several relations of an object (a
/// permission's union, say) finds them all in one place; up to two (most
/// objects: a parent and an owner, say) are stored inline.
#[derive(Debug, Clone, Default)]
struct Relations(SmallVec<[(u32, Slot); 2]>);

impl Relations {
    fn get(&self, relation: u32) -> Option<&Slot> {
        self.0.iter().find(|(r, _)| *r == relation).map(|(_, s)| s)
    }

    fn get_mut(&mut self, relation: u32) -> Option<&mut Slot> {
        self.0
            .iter_mut()
            .find(|(r, _)| *r == relation)
            .map(|(_, s)| s)
    }

    /// Adds a relation this object does not have yet.
    fn add(&mut self, relation: u32, slot: Slot) {
        self.0.push((relation, slot));
    }

    /// Removes a relation; `true` when none is left.
    fn remove(&mut self, relation: u32) -> bool {
        self.0.retain(|(r, _)| *r != relation);
        self.0.is_empty()
    }

    fn iter(&self) -> impl Iterator<Item = (u32, &Slot)> + '_ {
        self.0.iter().map(|(r, s)| (*r, s))
    }
}

/// No entry, in [`Objects::entry_of`].
const NO_ENTRY: u32 = u32::MAX;

/// Relationships by resource object `(type, id)`. Most ids name one object,
/// so the first type to hold relations under an id is found through a
/// vector indexed by the id: two array reads, the first in a small array
/// (4 bytes an id, so most of it stays in the cache), no hashing. Another
/// type's object with the same id goes to a map.
#[derive(Debug, Default, Clone)]
struct Objects {
    /// By interned id, the position of its object in `entries`, or [`NO_ENTRY`].
    entry_of: Vec<u32>,
    /// `(type, id, relations)`, in no order.
    entries: Vec<(u32, u32, Relations)>,
    others: HashMap<(u32, u32), Relations>,
}

impl Objects {
    /// Where `entries` holds `object`, if it is found through `entry_of`.
    fn position(&self, (object_type, object_id): (u32, u32)) -> Option<usize> {
        let at = *self.entry_of.get(object_id as usize)?;
        (at != NO_ENTRY && self.entries[at as usize].0 == object_type).then_some(at as usize)
    }

    fn get(&self, object: (u32, u32)) -> Option<&Relations> {
        match self.position(object) {
            Some(at) => Some(&self.entries[at].2),
            None if self.others.is_empty() => None,
            None => self.others.get(&object),
        }
    }

    fn get_mut(&mut self, object: (u32, u32)) -> Option<&mut Relations> {
        match self.position(object) {
            Some(at) => Some(&mut self.entries[at].2),
            None => self.others.get_mut(&object),
        }
    }

    /// The object's relations, empty if it has none yet (then `true`: a
    /// new object).
    fn entry(&mut self, object: (u32, u32)) -> (&mut Relations, bool) {
        if let Some(at) = self.position(object) {
            return (&mut self.entries[at].2, false);
        }
        let id = object.1 as usize;
        if self.entry_of.len() <= id {
            self.entry_of.resize(id + 1, NO_ENTRY);
        }
        if self.entry_of[id] == NO_ENTRY && !self.others.contains_key(&object) {
            self.entry_of[id] = u32::try_from(self.entries.len()).expect("fewer than 2^32 objects");
            self.entries
                .push((object.0, object.1, Relations::default()));
            let (_, _, relations) = self.entries.last_mut().expect("just pushed");
            return (relations, true);
        }
        match self.others.entry(object) {
            std::collections::hash_map::Entry::Occupied(e) => (e.into_mut(), false),
            std::collections::hash_map::Entry::Vacant(e) => (e.insert(Relations::default()), true),
        }
    }

    fn remove(&mut self, object: (u32, u32)) {
        let Some(at) = self.position(object) else {
            self.others.remove(&object);
            return;
        };
        self.entries.swap_remove(at);
        self.entry_of[object.1 as usize] = NO_ENTRY;
        if let Some(&(_, moved, _)) = self.entries.get(at) {
            self.entry_of[moved as usize] = at as u32;
        }
    }

    fn iter(&self) -> impl Iterator<Item = ((u32, u32), &Relations)> + '_ {
        let first = self.entries.iter().map(|(t, id, r)| ((*t, *id), r));
        first.chain(self.others.iter().map(|(k, r)| (*k, r)))
    }
}

/// Most resources a [`Holders::Few`] lists before it becomes a
/// [`Holders::Many`]: past it, finding one to remove costs more than a hash.
const FEW_HOLDERS: usize = 64;

/// The resource objects a subject appears in, once per relationship. Most
/// subjects appear in a few, listed; one in many (a company-wide group, a
/// public wildcard) is counted in a map, so that removing its relationships
/// one by one costs each a hash, not a scan of all the others.
#[derive(Debug, Clone)]
enum Holders {
    Few(Vec<(u32, u32)>),
    /// Each resource with how many of its relationships name the subject.
    Many(HashMap<(u32, u32), u32>),
}

impl Holders {
    fn add(&mut self, resource: (u32, u32)) {
        match self {
            Self::Few(list) if list.len() < FEW_HOLDERS => list.push(resource),
            Self::Few(list) => {
                let mut counts = HashMap::default();
                for r in list.drain(..).chain([resource]) {
                    *counts.entry(r).or_insert(0) += 1;
                }
                *self = Self::Many(counts);
            }
            Self::Many(counts) => *counts.entry(resource).or_insert(0) += 1,
        }
    }

    /// Takes one mention of `resource`; `true` when none is left at all.
    fn take(&mut self, resource: (u32, u32)) -> bool {
        match self {
            Self::Few(list) => {
                if let Some(at) = list.iter().position(|r| *r == resource) {
                    list.swap_remove(at);
                }
                list.is_empty()
            }
            Self::Many(counts) => {
                if let Some(count) = counts.get_mut(&resource) {
                    *count -= 1;
                    if *count == 0 {
                        counts.remove(&resource);
                    }
                }
                counts.is_empty()
            }
        }
    }

    /// Each resource, at least once.
    fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let (few, many) = match self {
            Self::Few(list) => (Some(list), None),
            Self::Many(counts) => (None, Some(counts)),
        };
        let few = few.into_iter().flatten().copied();
        few.chain(many.into_iter().flat_map(|counts| counts.keys().copied()))
    }
}

/// The objects of one type in id order, so that reads paging through them
/// (lookups, reading relationships) start at their cursor instead of
/// sorting every object of the type on every page. Writers only note new
/// objects; the next reader sorts those and merges them in.
#[derive(Debug, Default, Clone)]
struct Listing {
    /// Ids in name order, none twice. Some may no longer name an object of
    /// the type: readers skip those.
    sorted: Arc<[u32]>,
    /// Objects created since `sorted` was made, in no order (one removed
    /// and created again may be in `sorted` as well).
    added: Vec<u32>,
    /// Objects removed since `sorted` was last cleared of gone ids.
    removed: usize,
}

impl Listing {
    /// Most objects noted before a writer sorts them in itself, so that the
    /// notes stay small when nothing reads the listing.
    fn full(&self) -> bool {
        self.added.len() > self.sorted.len().max(1 << 16)
    }

    /// Merges the objects created since into `sorted`, and drops gone ids
    /// once more than a quarter of it may be gone.
    fn settle(&mut self, object_type: u32, names: &Interner, objects: &Objects) {
        let stale = self.removed > self.sorted.len() / 4;
        if self.added.is_empty() && !stale {
            return;
        }
        let name = |id: u32| names.bytes(id);
        let mut added = std::mem::take(&mut self.added);
        added.sort_unstable_by(|a, b| name(*a).cmp(name(*b)));
        added.dedup();
        let mut merged = Vec::with_capacity(self.sorted.len() + added.len());
        let mut rest = &self.sorted[..];
        for id in added {
            let at = rest.partition_point(|&listed| name(listed) < name(id));
            merged.extend_from_slice(&rest[..at]);
            rest = &rest[at..];
            if rest.first() != Some(&id) {
                merged.push(id);
            }
        }
        merged.extend_from_slice(rest);
        if stale {
            merged.retain(|&id| objects.get((object_type, id)).is_some());
            self.removed = 0;
        }
        self.sorted = merged.into();
    }
}

/// Expired relationships found by [`Index::expired`].
#[derive(Debug, Default)]
pub struct Expired {
    relationships: Vec<(IdKey, IdSubject)>,
    /// How many relationships with an expiry are left.
    expiring: usize,
}

impl Expired {
    /// How many expired.
    pub fn len(&self) -> usize {
        self.relationships.len()
    }

    /// Whether none did.
    pub fn is_empty(&self) -> bool {
        self.relationships.is_empty()
    }
}

/// A stored subject as seen by readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredSubject<'a> {
    /// Object type.
    pub object_type: &'a str,
    /// Object id (`*` for a wildcard).
    pub object_id: &'a str,
    /// Relation of a subject set.
    pub relation: Option<&'a str>,
}

/// Relationships by `(resource type, resource id, relation)`, each with an
/// optional expiry (Unix milliseconds). Names are interned, so a relationship
/// costs a few dozen bytes however long its ids are.
#[derive(Debug, Default)]
pub struct Index {
    names: Interner,
    /// Relationships by resource object `(type, id)`.
    objects: Objects,
    /// The objects of each type in id order (readers share it, hence the lock).
    listings: Mutex<HashMap<u32, Listing>>,
    /// The reverse: for each object that is a subject (plain, set or
    /// wildcard `(type, *)`), the resource objects it appears in, once per
    /// relationship. Lookups walk it upwards from a subject.
    by_subject: HashMap<(u32, u32), Holders>,
    len: usize,
    /// How many relationships carry an expiry (when none do, pruning is free).
    expiring: usize,
    /// The schema checks evaluate, on interned names.
    model: Model,
}

impl Clone for Index {
    fn clone(&self) -> Self {
        let listings = self.listings.lock().unwrap_or_else(PoisonError::into_inner);
        Self {
            names: self.names.clone(),
            objects: self.objects.clone(),
            listings: Mutex::new(listings.clone()),
            by_subject: self.by_subject.clone(),
            len: self.len,
            expiring: self.expiring,
            model: self.model.clone(),
        }
    }
}

/// A schema compiled to interned names: a check step is a lookup by
/// numbers, never a string comparison or hash.
#[derive(Debug, Clone)]
struct Model {
    /// The ids of the schema's type, relation and permission names: a small
    /// map, so resolving them does not touch the large interner.
    names: HashMap<Box<str>, u32>,
    /// Relations and permissions by definition (type) name.
    definitions: HashMap<u32, HashMap<u32, Member>>,
    /// The id of `*`.
    wildcard: u32,
}

impl Default for Model {
    fn default() -> Self {
        Self {
            names: HashMap::default(),
            definitions: HashMap::default(),
            // No name has this id until a schema interns `*`.
            wildcard: NO_RELATION,
        }
    }
}

impl Model {
    /// The id of the definition `type_name` and its members, if the schema
    /// has it.
    fn definition(&self, type_name: &str) -> Option<(u32, &HashMap<u32, Member>)> {
        let id = *self.names.get(type_name)?;
        Some((id, self.definitions.get(&id)?))
    }

    /// The id of `name` if it is one of `members` (a relation or permission).
    fn member(&self, members: &HashMap<u32, Member>, name: &str) -> Option<u32> {
        (self.names.get(name).copied()).filter(|id| members.contains_key(id))
    }
}

/// A relation or permission of a definition.
#[derive(Debug, Clone)]
enum Member {
    Relation,
    Permission(Op),
}

/// [`Expr`] on interned names.
#[derive(Debug, Clone)]
enum Op {
    Ref(u32),
    Arrow(u32, u32),
    ArrowAll(u32, u32),
    Union(Vec<Op>),
    Intersection(Vec<Op>),
    Exclusion(Box<Op>, Box<Op>),
    Nil,
}

impl Interner {
    fn compile(&mut self, expr: &Expr) -> Op {
        match expr {
            Expr::Ref(name) => Op::Ref(self.intern(name)),
            Expr::Arrow(relation, target) => Op::Arrow(self.intern(relation), self.intern(target)),
            Expr::ArrowAll(relation, target) => {
                Op::ArrowAll(self.intern(relation), self.intern(target))
            }
            Expr::Union(items) => Op::Union(items.iter().map(|e| self.compile(e)).collect()),
            Expr::Intersection(items) => {
                Op::Intersection(items.iter().map(|e| self.compile(e)).collect())
            }
            Expr::Exclusion(base, minus) => {
                Op::Exclusion(Box::new(self.compile(base)), Box::new(self.compile(minus)))
            }
            Expr::Nil => Op::Nil,
        }
    }
}

impl Index {
    /// Sets the schema checks are evaluated against (call again whenever it
    /// changes: until then, checks see the previous one).
    pub fn set_schema(&mut self, schema: &Schema) {
        let mut names = HashMap::default();
        let mut name = |interner: &mut Interner, name: &str| {
            let id = interner.intern(name);
            names.insert(name.into(), id);
            id
        };
        let mut definitions = HashMap::default();
        for (type_name, definition) in &schema.definitions {
            let mut members = HashMap::default();
            for relation in definition.relations.keys() {
                members.insert(name(&mut self.names, relation), Member::Relation);
            }
            for (permission, expr) in &definition.permissions {
                let op = self.names.compile(expr);
                members.insert(name(&mut self.names, permission), Member::Permission(op));
            }
            definitions.insert(name(&mut self.names, type_name), members);
        }
        self.model = Model {
            names,
            definitions,
            wildcard: self.names.intern("*"),
        };
    }

    fn id_key(&self, resource_type: &str, resource_id: &str, relation: &str) -> Option<IdKey> {
        Some((
            self.names.get(resource_type)?,
            self.names.get(resource_id)?,
            self.names.get(relation)?,
        ))
    }

    fn id_subject(&self, subject: &Subject) -> Option<IdSubject> {
        Some(IdSubject {
            object_type: self.names.get(&subject.object_type)?,
            object_id: self.names.get(&subject.object_id)?,
            relation: match &subject.relation {
                Some(r) => self.names.get(r)?,
                None => NO_RELATION,
            },
        })
    }

    fn stored(&self, s: IdSubject) -> StoredSubject<'_> {
        StoredSubject {
            object_type: self.names.name(s.object_type),
            object_id: self.names.name(s.object_id),
            relation: (s.relation != NO_RELATION).then(|| self.names.name(s.relation)),
        }
    }

    /// Adds or replaces a relationship.
    pub fn insert(&mut self, tuple: Tuple, expires_at_ms: Option<i64>) {
        let key = (
            self.names.intern(&tuple.resource_type),
            self.names.intern(&tuple.resource_id),
            self.names.intern(&tuple.relation),
        );
        let subject = IdSubject {
            object_type: self.names.intern(&tuple.subject.object_type),
            object_id: self.names.intern(&tuple.subject.object_id),
            relation: tuple
                .subject
                .relation
                .as_deref()
                .map_or(NO_RELATION, |r| self.names.intern(r)),
        };
        let expiry = expires_at_ms.unwrap_or(NEVER);
        if expiry != NEVER {
            // Counted on every insert (a replaced one too): an upper bound
            // that `prune_expired` resets to the exact count.
            self.expiring += 1;
        }
        let (object, relation) = ((key.0, key.1), key.2);
        let (relations, created) = self.objects.entry(object);
        let added = match relations.get_mut(relation) {
            None => {
                relations.add(relation, Slot::One(subject, expiry));
                true
            }
            Some(slot) => slot.put(subject, expiry),
        };
        if created {
            let listings = self
                .listings
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner);
            let listing = listings.entry(object.0).or_default();
            listing.added.push(object.1);
            if listing.full() {
                listing.settle(object.0, &self.names, &self.objects);
            }
        }
        if added {
            self.len += 1;
            self.by_subject
                .entry((subject.object_type, subject.object_id))
                .or_insert_with(|| Holders::Few(Vec::new()))
                .add(object);
        }
    }

    /// Removes a relationship; `true` if it was there.
    pub fn remove(&mut self, tuple: &Tuple) -> bool {
        let (Some(key), Some(subject)) = (
            self.id_key(&tuple.resource_type, &tuple.resource_id, &tuple.relation),
            self.id_subject(&tuple.subject),
        ) else {
            return false;
        };
        self.remove_ids(key, subject)
    }

    fn remove_ids(&mut self, key: IdKey, subject: IdSubject) -> bool {
        let object = (key.0, key.1);
        let Some(relations) = self.objects.get_mut(object) else {
            return false;
        };
        let Some(slot) = relations.get_mut(key.2) else {
            return false;
        };
        let (removed, empty) = slot.take(subject);
        if empty && relations.remove(key.2) {
            self.objects.remove(object);
            let listings = self
                .listings
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(listing) = listings.get_mut(&object.0) {
                listing.removed += 1;
            }
        }
        if removed {
            self.len -= 1;
            let from = (subject.object_type, subject.object_id);
            if let Some(resources) = self.by_subject.get_mut(&from) {
                if resources.take(object) {
                    self.by_subject.remove(&from);
                }
            }
        }
        removed
    }

    /// Number of stored relationships.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no relationship is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Ids of the objects of `resource_type` that have any relationship as a
    /// resource, sorted: the only objects a permission can hold on.
    pub fn resource_ids(&self, resource_type: &str) -> BTreeSet<&str> {
        let Some(t) = self.names.get(resource_type) else {
            return BTreeSet::new();
        };
        self.objects
            .iter()
            .filter(|((kt, _), _)| *kt == t)
            .map(|((_, id), _)| self.names.name(id))
            .collect()
    }

    /// The live relationships matching `filter`, each with its cursor key
    /// (see [`cursor_key`]), in that order: those after `after`, at most
    /// `limit` (0: all). Objects are read in id order from the cursor on,
    /// so a page costs the objects it reads, not a sort of them all.
    pub fn matching(
        &self,
        filter: &RelationshipFilter,
        now_ms: i64,
        Page { after, limit }: Page<'_>,
    ) -> Vec<(String, Tuple, Option<i64>)> {
        let mut out = Vec::new();
        // Each named part as an id: a name never seen matches nothing.
        let id = |name: &Option<String>| match name {
            None => Some(None),
            Some(name) => self.names.get(name).map(Some),
        };
        let (Some(t), Some(resource_id), Some(relation), Some(subject_type), Some(subject_id)) = (
            self.names.get(&filter.resource_type),
            id(&filter.resource_id),
            id(&filter.relation),
            id(&filter.subject_type),
            id(&filter.subject_id),
        ) else {
            return out;
        };
        let subject_relation = match filter.subject_relation.as_deref() {
            None => None,
            Some("") => Some(NO_RELATION),
            Some(name) => match self.names.get(name) {
                Some(id) => Some(id),
                None => return out,
            },
        };
        let wanted = |want: Option<u32>, have: u32| want.is_none_or(|want| want == have);
        // The objects to read, in id order, from the cursor's own on.
        let by_name = |a: &u32, b: &u32| self.names.bytes(*a).cmp(self.names.bytes(*b));
        let objects: Arc<[u32]> = match (resource_id, subject_type, subject_id) {
            (Some(id), _, _) => Arc::new([id]),
            (None, Some(st), Some(sid)) => {
                let holders = self.by_subject.get(&(st, sid));
                let mut ids: Vec<u32> = (holders.into_iter().flat_map(Holders::iter))
                    .filter(|(rt, _)| *rt == t)
                    .map(|(_, id)| id)
                    .collect();
                ids.sort_unstable_by(by_name);
                ids.dedup();
                ids.into()
            }
            _ => self.listed(t),
        };
        let first = after.map(|after| after.split('\0').next().unwrap_or_default());
        let from = first.map_or(0, |first| {
            objects.partition_point(|&id| self.names.bytes(id) < first.as_bytes())
        });
        for &object in &objects[from..] {
            let Some(relations) = self.objects.get((t, object)) else {
                continue;
            };
            let mut rows = Vec::new();
            for (rel, slot) in relations.iter().filter(|(rel, _)| wanted(relation, *rel)) {
                for (subject, expiry) in slot.iter() {
                    if expiry <= now_ms
                        || !wanted(subject_type, subject.object_type)
                        || !wanted(subject_id, subject.object_id)
                        || !wanted(subject_relation, subject.relation)
                    {
                        continue;
                    }
                    let s = self.stored(subject);
                    let tuple = Tuple {
                        resource_type: filter.resource_type.clone(),
                        resource_id: self.names.name(object).to_owned(),
                        relation: self.names.name(rel).to_owned(),
                        subject: Subject {
                            object_type: s.object_type.to_owned(),
                            object_id: s.object_id.to_owned(),
                            relation: s.relation.map(str::to_owned),
                        },
                    };
                    let key = cursor_key(&tuple);
                    if after.is_none_or(|after| key.as_str() > after) {
                        rows.push((key, tuple, (expiry != NEVER).then_some(expiry)));
                    }
                }
            }
            rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            for row in rows {
                out.push(row);
                if out.len() == limit {
                    return out;
                }
            }
        }
        out
    }

    /// Drops relationships that expired at or before `now_ms`; returns how many.
    pub fn prune_expired(&mut self, now_ms: i64) -> usize {
        let expired = self.expired(now_ms);
        self.remove_expired(expired)
    }

    /// The relationships that expired at or before `now_ms`, found without
    /// changing anything (a replica looks under its read lock, and removes
    /// them with [`Index::remove_expired`]).
    pub fn expired(&self, now_ms: i64) -> Expired {
        let mut expired = Expired::default();
        if self.expiring == 0 {
            return expired;
        }
        for ((object_type, object_id), relations) in self.objects.iter() {
            for (relation, slot) in relations.iter() {
                for (subject, expiry) in slot.iter() {
                    if expiry <= now_ms {
                        let key = (object_type, object_id, relation);
                        expired.relationships.push((key, subject));
                    } else if expiry != NEVER {
                        expired.expiring += 1;
                    }
                }
            }
        }
        expired
    }

    /// Removes what [`Index::expired`] found, on an index not changed since;
    /// returns how many.
    pub fn remove_expired(&mut self, expired: Expired) -> usize {
        let pruned = expired.relationships.len();
        for (key, subject) in expired.relationships {
            self.remove_ids(key, subject);
        }
        self.expiring = expired.expiring;
        pruned
    }

    /// Number of subjects stored under one key (for tests of the layout).
    #[cfg(test)]
    fn slot_len(&self, object_type: &str, object_id: &str, relation: &str) -> usize {
        self.id_key(object_type, object_id, relation)
            .and_then(|key| self.slot(key))
            .map_or(0, Slot::len)
    }

    /// The objects of type `wanted` that `subject` reaches through
    /// relationships read upwards (as a member of a group that views a folder
    /// that is a document's parent, say), in no order: every object on which
    /// it can hold a permission is among them, since each grant is such a
    /// chain. Some may grant nothing (an exclusion, or the wrong relation):
    /// callers check each. `None` once the walk has seen more than `budget`
    /// objects of any type.
    fn reachable_resources(
        &self,
        wanted: u32,
        subject: &Subject,
        budget: usize,
    ) -> Option<Vec<u32>> {
        let mut out = Vec::new();
        let Some(subject_type) = self.names.get(&subject.object_type) else {
            return Some(out);
        };
        let mut seen: HashSet<(u32, u32)> = HashSet::default();
        let mut next = Vec::new();
        if let Some(id) = self.names.get(&subject.object_id) {
            next.push((subject_type, id));
        }
        if subject.relation.is_none() {
            // Wildcards grant plain objects of their type.
            next.push((subject_type, self.model.wildcard));
        }
        while let Some(object) = next.pop() {
            for resource in self
                .by_subject
                .get(&object)
                .into_iter()
                .flat_map(Holders::iter)
            {
                if seen.insert(resource) {
                    if seen.len() > budget {
                        return None;
                    }
                    if resource.0 == wanted {
                        out.push(resource.1);
                    }
                    next.push(resource);
                }
            }
        }
        Some(out)
    }

    /// The ids of the objects of `object_type` in name order; some may name
    /// an object that is gone (see [`Index::holds`]).
    fn listed(&self, object_type: u32) -> Arc<[u32]> {
        let mut listings = self.listings.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(listing) = listings.get_mut(&object_type) else {
            return Arc::from([]);
        };
        listing.settle(object_type, &self.names, &self.objects);
        Arc::clone(&listing.sorted)
    }

    /// Whether `(object_type, object_id)` holds any relationship.
    fn holds(&self, object_type: u32, object_id: u32) -> bool {
        self.objects.get((object_type, object_id)).is_some()
    }

    /// The ids of the subjects of `subject_type` (plain, for `relation`
    /// `None`; otherwise any object of the type, as a subject set) that
    /// relationships read downwards from the resource reach, in no order and
    /// some more than once; `*` if a wildcard is reached. Every subject
    /// holding a permission on the resource is among them or covered by `*`;
    /// callers check each.
    fn reachable_subjects(
        &self,
        resource_type: &str,
        resource_id: &str,
        subject_type: &str,
        relation: Option<&str>,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        let (Some(start_type), Some(start_id), Some(wanted)) = (
            self.names.get(resource_type),
            self.names.get(resource_id),
            self.names.get(subject_type),
        ) else {
            return out;
        };
        let mut seen: HashSet<(u32, u32)> = HashSet::default();
        seen.insert((start_type, start_id));
        let mut next = vec![(start_type, start_id)];
        while let Some(object) = next.pop() {
            if relation.is_some() && object.0 == wanted {
                out.push(object.1);
            }
            for (_, slot) in self
                .objects
                .get(object)
                .into_iter()
                .flat_map(Relations::iter)
            {
                for (subject, _) in slot.iter() {
                    if relation.is_none()
                        && subject.object_type == wanted
                        && subject.relation == NO_RELATION
                    {
                        out.push(subject.object_id);
                    }
                    let reached = (subject.object_type, subject.object_id);
                    if subject.object_id != self.model.wildcard && seen.insert(reached) {
                        next.push(reached);
                    }
                }
            }
        }
        out
    }

    /// The subjects stored under one key.
    fn slot(&self, (object_type, object_id, relation): IdKey) -> Option<&Slot> {
        self.objects.get((object_type, object_id))?.get(relation)
    }
}

/// Evaluates checks against an index (and the schema set on it) at one instant.
pub struct Checker<'a> {
    index: &'a Index,
    now_ms: i64,
    trace: Option<RefCell<Tracer>>,
    /// Names the index has never seen (a checked subject's id, say), numbered
    /// down from the top: they match nothing stored, but a subject set can
    /// still be its own member.
    extra_names: RefCell<Vec<String>>,
    /// The current check's answers for the nodes it has finished.
    memo: RefCell<Memo>,
    /// [`MEMO_AFTER`], or fewer in tests.
    memo_after: usize,
    /// Visits after which this checker starts no further check.
    budget: usize,
    /// Visits after which this checker's checks stop, started or not.
    stop_after: usize,
    /// Whether one did.
    stopped: Cell<bool>,
}

/// A check visits a node once for each path that leads to it, so groups
/// nested as diamonds (two groups a level, each in both of the next) cost
/// 2^levels visits: 0.3 s at 22 levels, days at 45. Past [`MEMO_AFTER`]
/// visits a check therefore remembers each node's answer, once the node is
/// finished, and answers it again from memory.
///
/// Only answers that met no cycle are kept. A node whose evaluation cut a
/// cycle (a node already on the path, taken as not granting) may answer
/// otherwise from another path; one that met none evaluated every node below
/// it to the end, and none of those leads back to a node on any path that
/// reaches it (that would have been a cycle through it), so its answer is the
/// same from anywhere. Answers are exact, so a node remembered near the top
/// may answer deeper than [`MAX_DEPTH`] would have let it be evaluated: an
/// answer where a fresh evaluation would have stopped with an error, never
/// a different answer.
#[derive(Default)]
struct Memo {
    /// Nodes visited in this check.
    visits: usize,
    /// Nodes visited by this checker's earlier checks.
    earlier: usize,
    /// Nodes this check may visit: [`MAX_VISITS`], or fewer when its
    /// checker stops earlier.
    limit: usize,
    /// Cycles cut so far (by any check of this checker): a node's answer is
    /// kept only if this did not move while it was evaluated.
    cuts: u64,
    answers: HashMap<(IdKey, IdSubject), bool>,
}

/// How many nodes a check visits before it remembers answers. Checks of
/// ordinary data visit a few dozen and never pay for the memory.
const MEMO_AFTER: usize = 256;

/// Steps a lookup with a limit may take for each result it is asked for,
/// walking or checking, before it changes how it goes (see
/// [`Checker::lookup_resources`]).
const LOOKUP_EFFORT: usize = 16;
/// The fewest steps it may take so.
const MIN_LOOKUP_EFFORT: usize = 512;
/// The steps a stream's lookup may walk once, before its first page, so
/// that its pages check only what the walk reached. Past it (a subject that
/// reaches most of the type) the pages go through the objects in order,
/// where most are found.
const STREAM_WALK: usize = 1 << 18;

/// The steps a lookup with `limit` (0: none) may take before it changes
/// how it goes.
fn lookup_effort(limit: usize) -> usize {
    match limit {
        0 => usize::MAX,
        limit => limit.saturating_mul(LOOKUP_EFFORT).max(MIN_LOOKUP_EFFORT),
    }
}

/// `ordered` (by name) with `extra` in its place, once.
fn with_one<'n>(
    ordered: impl Iterator<Item = (u32, &'n str)>,
    mut extra: Option<(u32, &'n str)>,
) -> impl Iterator<Item = (u32, &'n str)> {
    let mut ordered = ordered.peekable();
    std::iter::from_fn(move || {
        let Some((_, name)) = extra else {
            return ordered.next();
        };
        match ordered.peek() {
            Some(&(_, next)) if next < name => ordered.next(),
            Some(&(_, next)) if next == name => {
                extra = None;
                ordered.next()
            }
            _ => extra.take(),
        }
    })
}

/// Which part of a lookup's results to return: those after the id `after`,
/// at most `limit` (0: no limit).
#[derive(Debug, Clone, Copy, Default)]
pub struct Page<'a> {
    /// Return only ids after this one.
    pub after: Option<&'a str>,
    /// Most ids to return; 0 means all.
    pub limit: usize,
}

/// What a lookup learned by walking, kept by a stream between its pages,
/// which may use it while the index is at the revision it was walked at.
#[derive(Debug, Clone)]
pub enum Walked {
    /// Every object the walk reached, in id order.
    Reached(Vec<u32>),
    /// The walk went past its budget: the pages go through the type's
    /// objects in order.
    TooFar,
}

/// One evaluated step of a traced check: `type:id#name`, whether it granted,
/// and the steps it evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceNode {
    /// `type:id#relation-or-permission`.
    pub step: String,
    /// Whether this step granted.
    pub granted: bool,
    /// The steps it depended on.
    pub children: Vec<TraceNode>,
}

#[derive(Default)]
struct Tracer {
    open: Vec<TraceNode>,
    root: Option<TraceNode>,
    /// Steps recorded in this check, and whether some were left out.
    recorded: usize,
    cut: bool,
}

/// Most steps a trace records. A check may visit [`MAX_VISITS`], and a
/// trace that large (megabytes) would pass a client's default message
/// limit; the first 10,000 show the path that decided, or enough of it.
pub const MAX_TRACE_STEPS: usize = 10_000;

/// The nodes being evaluated, outermost first: a node met again is a cycle.
/// At most [`MAX_DEPTH`] deep, so a scan beats hashing.
/// Kept on the stack up to 16 nodes, deeper than most checks go.
type Path = SmallVec<[IdKey; 16]>;

impl<'a> Checker<'a> {
    /// A checker seeing relationships live at `now_ms`.
    pub fn new(index: &'a Index, now_ms: i64) -> Self {
        Self {
            index,
            now_ms,
            trace: None,
            extra_names: RefCell::default(),
            memo: RefCell::default(),
            memo_after: MEMO_AFTER,
            budget: usize::MAX,
            stop_after: usize::MAX,
            stopped: Cell::new(false),
        }
    }

    /// The same checker starting no check once its checks have visited
    /// `visits` nodes in all: later checks fail with
    /// [`CheckError::BudgetSpent`]. One check may go past the budget by up
    /// to [`MAX_VISITS`], so the checker stops within `visits + MAX_VISITS`.
    pub fn with_budget(mut self, visits: usize) -> Self {
        self.budget = visits;
        self
    }

    /// The same checker stopping its checks once they have visited `visits`
    /// nodes in all, in the middle of one if need be: that check and every
    /// later one fail with [`CheckError::Stopped`], and [`Checker::stopped`]
    /// says so. For a caller that would rather run costly checks elsewhere
    /// than wait for them where it is.
    pub fn stopping_after(mut self, visits: usize) -> Self {
        self.stop_after = visits;
        self
    }

    /// Whether a check was stopped (see [`Checker::stopping_after`]).
    pub fn stopped(&self) -> bool {
        self.stopped.get()
    }

    /// The same checker remembering answers from its `visits`th visit on
    /// (tests: the data that needs it is too large to read).
    #[cfg(test)]
    fn remembering_after(mut self, visits: usize) -> Self {
        self.memo_after = visits;
        self
    }

    /// The same checker recording a trace of each check (see [`Checker::take_trace`]).
    pub fn traced(mut self) -> Self {
        self.trace = Some(RefCell::default());
        self
    }

    /// The trace of the last check, when tracing.
    pub fn take_trace(&self) -> Option<TraceNode> {
        let mut tracer = self.trace.as_ref()?.borrow_mut();
        let (recorded, cut) = (tracer.recorded, tracer.cut);
        let mut root = tracer.root.take()?;
        if cut {
            root.step.push_str(&format!(
                " (trace cut at {recorded} steps; the answer counts all)"
            ));
        }
        Some(root)
    }

    /// The ids of the objects of `resource_type` on which `subject` has
    /// `permission`, in id order, one page of them.
    ///
    /// A subject that reaches few objects is walked from: its reachable
    /// objects are sorted and checked. One that reaches many (a reader of
    /// the root folder reaches every document) would cost a walk and a sort
    /// of all it reaches on every page; for a page with a limit, past
    /// [`LOOKUP_EFFORT`] steps a result the objects of the type are checked
    /// in id order from the cursor instead, which finds a page at once when
    /// most of them are granted. If even that finds too little, the whole
    /// walk is made after all and only the objects it reached are checked.
    pub fn lookup_resources(
        &self,
        resource_type: &str,
        permission: &str,
        subject: &Subject,
        page: Page<'_>,
    ) -> Result<Vec<String>, CheckError> {
        let effort = lookup_effort(page.limit);
        self.lookup_resources_within(
            resource_type,
            permission,
            subject,
            page,
            (effort, effort),
            &mut None,
        )
    }

    /// [`Checker::lookup_resources`] for the pages of one stream: the first
    /// page walks up to [`STREAM_WALK`] steps, and what it learns, left in
    /// `walked`, spares the next pages the walk when given back (while the
    /// index stays at the same revision).
    pub fn lookup_resources_in_stream(
        &self,
        resource_type: &str,
        permission: &str,
        subject: &Subject,
        page: Page<'_>,
        walked: &mut Option<Walked>,
    ) -> Result<Vec<String>, CheckError> {
        let effort = lookup_effort(page.limit);
        self.lookup_resources_within(
            resource_type,
            permission,
            subject,
            page,
            (effort.max(STREAM_WALK), effort),
            walked,
        )
    }

    /// [`Checker::lookup_resources_in_stream`], walking at most `walk`
    /// objects before going through the type's objects in order, and
    /// checking `scan` of those before walking after all.
    fn lookup_resources_within(
        &self,
        resource_type: &str,
        permission: &str,
        subject: &Subject,
        Page { after, limit }: Page<'_>,
        (walk, scan): (usize, usize),
        walked: &mut Option<Walked>,
    ) -> Result<Vec<String>, CheckError> {
        let (wanted, _) = self.validate(resource_type, permission)?;
        self.validate_subject(&subject.object_type, subject.relation.as_deref())?;
        let index = self.index;
        let granted = |id: &str| self.check(resource_type, id, permission, subject);
        // A subject set is its own member: `group:eng#member` on `group:eng`,
        // with relationships or not.
        let itself =
            (subject.object_type == resource_type && subject.relation.is_some()).then(|| {
                let name = subject.object_id.as_str();
                (index.names.get(name).unwrap_or(NO_ENTRY), name)
            });
        let after_name = |after: Option<&str>| {
            itself.filter(|&(_, name)| after.is_none_or(|after| name > after))
        };
        let walked =
            walked.get_or_insert_with(|| match index.reachable_resources(wanted, subject, walk) {
                Some(reached) => Walked::Reached(self.in_id_order(reached)),
                None => Walked::TooFar,
            });
        if let Walked::Reached(reached) = walked {
            return self.collect(
                self.walked_after(reached, after, after_name(after)),
                limit,
                granted,
            );
        }
        // Too many to walk for one page: the type's objects in order.
        let listed = index.listed(wanted);
        let from = after.map_or(0, |after| {
            listed.partition_point(|&id| index.names.bytes(id) <= after.as_bytes())
        });
        let objects = listed[from..]
            .iter()
            .filter(|&&id| index.holds(wanted, id))
            .map(|&id| (id, index.names.name(id)));
        let mut objects = with_one(objects, after_name(after));
        let (mut out, mut last) = (Vec::new(), after);
        for _ in 0..scan {
            let Some((_, name)) = objects.next() else {
                return Ok(out);
            };
            last = Some(name);
            if granted(name)? {
                out.push(name.to_owned());
                if out.len() == limit {
                    return Ok(out);
                }
            }
        }
        // Those found too little: walk after all, and check only what the
        // walk reached after the last object checked.
        let reached = index
            .reachable_resources(wanted, subject, usize::MAX)
            .unwrap_or_default();
        let reached = self.in_id_order(reached);
        let rest = self.collect(
            self.walked_after(&reached, last, after_name(last)),
            limit.saturating_sub(out.len()),
            granted,
        )?;
        *walked = Walked::Reached(reached);
        out.extend(rest);
        Ok(out)
    }

    /// What a walk reached, in id order, once each.
    fn in_id_order(&self, mut reached: Vec<u32>) -> Vec<u32> {
        let names = &self.index.names;
        reached.sort_unstable_by(|&a, &b| names.bytes(a).cmp(names.bytes(b)));
        reached.dedup();
        reached
    }

    /// The names of `reached` (in id order) after `after`, with `itself`.
    fn walked_after<'w>(
        &'w self,
        reached: &'w [u32],
        after: Option<&str>,
        itself: Option<(u32, &'w str)>,
    ) -> impl Iterator<Item = &'w str> {
        let names = &self.index.names;
        let from = after.map_or(0, |after| {
            reached.partition_point(|&id| names.bytes(id) <= after.as_bytes())
        });
        let reached = reached[from..].iter().map(|&id| (id, names.name(id)));
        with_one(reached, itself).map(|(_, name)| name)
    }

    /// The ids of the subjects of `subject_type` (with `subject_relation`)
    /// that have `permission` on the resource, in id order, one page of them.
    /// `*` stands for a wildcard grant.
    pub fn lookup_subjects(
        &self,
        resource_type: &str,
        resource_id: &str,
        permission: &str,
        subject_type: &str,
        subject_relation: Option<&str>,
        page: Page<'_>,
    ) -> Result<Vec<String>, CheckError> {
        let resource = (resource_type, resource_id);
        let subjects = (subject_type, subject_relation);
        self.lookup_subjects_in_stream(resource, permission, subjects, page, &mut None)
    }

    /// [`Checker::lookup_subjects`] for the pages of one stream: the subjects
    /// the first page's walk reached, left in `walked`, spare the next pages
    /// the walk when given back (while the index stays at the same revision).
    pub fn lookup_subjects_in_stream(
        &self,
        (resource_type, resource_id): (&str, &str),
        permission: &str,
        (subject_type, subject_relation): (&str, Option<&str>),
        page: Page<'_>,
        walked: &mut Option<Walked>,
    ) -> Result<Vec<String>, CheckError> {
        self.validate(resource_type, permission)?;
        self.validate_subject(subject_type, subject_relation)?;
        let candidates = match walked.take() {
            Some(Walked::Reached(candidates)) => candidates,
            _ => self.in_id_order(self.index.reachable_subjects(
                resource_type,
                resource_id,
                subject_type,
                subject_relation,
            )),
        };
        let found = self.collect(
            self.walked_after(&candidates, page.after, None),
            page.limit,
            |id| {
                let subject = Subject {
                    object_type: subject_type.to_owned(),
                    object_id: id.to_owned(),
                    relation: subject_relation.map(str::to_owned),
                };
                self.check(resource_type, resource_id, permission, &subject)
            },
        );
        *walked = Some(Walked::Reached(candidates));
        found
    }

    /// What a `*` answered by [`Checker::lookup_subjects_in_stream`] leaves
    /// out: the subjects its walk (`walked`) reached that do not hold the
    /// permission, in id order. Every other subject of the type holds it
    /// exactly when the wildcard does, because no relationship names it, so
    /// only wildcards match it. Without these, `*` read as "every subject"
    /// would grant those excluded (`viewer - banned` with a public viewer).
    pub fn wildcard_exclusions(
        &self,
        (resource_type, resource_id): (&str, &str),
        permission: &str,
        subject_type: &str,
        walked: &Option<Walked>,
    ) -> Result<Vec<String>, CheckError> {
        let Some(Walked::Reached(candidates)) = walked else {
            return Ok(Vec::new());
        };
        let wildcard = self.index.model.wildcard;
        let mut out = Vec::new();
        for &id in candidates.iter().filter(|&&id| id != wildcard) {
            let name = self.index.names.name(id);
            let subject = Subject {
                object_type: subject_type.to_owned(),
                object_id: name.to_owned(),
                relation: None,
            };
            if !self.check(resource_type, resource_id, permission, &subject)? {
                out.push(name.to_owned());
            }
        }
        Ok(out)
    }

    /// The first `limit` (0: all) of `candidates` that are `granted`.
    fn collect<'n>(
        &self,
        candidates: impl Iterator<Item = &'n str>,
        limit: usize,
        granted: impl Fn(&str) -> Result<bool, CheckError>,
    ) -> Result<Vec<String>, CheckError> {
        let mut out = Vec::new();
        for id in candidates {
            if granted(id)? {
                out.push(id.to_owned());
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The ids of a definition and of one of its relations or permissions.
    fn validate(&self, resource_type: &str, permission: &str) -> Result<(u32, u32), CheckError> {
        let model = &self.index.model;
        let (type_id, members) = (model.definition(resource_type))
            .ok_or_else(|| CheckError::UnknownType(resource_type.into()))?;
        let name = model.member(members, permission).ok_or_else(|| {
            CheckError::UnknownPermission(resource_type.into(), permission.into())
        })?;
        Ok((type_id, name))
    }

    /// The ids of a subject type and of its relation ([`NO_RELATION`] for
    /// none): a type of the schema, and a relation or permission of it.
    fn validate_subject(
        &self,
        subject_type: &str,
        relation: Option<&str>,
    ) -> Result<(u32, u32), CheckError> {
        let model = &self.index.model;
        let (type_id, members) = (model.definition(subject_type))
            .ok_or_else(|| CheckError::UnknownSubjectType(subject_type.into()))?;
        let Some(relation) = relation else {
            return Ok((type_id, NO_RELATION));
        };
        let relation_id = model.member(members, relation).ok_or_else(|| {
            CheckError::UnknownSubjectRelation(subject_type.into(), relation.into())
        })?;
        Ok((type_id, relation_id))
    }

    /// Whether `subject` has `permission` (or relation) on `resource_type:resource_id`.
    pub fn check<'s>(
        &self,
        resource_type: &str,
        resource_id: &str,
        permission: &str,
        subject: impl Into<SubjectRef<'s>>,
    ) -> Result<bool, CheckError> {
        let subject = subject.into();
        let (type_id, name) = self.validate(resource_type, permission)?;
        let (subject_type, relation) =
            self.validate_subject(subject.object_type, subject.relation)?;
        let target = IdSubject {
            object_type: subject_type,
            object_id: self.id(subject.object_id),
            relation,
        };
        {
            let mut memo = self.memo.borrow_mut();
            memo.earlier = memo.earlier.saturating_add(memo.visits);
            memo.visits = 0;
            if memo.earlier >= self.budget {
                return Err(CheckError::BudgetSpent(self.budget));
            }
            memo.limit = MAX_VISITS.min(self.stop_after.saturating_sub(memo.earlier));
            if !memo.answers.is_empty() {
                memo.answers.clear();
            }
        }
        if let Some(trace) = &self.trace {
            let mut tracer = trace.borrow_mut();
            tracer.recorded = 0;
            tracer.cut = false;
        }
        let mut path = Path::new();
        self.visit((type_id, self.id(resource_id), name), target, 0, &mut path)
    }

    /// Why a check that visited more than `limit` nodes ends.
    #[cold]
    fn past_limit(&self, limit: usize) -> CheckError {
        if limit < MAX_VISITS {
            self.stopped.set(true);
            CheckError::Stopped(self.stop_after)
        } else {
            CheckError::TooManyVisits
        }
    }

    /// The interned id of `name`, or one of this checker's own.
    fn id(&self, name: &str) -> u32 {
        if let Some(id) = self.index.names.get(name) {
            return id;
        }
        let mut extra = self.extra_names.borrow_mut();
        let at = match extra.iter().position(|n| n == name) {
            Some(at) => at,
            None => {
                extra.push(name.to_owned());
                extra.len() - 1
            }
        };
        NO_RELATION - 1 - at as u32
    }

    /// The name behind an id from [`Checker::id`].
    fn name_of(&self, id: u32) -> String {
        match self.index.names.names.get(id as usize) {
            Some(name) => name.as_str().to_owned(),
            None => self.extra_names.borrow()[(NO_RELATION - 1 - id) as usize].clone(),
        }
    }

    /// Whether `target` has `node`'s relation or permission on its object.
    fn visit(
        &self,
        node: IdKey,
        target: IdSubject,
        depth: usize,
        path: &mut Path,
    ) -> Result<bool, CheckError> {
        let Some(trace) = &self.trace else {
            return self.visit_untraced(node, target, depth, path);
        };
        {
            let mut tracer = trace.borrow_mut();
            if tracer.recorded >= MAX_TRACE_STEPS {
                tracer.cut = true;
                drop(tracer);
                return self.visit_untraced(node, target, depth, path);
            }
            tracer.recorded += 1;
        }
        let (t, id, name) = node;
        let step = format!(
            "{}:{}#{}",
            self.name_of(t),
            self.name_of(id),
            self.name_of(name)
        );
        trace.borrow_mut().open.push(TraceNode {
            step,
            granted: false,
            children: Vec::new(),
        });
        let result = self.visit_untraced(node, target, depth, path);
        let mut tracer = trace.borrow_mut();
        if let Some(mut node) = tracer.open.pop() {
            node.granted = matches!(result, Ok(true));
            match tracer.open.last_mut() {
                Some(parent) => parent.children.push(node),
                None => tracer.root = Some(node),
            }
        }
        result
    }

    fn visit_untraced(
        &self,
        node: IdKey,
        target: IdSubject,
        depth: usize,
        path: &mut Path,
    ) -> Result<bool, CheckError> {
        if depth > MAX_DEPTH {
            return Err(CheckError::DepthExceeded);
        }
        let (object_type, object_id, name) = node;
        // The subject set itself: `group:eng#member` has `member` on `group:eng`.
        if target.relation == name
            && target.object_type == object_type
            && target.object_id == object_id
        {
            return Ok(true);
        }
        if path.contains(&node) {
            // A cycle: this node is already being evaluated.
            self.memo.borrow_mut().cuts += 1;
            return Ok(false);
        }
        let cuts = {
            let mut memo = self.memo.borrow_mut();
            memo.visits += 1;
            if memo.visits > memo.limit {
                return Err(self.past_limit(memo.limit));
            }
            if memo.visits <= self.memo_after {
                None
            } else if let Some(&answer) = memo.answers.get(&(node, target)) {
                drop(memo);
                // The node's step is the last one open, unless the trace
                // was cut before it (then it has none).
                if let Some(trace) = &self.trace {
                    let mut tracer = trace.borrow_mut();
                    if !tracer.cut {
                        if let Some(open) = tracer.open.last_mut() {
                            open.step.push_str(" (as evaluated before in this check)");
                        }
                    }
                }
                return Ok(answer);
            } else {
                Some(memo.cuts)
            }
        };
        let member = self
            .index
            .model
            .definitions
            .get(&object_type)
            .and_then(|members| members.get(&name));
        path.push(node);
        let result = match member {
            None => Ok(false),
            Some(Member::Permission(op)) => {
                self.op(object_type, object_id, op, target, depth + 1, path)
            }
            Some(Member::Relation) => self.relation(node, target, depth, path),
        };
        path.pop();
        if let (Some(cuts), Ok(answer)) = (cuts, &result) {
            let mut memo = self.memo.borrow_mut();
            if memo.cuts == cuts {
                memo.answers.insert((node, target), *answer);
            }
        }
        result
    }

    /// Whether one of the live subjects stored under `node` is `target` or
    /// leads to it.
    fn relation(
        &self,
        node: IdKey,
        target: IdSubject,
        depth: usize,
        path: &mut Path,
    ) -> Result<bool, CheckError> {
        let live = |expiry: i64| expiry > self.now_ms;
        let wildcard = self.index.model.wildcard;
        // A plain target is granted directly by itself or its type's wildcard.
        let plain = target.relation == NO_RELATION;
        let direct = |stored: &IdSubject| {
            plain
                && stored.relation == NO_RELATION
                && stored.object_type == target.object_type
                && (stored.object_id == target.object_id || stored.object_id == wildcard)
        };
        match self.index.slot(node) {
            None => Ok(false),
            Some(Slot::One(stored, expiry)) => {
                Ok(live(*expiry) && self.reaches(*stored, target, depth, path)?)
            }
            Some(Slot::Few(subjects)) => {
                if subjects.iter().any(|(s, e)| direct(s) && live(*e)) {
                    return Ok(true);
                }
                any_of(
                    subjects
                        .iter()
                        .filter(|(stored, expiry)| stored.relation != NO_RELATION && live(*expiry))
                        .map(|(stored, _)| self.reaches(*stored, target, depth, path)),
                )
            }
            Some(Slot::Many(members)) => {
                if plain {
                    // The direct grants by lookup, not by scanning them all.
                    let object = (target.object_type, target.object_id);
                    let everyone = (target.object_type, wildcard);
                    if members.plain.get(&object).is_some_and(|e| live(*e))
                        || members.plain.get(&everyone).is_some_and(|e| live(*e))
                    {
                        return Ok(true);
                    }
                }
                any_of(
                    (members.sets.iter())
                        .filter(|(_, expiry)| live(*expiry))
                        .map(|(stored, _)| self.reaches(*stored, target, depth, path)),
                )
            }
        }
    }

    /// Whether a stored subject is `target` (or its type's wildcard), or, as
    /// a subject set, contains it.
    fn reaches(
        &self,
        stored: IdSubject,
        target: IdSubject,
        depth: usize,
        path: &mut Path,
    ) -> Result<bool, CheckError> {
        if stored.relation == NO_RELATION {
            return Ok(target.relation == NO_RELATION
                && stored.object_type == target.object_type
                && (stored.object_id == target.object_id
                    || stored.object_id == self.index.model.wildcard));
        }
        self.visit(
            (stored.object_type, stored.object_id, stored.relation),
            target,
            depth + 1,
            path,
        )
    }

    /// Where an arrow through `relation` leads: `name` on each live plain
    /// object it names (the schema allows no others through an arrow);
    /// `None` when it names nothing.
    fn hops(&self, relation: IdKey, name: u32) -> Option<impl Iterator<Item = IdKey> + '_> {
        let slot = self.index.slot(relation)?;
        let wildcard = self.index.model.wildcard;
        Some(
            (slot.iter())
                .filter(move |&(stored, expiry)| {
                    expiry > self.now_ms
                        && stored.relation == NO_RELATION
                        && stored.object_id != wildcard
                })
                .map(move |(stored, _)| (stored.object_type, stored.object_id, name)),
        )
    }

    fn op(
        &self,
        object_type: u32,
        object_id: u32,
        op: &Op,
        target: IdSubject,
        depth: usize,
        path: &mut Path,
    ) -> Result<bool, CheckError> {
        match op {
            Op::Ref(name) => self.visit((object_type, object_id, *name), target, depth, path),
            Op::Arrow(relation, name) => {
                let Some(hops) = self.hops((object_type, object_id, *relation), *name) else {
                    return Ok(false);
                };
                any_of(hops.map(|hop| self.visit(hop, target, depth + 1, path)))
            }
            Op::ArrowAll(relation, name) => {
                let Some(hops) = self.hops((object_type, object_id, *relation), *name) else {
                    return Ok(false);
                };
                let mut any = false;
                let every = all_of(hops.map(|hop| {
                    any = true;
                    self.visit(hop, target, depth + 1, path)
                }))?;
                Ok(every && any)
            }
            Op::Union(items) => any_of(
                (items.iter())
                    .map(|item| self.op(object_type, object_id, item, target, depth, path)),
            ),
            Op::Intersection(items) => all_of(
                (items.iter())
                    .map(|item| self.op(object_type, object_id, item, target, depth, path)),
            ),
            Op::Exclusion(base, minus) => {
                let base = match self.op(object_type, object_id, base, target, depth, path) {
                    Ok(false) => return Ok(false),
                    granted_or_failed => granted_or_failed,
                };
                match (
                    base,
                    self.op(object_type, object_id, minus, target, depth, path),
                ) {
                    // Excluded is proven, whatever the base failed with.
                    (_, Ok(true)) => Ok(false),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                    (Ok(_), Ok(false)) => Ok(true),
                }
            }
            Op::Nil => Ok(false),
        }
    }
}

/// Whether one of `answers` is true. A true one is proven whatever another
/// alternative failed with, so a path too deep is the answer only when no
/// alternative is true: the answer does not depend on the order the schema
/// or the data list the alternatives in. The alternatives after a true one
/// are not evaluated. Running out of steps ends the check at once: every
/// later step would fail the same way.
fn any_of(answers: impl Iterator<Item = Result<bool, CheckError>>) -> Result<bool, CheckError> {
    first_proven(answers, true)
}

/// Whether all of `answers` are true: [`any_of`] turned around, a false one
/// is proven whatever another failed with.
fn all_of(answers: impl Iterator<Item = Result<bool, CheckError>>) -> Result<bool, CheckError> {
    first_proven(answers, false).map(|found_false| !found_false)
}

/// Whether one of `answers` is `proof`, as [`any_of`] reads them.
fn first_proven(
    answers: impl Iterator<Item = Result<bool, CheckError>>,
    proof: bool,
) -> Result<bool, CheckError> {
    let mut too_deep = None;
    for answer in answers {
        match answer {
            Ok(answer) if answer == proof => return Ok(true),
            Ok(_) => {}
            Err(CheckError::DepthExceeded) => too_deep = Some(CheckError::DepthExceeded),
            Err(e) => return Err(e),
        }
    }
    too_deep.map_or(Ok(false), Err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::schema::tests::DRIVE;
    use crate::authz::schema::{parse, MAX_EXPRESSION_DEPTH};

    fn tuple(text: &str) -> Tuple {
        // document:readme#viewer@group:eng#member
        let (resource, subject) = text.split_once('@').unwrap();
        let (object, relation) = resource.split_once('#').unwrap();
        let (resource_type, resource_id) = object.split_once(':').unwrap();
        let (subject_object, subject_relation) = match subject.split_once('#') {
            Some((o, r)) => (o, Some(r.to_owned())),
            None => (subject, None),
        };
        let (st, sid) = subject_object.split_once(':').unwrap();
        Tuple {
            resource_type: resource_type.into(),
            resource_id: resource_id.into(),
            relation: relation.into(),
            subject: Subject {
                object_type: st.into(),
                object_id: sid.into(),
                relation: subject_relation,
            },
        }
    }

    /// A small deterministic generator: each call `below(n)` gives a number in `0..n`.
    fn random_below(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |n| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        }
    }

    /// An index on the Drive schema holding `tuples`.
    fn index(tuples: &[&str]) -> Index {
        let mut index = Index::default();
        index.set_schema(&parse(DRIVE).unwrap());
        for t in tuples {
            index.insert(tuple(t), None);
        }
        index
    }

    fn user(id: &str) -> Subject {
        Subject::object("user", id)
    }

    #[test]
    fn drive_model_answers() {
        let index = index(&[
            "group:eng#member@user:alice",
            "group:eng#member@group:leads#member",
            "group:leads#member@user:lena",
            "folder:root#viewer@group:eng#member",
            "folder:a#parent@folder:root",
            "folder:b#parent@folder:a",
            "folder:c#parent@folder:b",
            "folder:d#parent@folder:c",
            "document:deep#parent@folder:d",
            "document:deep#banned@user:alice",
            "document:readme#owner@user:olga",
            "document:readme#viewer@user:victor",
            "document:readme#editor@user:victor",
            "document:public#viewer@user:*",
        ]);
        let c = Checker::new(&index, 0);
        let check = |res: &str, perm: &str, who: &str| {
            let (t, id) = res.split_once(':').unwrap();
            c.check(t, id, perm, &user(who)).unwrap()
        };
        // Arrows through five folder levels, nested groups.
        assert!(check("document:deep", "view", "lena"));
        // Exclusion: alice is an eng member but banned on this document.
        assert!(!check("document:deep", "view", "alice"));
        assert!(check("folder:d", "view", "alice"));
        // Union of owner and editor; intersection of edit and viewer.
        assert!(check("document:readme", "edit", "olga"));
        assert!(
            !check("document:readme", "audit", "olga"),
            "olga edits but is not a viewer"
        );
        assert!(check("document:readme", "audit", "victor"));
        // Wildcard.
        assert!(check("document:public", "view", "anyone"));
        assert!(!check("document:readme", "view", "anyone"));
        // A subject set as the subject.
        assert!(c
            .check(
                "folder",
                "root",
                "view",
                &Subject::set("group", "eng", "member")
            )
            .unwrap());
        // Unknown names are errors, not denials.
        assert_eq!(
            c.check("nope", "x", "view", &user("a")),
            Err(CheckError::UnknownType("nope".into()))
        );
        assert!(matches!(
            c.check("document", "x", "delete", &user("a")),
            Err(CheckError::UnknownPermission(..))
        ));
    }

    #[test]
    fn slots_count_exactly_as_they_grow_and_shrink() {
        let mut index = Index::default();
        index.insert(tuple("group:g#member@user:a"), None);
        index.insert(tuple("group:g#member@user:a"), Some(5));
        assert_eq!(
            (index.len(), index.slot_len("group", "g", "member")),
            (1, 1)
        );
        index.insert(tuple("group:g#member@user:b"), None);
        index.insert(tuple("group:g#member@group:h#member"), None);
        assert_eq!(
            (index.len(), index.slot_len("group", "g", "member")),
            (3, 3)
        );
        assert!(index.remove(&tuple("group:g#member@user:a")));
        assert!(!index.remove(&tuple("group:g#member@user:a")));
        assert!(!index.remove(&tuple("group:g#member@user:never-seen")));
        assert!(index.remove(&tuple("group:g#member@user:b")));
        assert!(index.remove(&tuple("group:g#member@group:h#member")));
        assert_eq!(
            (index.len(), index.slot_len("group", "g", "member")),
            (0, 0)
        );
        assert!(index.is_empty());
        index.insert(tuple("group:g#member@user:c"), Some(10));
        index.insert(tuple("group:g#member@user:d"), None);
        index.insert(tuple("group:x#member@user:e"), Some(10));
        assert_eq!(index.prune_expired(10), 2);
        assert_eq!(index.len(), 1);
        assert_eq!(
            index
                .matching(
                    &RelationshipFilter {
                        resource_type: "group".into(),
                        ..Default::default()
                    },
                    0,
                    Page::default(),
                )
                .len(),
            1
        );
    }

    #[test]
    fn relations_of_one_object_come_and_go_independently() {
        let mut index = index(&[
            "document:d#owner@user:olga",
            "document:d#viewer@user:vic",
            "document:d#banned@user:bob",
        ]);
        index.insert(tuple("document:d#editor@user:eve"), Some(10));
        let allowed = |index: &Index, who: &str, now: i64| {
            Checker::new(index, now)
                .check("document", "d", "view", &user(who))
                .unwrap()
        };
        assert!(allowed(&index, "olga", 0) && allowed(&index, "vic", 0));
        assert!(allowed(&index, "eve", 0));
        assert!(index.remove(&tuple("document:d#viewer@user:vic")));
        assert!(!allowed(&index, "vic", 0));
        assert!(allowed(&index, "olga", 0), "the other relations stay");
        assert_eq!(index.prune_expired(10), 1);
        assert!(!allowed(&index, "eve", 0));
        assert!(index.remove(&tuple("document:d#owner@user:olga")));
        assert!(index.remove(&tuple("document:d#banned@user:bob")));
        assert!(index.is_empty());
        assert!(
            index.resource_ids("document").is_empty(),
            "no empty object is left behind"
        );
    }

    #[test]
    fn all_needs_the_permission_on_every_live_object_and_at_least_one() {
        let schema = parse(
            "definition user {}\n\
             definition folder { relation viewer: user | user:* }\n\
             definition doc {\n\
               relation parents: folder\n\
               permission in_all = parents.all(viewer)\n\
               permission in_any = parents.any(viewer)\n\
             }",
        )
        .unwrap();
        let mut index = Index::default();
        index.set_schema(&schema);
        for t in [
            "doc:d#parents@folder:f1",
            "folder:f1#viewer@user:both",
            "folder:f2#viewer@user:both",
            "folder:f1#viewer@user:one",
            "folder:f3#viewer@user:*",
            "doc:public#parents@folder:f3",
            "doc:public#parents@folder:f1",
        ] {
            index.insert(tuple(t), None);
        }
        index.insert(tuple("doc:d#parents@folder:f2"), Some(100));
        let ask = |now: i64, doc: &str, permission: &str, who: &str| {
            Checker::new(&index, now)
                .check("doc", doc, permission, &user(who))
                .unwrap()
        };
        assert!(ask(0, "d", "in_all", "both"));
        assert!(!ask(0, "d", "in_all", "one"), "f2 does not grant it");
        assert!(ask(0, "d", "in_any", "one"));
        assert!(
            ask(200, "d", "in_all", "one"),
            "f2's link expired: f1 alone"
        );
        assert!(!ask(0, "nothing", "in_all", "both"), "no parent, no grant");
        assert!(
            ask(0, "public", "in_all", "one"),
            "f3 is public, f1 names one"
        );
        assert!(!ask(0, "public", "in_all", "stranger"));
    }

    #[test]
    fn nil_grants_nothing_wherever_it_stands() {
        let schema = parse(
            "definition user {}\n\
             definition doc {\n\
               relation viewer: user | user:*\n\
               permission none = nil\n\
               permission either = viewer + nil\n\
               permission both = viewer & nil\n\
               permission but = viewer - nil\n\
               permission nil_but = nil - viewer\n\
               permission through = none + (viewer - (nil & viewer))\n\
             }",
        )
        .unwrap();
        let mut index = Index::default();
        index.set_schema(&schema);
        index.insert(tuple("doc:d#viewer@user:alice"), None);
        index.insert(tuple("doc:public#viewer@user:*"), None);
        let checker = Checker::new(&index, 0);
        for (doc, who) in [("d", "alice"), ("public", "anyone")] {
            let ask = |permission: &str| checker.check("doc", doc, permission, &user(who)).unwrap();
            assert!(
                !ask("none") && !ask("both") && !ask("nil_but"),
                "{who} on {doc}"
            );
            assert!(
                ask("either") && ask("but") && ask("through"),
                "{who} on {doc}"
            );
        }
        let resources = |permission: &str| {
            (checker.lookup_resources("doc", permission, &user("alice"), Page::default())).unwrap()
        };
        assert!(resources("none").is_empty() && resources("both").is_empty());
        assert_eq!(resources("but"), ["d", "public"]);
        let subjects = |permission: &str| {
            (checker.lookup_subjects("doc", "d", permission, "user", None, Page::default()))
                .unwrap()
        };
        assert!(subjects("none").is_empty() && subjects("nil_but").is_empty());
        assert_eq!(subjects("either"), ["alice"]);
    }

    #[test]
    fn lookups_walking_the_graph_find_what_checking_everything_finds() {
        // A random Drive: nested (and cyclic) groups, a folder tree, documents
        // with owners, editors, viewers, wildcards and bans; some relationships
        // expire, some are removed again. For every user and group, the
        // resources found by walking up from the subject must be exactly
        // those a check of every object grants.
        let mut below = random_below(7);
        let mut tuples = Vec::new();
        for g in 0..12 {
            for _ in 0..3 {
                tuples.push(format!("group:g{g}#member@user:u{}", below(20)));
            }
            tuples.push(format!("group:g{g}#member@group:g{}#member", below(12)));
        }
        for f in 1..15 {
            tuples.push(format!("folder:f{f}#parent@folder:f{}", below(f)));
            if below(3) == 0 {
                tuples.push(format!("folder:f{f}#viewer@group:g{}#member", below(12)));
            }
        }
        tuples.push("folder:f9#viewer@user:*".into());
        for d in 0..40 {
            tuples.push(format!("document:d{d}#parent@folder:f{}", below(15)));
            tuples.push(format!("document:d{d}#owner@user:u{}", below(20)));
            match below(4) {
                0 => tuples.push(format!("document:d{d}#editor@group:g{}#member", below(12))),
                1 => tuples.push(format!("document:d{d}#viewer@user:u{}", below(20))),
                2 => tuples.push(format!("document:d{d}#banned@group:g{}#member", below(12))),
                _ => tuples.push(format!("document:d{d}#viewer@user:*")),
            }
        }
        let mut index = index(&tuples.iter().map(String::as_str).collect::<Vec<_>>());
        for (i, t) in tuples.iter().enumerate() {
            if i % 9 == 0 {
                index.remove(&tuple(t));
            } else if i % 11 == 0 {
                index.insert(tuple(t), Some(50));
            }
        }
        index.prune_expired(50);
        let checker = Checker::new(&index, 0);
        let mut subjects: Vec<Subject> = (0..21).map(|u| user(&format!("u{u}"))).collect();
        subjects.extend((0..12).map(|g| Subject::set("group", &format!("g{g}"), "member")));
        let mut found = 0;
        for subject in &subjects {
            for (resource_type, permission) in [
                ("document", "view"),
                ("document", "audit"),
                ("folder", "view"),
                ("group", "member"),
            ] {
                let mut expected: Vec<String> = index
                    .resource_ids(resource_type)
                    .into_iter()
                    .filter(|id| {
                        checker
                            .check(resource_type, id, permission, subject)
                            .unwrap()
                    })
                    .map(str::to_owned)
                    .collect();
                // A group set is its own member, relationships or not.
                if resource_type == "group" && subject.relation.is_some() {
                    expected.push(subject.object_id.clone());
                    expected.sort();
                    expected.dedup();
                }
                let looked_up = checker
                    .lookup_resources(resource_type, permission, subject, Page::default())
                    .unwrap();
                let what = format!("{permission} on {resource_type} for {subject:?}");
                assert_eq!(looked_up, expected, "{what}");
                found += expected.len();
                // Page by page, each way a lookup can go: walking the whole
                // way; going through the objects in order at once (and
                // walking after all once 0, 2 or 5 are checked). Each page
                // on its own, and as a stream does, handing a walk made on
                // one page to the next.
                let budgets = [(usize::MAX, 0), (0, 0), (0, 2), (0, 5), (0, usize::MAX)];
                for ((walk, scan), carry) in
                    budgets.into_iter().flat_map(|b| [(b, false), (b, true)])
                {
                    for limit in [1, 3, 7] {
                        let mut paged: Vec<String> = Vec::new();
                        let mut walked = None;
                        loop {
                            let page = Page {
                                after: paged.last().map(String::as_str),
                                limit,
                            };
                            if !carry {
                                walked = None;
                            }
                            let ids = checker
                                .lookup_resources_within(
                                    resource_type,
                                    permission,
                                    subject,
                                    page,
                                    (walk, scan),
                                    &mut walked,
                                )
                                .unwrap();
                            assert!(ids.len() <= limit, "{what}: a page stops at its limit");
                            let last = ids.len() < limit;
                            paged.extend(ids);
                            if last || paged.len() > expected.len() {
                                break;
                            }
                        }
                        assert_eq!(
                            paged, expected,
                            "{what}, {limit} a page, {walk}/{scan}, {carry}"
                        );
                    }
                }
            }
        }
        assert!(found > 100, "the data grants enough to test: {found}");

        // Downwards from each resource: every subject found holds the
        // permission, and every subject holding it is found or covered by `*`
        // (which covers every subject but its exclusions).
        let (mut found, mut exclusions) = (0, 0);
        for (resource_type, count) in [("document", 40), ("folder", 15)] {
            let prefix = &resource_type[..1];
            for i in 0..count {
                let id = format!("{prefix}{i}");
                for (subject_type, relation, candidates) in [
                    (
                        "user",
                        None,
                        (0..21).map(|u| format!("u{u}")).collect::<Vec<_>>(),
                    ),
                    (
                        "group",
                        Some("member"),
                        (0..12).map(|g| format!("g{g}")).collect(),
                    ),
                ] {
                    let looked_up = checker
                        .lookup_subjects(
                            resource_type,
                            &id,
                            "view",
                            subject_type,
                            relation,
                            Page::default(),
                        )
                        .unwrap();
                    assert!(looked_up.is_sorted(), "in id order");
                    // Page by page, each page on its own and as a stream
                    // does, handing the walk on.
                    for (limit, carry) in [(1, false), (3, false), (1, true), (3, true)] {
                        let (mut paged, mut walked) = (Vec::<String>::new(), None);
                        loop {
                            if !carry {
                                walked = None;
                            }
                            let page = Page {
                                after: paged.last().map(String::as_str),
                                limit,
                            };
                            let ids = checker
                                .lookup_subjects_in_stream(
                                    (resource_type, &id),
                                    "view",
                                    (subject_type, relation),
                                    page,
                                    &mut walked,
                                )
                                .unwrap();
                            assert!(ids.len() <= limit);
                            let last = ids.len() < limit;
                            paged.extend(ids);
                            if last || paged.len() > looked_up.len() {
                                break;
                            }
                        }
                        assert_eq!(paged, looked_up, "{limit} a page, {carry}");
                    }
                    let wildcard = looked_up.iter().any(|s| s == "*");
                    let mut walked = None;
                    checker
                        .lookup_subjects_in_stream(
                            (resource_type, &id),
                            "view",
                            (subject_type, relation),
                            Page::default(),
                            &mut walked,
                        )
                        .unwrap();
                    let excluded = checker
                        .wildcard_exclusions((resource_type, &id), "view", subject_type, &walked)
                        .unwrap();
                    assert!(excluded.is_sorted(), "in id order");
                    exclusions += excluded.len() * usize::from(wildcard);
                    for candidate in &candidates {
                        let subject = Subject {
                            object_type: subject_type.into(),
                            object_id: candidate.clone(),
                            relation: relation.map(str::to_owned),
                        };
                        let granted = checker.check(resource_type, &id, "view", &subject).unwrap();
                        let listed = looked_up.contains(candidate);
                        assert!(
                            !listed || granted,
                            "{subject:?} listed on {resource_type}:{id} without the permission"
                        );
                        // `u20` is in no relationship: `*` alone decides it.
                        let covered = wildcard && !excluded.contains(candidate);
                        assert_eq!(
                            granted,
                            listed || covered,
                            "{subject:?} on {resource_type}:{id}: listed {listed}, \
                             covered by `*` {covered}"
                        );
                        found += usize::from(listed);
                    }
                }
            }
        }
        assert!(found > 100, "the data grants enough to test: {found}");
        assert!(exclusions > 0, "some wildcard grants leave subjects out");
    }

    #[test]
    fn a_subject_in_many_resources_is_read_and_removed_as_one_in_few() {
        // `user:pub` is the viewer of 300 documents and the editor of every
        // third: past FEW_HOLDERS its resources are counted in a map. Reads
        // by subject and lookups must find exactly the documents still
        // holding it, through every removal, down to none.
        let mut index = index(&[]);
        let mut stored: BTreeSet<(usize, &str)> = BTreeSet::new();
        let relationship =
            |d: usize, relation: &str| tuple(&format!("document:d{d:03}#{relation}@user:pub"));
        for d in 0..300 {
            index.insert(relationship(d, "viewer"), None);
            stored.insert((d, "viewer"));
            if d % 3 == 0 {
                index.insert(relationship(d, "editor"), None);
                stored.insert((d, "editor"));
            }
        }
        let key = |index: &Index| {
            (
                index.names.get("user").unwrap(),
                index.names.get("pub").unwrap(),
            )
        };
        assert!(matches!(index.by_subject[&key(&index)], Holders::Many(_)));
        let filter = RelationshipFilter {
            resource_type: "document".into(),
            subject_type: Some("user".into()),
            subject_id: Some("pub".into()),
            ..Default::default()
        };
        let removals: Vec<(usize, &str)> = (0..300)
            .flat_map(|d| [(d, "viewer"), (d, "editor")])
            .filter(|r| stored.contains(r))
            .collect();
        for (step, (d, relation)) in removals.iter().enumerate() {
            if step % 37 == 0 {
                let read: Vec<(usize, String)> = index
                    .matching(&filter, 0, Page::default())
                    .into_iter()
                    .map(|(_, t, _)| (t.resource_id[1..].parse().unwrap(), t.relation))
                    .collect();
                let expected: Vec<(usize, String)> =
                    stored.iter().map(|(d, r)| (*d, r.to_string())).collect();
                let mut read_sorted = read.clone();
                read_sorted.sort();
                assert_eq!(read_sorted, expected, "after {step} removals");
                let looked_up = Checker::new(&index, 0)
                    .lookup_resources("document", "view", &user("pub"), Page::default())
                    .unwrap();
                let holding: BTreeSet<String> =
                    stored.iter().map(|(d, _)| format!("d{d:03}")).collect();
                assert_eq!(
                    looked_up,
                    holding.into_iter().collect::<Vec<_>>(),
                    "after {step}"
                );
            }
            assert!(index.remove(&relationship(*d, relation)));
            stored.remove(&(*d, *relation));
        }
        assert!(index.is_empty());
        assert!(index.by_subject.is_empty(), "no subject is left listed");
    }

    #[test]
    fn reading_relationships_pages_through_exactly_those_that_match() {
        // Random relationships on documents, folders and groups, some
        // expiring, some removed again; for each filter, reading page by page
        // gives exactly the live matching relationships, in cursor order.
        let mut below = random_below(5);
        let mut index = index(&[]);
        let mut stored: HashMap<Tuple, Option<i64>> = HashMap::default();
        for round in 0..600 {
            let text = match below(4) {
                0 => format!("document:d{}#viewer@user:u{}", below(30), below(8)),
                1 => format!("document:d{}#editor@group:g{}#member", below(30), below(4)),
                2 => format!("folder:f{}#viewer@user:u{}", below(10), below(8)),
                _ => format!("group:g{}#member@user:u{}", below(4), below(8)),
            };
            let t = tuple(&text);
            if round % 5 == 4 {
                index.remove(&t);
                stored.remove(&t);
            } else {
                let expiry = (below(6) == 0).then_some(100);
                index.insert(t.clone(), expiry);
                stored.insert(t, expiry);
            }
        }
        let filter = |resource_type: &str| RelationshipFilter {
            resource_type: resource_type.into(),
            ..Default::default()
        };
        let filters = [
            filter("document"),
            filter("folder"),
            filter("nothing"),
            RelationshipFilter {
                relation: Some("editor".into()),
                ..filter("document")
            },
            RelationshipFilter {
                resource_id: Some("d7".into()),
                ..filter("document")
            },
            RelationshipFilter {
                subject_type: Some("user".into()),
                subject_id: Some("u3".into()),
                ..filter("document")
            },
            RelationshipFilter {
                subject_type: Some("user".into()),
                subject_id: Some("nobody".into()),
                ..filter("document")
            },
            RelationshipFilter {
                subject_relation: Some(String::new()),
                ..filter("document")
            },
            RelationshipFilter {
                subject_type: Some("group".into()),
                subject_relation: Some("member".into()),
                ..filter("document")
            },
        ];
        let mut read = 0;
        for now in [0, 100] {
            for filter in &filters {
                let mut expected: Vec<(String, Tuple, Option<i64>)> = stored
                    .iter()
                    .filter(|(t, expiry)| expiry.is_none_or(|e| e > now) && filter.matches(t))
                    .map(|(t, expiry)| (cursor_key(t), t.clone(), *expiry))
                    .collect();
                expected.sort_by(|a, b| a.0.cmp(&b.0));
                read += expected.len();
                let all = index.matching(filter, now, Page::default());
                assert_eq!(all, expected, "{filter:?} at {now}");
                for limit in [1, 4] {
                    let mut paged: Vec<(String, Tuple, Option<i64>)> = Vec::new();
                    loop {
                        let after = paged.last().map(|(key, _, _)| key.as_str());
                        let rows = index.matching(filter, now, Page { after, limit });
                        assert!(rows.len() <= limit, "a page stops at its limit");
                        let last = rows.len() < limit;
                        paged.extend(rows);
                        if last || paged.len() > expected.len() {
                            break;
                        }
                    }
                    assert_eq!(paged, expected, "{filter:?} at {now}, {limit} a page");
                }
            }
        }
        assert!(read > 300, "the filters match enough to test: {read}");
    }

    #[test]
    fn listings_hold_each_object_once_in_id_order_as_objects_come_and_go() {
        // Objects created, removed and created again, with reads in between
        // (each sorts what was added since) and without: a read lists every
        // object of the type once, in id order, and nothing that is gone.
        let mut below = random_below(11);
        let mut index = index(&[]);
        let document = index.names.get("document").expect("a schema type");
        for round in 0..500 {
            let t = tuple(&format!(
                "document:d{}#viewer@user:u{}",
                below(60),
                below(3)
            ));
            // Mostly created at first, mostly removed later.
            let removing = if round < 250 {
                below(4) == 0
            } else {
                below(4) != 0
            };
            if removing {
                index.remove(&t);
            } else {
                index.insert(t, None);
            }
            if round % 7 == 0 || below(4) == 0 {
                let listed = index.listed(document);
                let mut unique = listed.to_vec();
                unique.sort_unstable();
                unique.dedup();
                assert_eq!(unique.len(), listed.len(), "no object is listed twice");
                let live: Vec<&str> = listed
                    .iter()
                    .filter(|&&id| index.holds(document, id))
                    .map(|&id| index.names.name(id))
                    .collect();
                let expected: Vec<&str> = index.resource_ids("document").into_iter().collect();
                assert_eq!(live, expected, "after {round} changes");
                assert!(
                    listed.len() - live.len() <= listed.len() / 4,
                    "gone objects are dropped once they are many: {} listed, {} live",
                    listed.len(),
                    live.len()
                );
            }
        }
    }

    #[test]
    fn one_id_shared_by_several_types_keeps_each_objects_relations() {
        // `x` is a folder (found through the id) and a document (in the map
        // for other types). The folder goes and comes back while the
        // document keeps its relations, and the other way round.
        let mut index = index(&["folder:x#viewer@user:fay", "document:x#viewer@user:dan"]);
        assert!(index.remove(&tuple("folder:x#viewer@user:fay")));
        index.insert(tuple("document:x#owner@user:olga"), None);
        index.insert(tuple("folder:x#viewer@user:finn"), None);
        let c = Checker::new(&index, 0);
        for (t, who, allowed) in [
            ("document", "dan", true),
            ("document", "olga", true),
            ("document", "finn", false),
            ("folder", "finn", true),
            ("folder", "fay", false),
            ("folder", "dan", false),
        ] {
            assert_eq!(
                c.check(t, "x", "view", &user(who)),
                Ok(allowed),
                "{t}:x for {who}"
            );
        }
        assert!(index.remove(&tuple("document:x#viewer@user:dan")));
        assert!(index.remove(&tuple("document:x#owner@user:olga")));
        assert_eq!((index.len(), index.resource_ids("document").len()), (1, 0));
        assert_eq!(
            index.resource_ids("folder").into_iter().collect::<Vec<_>>(),
            ["x"]
        );
    }

    /// The schema's semantics read straight off a list of relationships:
    /// slow and obviously right, to hold the index's layouts to.
    struct Naive<'a> {
        schema: &'a Schema,
        tuples: &'a HashMap<Tuple, i64>,
        now_ms: i64,
    }

    impl Naive<'_> {
        fn check(
            &self,
            node: (&str, &str, &str),
            target: &Subject,
            path: &mut Vec<String>,
        ) -> bool {
            let (t, id, name) = node;
            if target.relation.as_deref() == Some(name)
                && target.object_type == t
                && target.object_id == id
            {
                return true;
            }
            let key = format!("{t}:{id}#{name}");
            if path.contains(&key) {
                return false;
            }
            let Some(definition) = self.schema.definitions.get(t) else {
                return false;
            };
            path.push(key);
            let granted = if let Some(expr) = definition.permissions.get(name) {
                self.expr(t, id, expr, target, path)
            } else {
                self.live(t, id, name).any(|s| match &s.relation {
                    None => {
                        target.relation.is_none()
                            && s.object_type == target.object_type
                            && (s.object_id == target.object_id || s.object_id == "*")
                    }
                    Some(r) => self.check((&s.object_type, &s.object_id, r), target, path),
                })
            };
            path.pop();
            granted
        }

        fn live<'s>(
            &'s self,
            t: &'s str,
            id: &'s str,
            relation: &'s str,
        ) -> impl Iterator<Item = &'s Subject> {
            self.tuples
                .iter()
                .filter(move |(k, e)| {
                    **e > self.now_ms
                        && k.resource_type == t
                        && k.resource_id == id
                        && k.relation == relation
                })
                .map(|(k, _)| &k.subject)
        }

        fn expr(
            &self,
            t: &str,
            id: &str,
            expr: &Expr,
            target: &Subject,
            path: &mut Vec<String>,
        ) -> bool {
            match expr {
                Expr::Ref(name) => self.check((t, id, name), target, path),
                Expr::Arrow(relation, name) => {
                    let parents: Vec<Subject> = self.live(t, id, relation).cloned().collect();
                    parents.iter().any(|p| {
                        p.relation.is_none()
                            && p.object_id != "*"
                            && self.check((&p.object_type, &p.object_id, name), target, path)
                    })
                }
                Expr::ArrowAll(relation, name) => {
                    let parents: Vec<Subject> = (self.live(t, id, relation))
                        .filter(|p| p.relation.is_none() && p.object_id != "*")
                        .cloned()
                        .collect();
                    !parents.is_empty()
                        && parents
                            .iter()
                            .all(|p| self.check((&p.object_type, &p.object_id, name), target, path))
                }
                Expr::Union(items) => items.iter().any(|e| self.expr(t, id, e, target, path)),
                Expr::Intersection(items) => {
                    items.iter().all(|e| self.expr(t, id, e, target, path))
                }
                Expr::Exclusion(base, minus) => {
                    self.expr(t, id, base, target, path) && !self.expr(t, id, minus, target, path)
                }
                Expr::Nil => false,
            }
        }
    }

    #[test]
    fn checks_answer_as_the_schema_reads_on_every_layout() {
        // Random data that puts every storage layout to work: slots of one,
        // a few and many subjects (large groups, with subject sets among
        // their members), one id naming a group, a folder and a document at
        // once, removals that empty and refill slots and objects, and expiry.
        // Every check must answer as the naive reading of the schema does.
        let schema = parse(DRIVE).unwrap();
        let mut below = random_below(11);
        let mut all = Vec::new();
        for g in 0..12 {
            let size = [2, 5, 14, 30][below(4) as usize];
            for _ in 0..size {
                all.push(format!("group:x{g}#member@user:u{}", below(60)));
            }
            for _ in 0..below(3) {
                all.push(format!("group:x{g}#member@group:x{}#member", below(12)));
            }
        }
        for f in 1..10 {
            all.push(format!("folder:x{f}#parent@folder:x{}", below(f)));
            for _ in 0..below(3) {
                all.push(format!("folder:x{f}#viewer@group:x{}#member", below(12)));
            }
            if below(4) == 0 {
                all.push(format!("folder:x{f}#viewer@user:u{}", below(60)));
            }
        }
        all.push("folder:x4#viewer@user:*".into());
        for d in 0..12 {
            all.push(format!("document:x{d}#parent@folder:x{}", below(10)));
            all.push(format!("document:x{d}#owner@user:u{}", below(60)));
            for _ in 0..[0, 1, 3, 20][below(4) as usize] {
                all.push(format!("document:x{d}#viewer@user:u{}", below(60)));
            }
            match below(4) {
                0 => all.push(format!("document:x{d}#editor@group:x{}#member", below(12))),
                1 => all.push(format!("document:x{d}#banned@group:x{}#member", below(12))),
                2 => all.push(format!("document:x{d}#viewer@user:*")),
                _ => all.push(format!("document:x{d}#banned@user:u{}", below(60))),
            }
        }
        let mut index = Index::default();
        index.set_schema(&schema);
        let mut stored: HashMap<Tuple, i64> = HashMap::default();
        for (i, text) in all.iter().enumerate() {
            let t = tuple(text);
            let expiry = (i % 7 == 0).then_some(50);
            index.insert(t.clone(), expiry);
            stored.insert(t, expiry.unwrap_or(NEVER));
        }
        for (i, text) in all.iter().enumerate() {
            let t = tuple(text);
            if i % 5 == 0 {
                assert_eq!(index.remove(&t), stored.remove(&t).is_some());
            }
        }
        // Refill some: a removed relationship comes back, some with a new expiry.
        for (i, text) in all.iter().enumerate().filter(|(i, _)| i % 10 == 0) {
            let t = tuple(text);
            let expiry = (i % 20 == 0).then_some(50);
            index.insert(t.clone(), expiry);
            stored.insert(t, expiry.unwrap_or(NEVER));
        }
        assert_eq!(index.len(), stored.len());
        let mut subjects: Vec<Subject> = (0..60).map(|u| user(&format!("u{u}"))).collect();
        subjects.extend((0..12).map(|g| Subject::set("group", &format!("x{g}"), "member")));
        let questions = [
            ("document", "view"),
            ("document", "edit"),
            ("document", "audit"),
            ("document", "viewer"),
            ("folder", "view"),
            ("group", "member"),
        ];
        let mut granted = 0;
        let mut compare = |index: &Index, now_ms: i64| {
            let checker = Checker::new(index, now_ms);
            // Remembering every answer from the first visit, cycles and all.
            let remembering = Checker::new(index, now_ms).remembering_after(0);
            let naive = Naive {
                schema: &schema,
                tuples: &stored,
                now_ms,
            };
            for (t, permission) in questions {
                for i in 0..12 {
                    let id = format!("x{i}");
                    for subject in &subjects {
                        let expected = naive.check((t, &id, permission), subject, &mut Vec::new());
                        assert_eq!(
                            checker.check(t, &id, permission, subject),
                            Ok(expected),
                            "{t}:{id}#{permission} for {subject:?} at {now_ms}"
                        );
                        assert_eq!(
                            remembering.check(t, &id, permission, subject),
                            Ok(expected),
                            "{t}:{id}#{permission} for {subject:?} at {now_ms}, remembering"
                        );
                        granted += usize::from(expected);
                    }
                }
            }
        };
        compare(&index, 0);
        compare(&index, 50);
        index.prune_expired(50);
        compare(&index, 50);
        assert!(granted > 1_000, "the data grants enough to test: {granted}");
    }

    #[test]
    fn group_cycles_terminate_with_exact_answers() {
        let index = index(&[
            "group:a#member@group:b#member",
            "group:b#member@group:c#member",
            "group:c#member@group:a#member",
            "group:c#member@user:carol",
            "document:d#viewer@group:a#member",
        ]);
        let c = Checker::new(&index, 0);
        assert!(c.check("document", "d", "view", &user("carol")).unwrap());
        assert!(!c.check("document", "d", "view", &user("mallory")).unwrap());
        assert!(c.check("group", "b", "member", &user("carol")).unwrap());
        // A cycle through arrows and permissions (folders that are each
        // other's parent) ends as well, with the exact answer.
        let index = super::tests::index(&[
            "folder:x#parent@folder:y",
            "folder:y#parent@folder:x",
            "folder:y#viewer@user:vera",
        ]);
        let c = Checker::new(&index, 0);
        assert_eq!(c.check("folder", "x", "view", &user("vera")), Ok(true));
        assert_eq!(c.check("folder", "x", "view", &user("walt")), Ok(false));
        assert_eq!(c.check("folder", "y", "view", &user("walt")), Ok(false));
    }

    #[test]
    fn expired_relationships_are_absent_and_deletes_apply() {
        let schema = parse(DRIVE).unwrap();
        let mut index = Index::default();
        index.set_schema(&schema);
        index.insert(tuple("document:d#viewer@user:tmp"), Some(1_000));
        index.insert(tuple("document:d#viewer@user:kept"), None);
        assert!(Checker::new(&index, 999)
            .check("document", "d", "view", &user("tmp"))
            .unwrap());
        assert!(!Checker::new(&index, 1_000)
            .check("document", "d", "view", &user("tmp"))
            .unwrap());
        assert!(index.remove(&tuple("document:d#viewer@user:kept")));
        assert!(!Checker::new(&index, 0)
            .check("document", "d", "view", &user("kept"))
            .unwrap());
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn depth_limit_is_an_error_not_an_allow() {
        let schema = parse(DRIVE).unwrap();
        let mut index = Index::default();
        index.set_schema(&schema);
        for i in 0..60 {
            index.insert(
                tuple(&format!("folder:f{}#parent@folder:f{i}", i + 1)),
                None,
            );
        }
        index.insert(tuple("folder:f0#viewer@user:root"), None);
        let c = Checker::new(&index, 0);
        assert_eq!(
            c.check("folder", "f60", "view", &user("root")),
            Err(CheckError::DepthExceeded)
        );
        assert!(c.check("folder", "f10", "view", &user("root")).unwrap());
    }

    #[test]
    fn a_path_too_deep_does_not_decide_what_another_proves_in_any_order() {
        let text = "definition user {}\ndefinition folder {\n  relation parent: folder\n  \
            relation viewer: user\n  relation banned: user\n  \
            permission view = viewer + parent->view\n  \
            permission deep_first = parent->view + viewer\n  \
            permission deep_and = parent->view & viewer\n  \
            permission viewer_and = viewer & parent->view\n  \
            permission deep_but = parent->view - banned\n}";
        let mut index = Index::default();
        index.set_schema(&parse(text).unwrap());
        for i in 0..60 {
            let parent = format!("folder:f{}#parent@folder:f{i}", i + 1);
            index.insert(tuple(&parent), None);
        }
        index.insert(tuple("folder:f60#viewer@user:ann"), None);
        index.insert(tuple("folder:f60#banned@user:bob"), None);
        let c = Checker::new(&index, 0);
        let check = |permission: &str, who: &str| c.check("folder", "f60", permission, &user(who));
        // A direct viewer holds the union either way round.
        assert_eq!(check("view", "ann"), Ok(true));
        assert_eq!(check("deep_first", "ann"), Ok(true));
        // Nobody shown not to be a viewer is refused by the intersection,
        // whichever side is listed first.
        assert_eq!(check("deep_and", "carl"), Ok(false));
        assert_eq!(check("viewer_and", "carl"), Ok(false));
        // The banned are excluded whatever the base failed with.
        assert_eq!(check("deep_but", "bob"), Ok(false));
        // Where nothing else decides, too deep is the answer, never a guess.
        for permission in ["view", "deep_first", "deep_but"] {
            assert_eq!(check(permission, "carl"), Err(CheckError::DepthExceeded));
        }
        assert_eq!(check("deep_and", "ann"), Err(CheckError::DepthExceeded));
    }

    #[test]
    fn the_deepest_schema_accepted_checks_within_a_worker_threads_stack() {
        // Permissions chained as deep as a check may go, each an exclusion
        // chain as deep as the parser accepts, with the next permission at
        // the bottom of its left spine: the most frames a check can stack.
        let spine = |next: &str| format!("{next}{}", " - banned".repeat(MAX_EXPRESSION_DEPTH));
        let mut text = String::from("definition user {}\ndefinition doc {\n  relation banned: user\n  relation viewer: user\n");
        for i in 0..MAX_DEPTH + 5 {
            text += &format!("  permission p{i} = {}\n", spine(&format!("p{}", i + 1)));
        }
        text += &format!("  permission p{} = viewer\n}}", MAX_DEPTH + 5);
        let schema = parse(&text).expect("as deep as accepted");
        let mut index = Index::default();
        index.set_schema(&schema);
        index.insert(tuple("doc:d#viewer@user:u"), None);
        // Tokio's worker threads have 2 MiB of stack.
        let answers = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let c = Checker::new(&index, 0).traced();
                let shallow = c.check("doc", "d", &format!("p{}", MAX_DEPTH / 2), &user("u"));
                let deep = c.check("doc", "d", "p0", &user("u"));
                (shallow, deep)
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert_eq!(answers, (Ok(true), Err(CheckError::DepthExceeded)));
    }

    #[test]
    fn long_permission_chains_are_no_deeper_than_a_check() {
        // 100,000 permissions, each the next: reading the schema walks them
        // without recursing; a check stops at its depth limit.
        let chain = 100_000;
        let mut text =
            String::from("definition user {}\ndefinition doc {\n  relation viewer: user\n");
        for i in 0..chain {
            text += &format!("  permission p{i} = p{}\n", i + 1);
        }
        text += &format!("  permission p{chain} = viewer\n}}");
        let answers = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let schema = parse(&text).expect("a long chain");
                let mut index = Index::default();
                index.set_schema(&schema);
                index.insert(tuple("doc:d#viewer@user:u"), None);
                let c = Checker::new(&index, 0);
                let last = format!("p{}", chain - 10);
                (
                    c.check("doc", "d", &last, &user("u")),
                    c.check("doc", "d", "p0", &user("u")),
                )
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert_eq!(answers, (Ok(true), Err(CheckError::DepthExceeded)));
    }

    /// `levels` levels of two groups, each a member of both groups of the
    /// level above (2^levels paths from the top to the bottom), and a user in
    /// one group at the bottom.
    fn diamonds(levels: usize) -> Index {
        let mut index = Index::default();
        index.set_schema(&parse(DRIVE).unwrap());
        for k in 0..levels {
            for (x, y) in [("a", "a"), ("a", "b"), ("b", "a"), ("b", "b")] {
                let t = format!("group:l{k}{x}#member@group:l{}{y}#member", k + 1);
                index.insert(tuple(&t), None);
            }
        }
        index.insert(tuple(&format!("group:l{levels}b#member@user:deep")), None);
        index
    }

    #[test]
    fn a_checker_with_a_budget_starts_no_check_once_it_is_spent() {
        // 8 levels of diamonds with a cycle: nothing is remembered, so a
        // denied check visits hundreds of nodes; a granted one a few.
        let mut index = diamonds(8);
        index.insert(tuple("group:l8a#member@group:l0a#member"), None);
        let (stranger, deep) = (user("stranger"), user("deep"));
        let unlimited = Checker::new(&index, 0);
        assert_eq!(
            unlimited.check("group", "l0a", "member", &stranger),
            Ok(false)
        );
        let denied_costs = unlimited.memo.borrow().visits;
        assert!(denied_costs > 100, "{denied_costs}");
        for _ in 0..50 {
            assert_eq!(
                unlimited.check("group", "l0a", "member", &stranger),
                Ok(false)
            );
        }
        // Two denied checks spend a budget of one and a half: the third
        // check is refused before it starts, whatever it asks, and so is
        // every later one; one that is invalid anyway says so first.
        let budgeted = Checker::new(&index, 0).with_budget(denied_costs * 3 / 2);
        for _ in 0..2 {
            assert_eq!(
                budgeted.check("group", "l0a", "member", &stranger),
                Ok(false)
            );
        }
        for _ in 0..2 {
            assert_eq!(
                budgeted.check("group", "l0a", "member", &deep),
                Err(CheckError::BudgetSpent(denied_costs * 3 / 2))
            );
        }
        assert!(matches!(
            budgeted.check("group", "l0a", "nothing", &deep),
            Err(CheckError::UnknownPermission(..))
        ));
        // Checks that cost little go on long within it.
        let budgeted = Checker::new(&index, 0).with_budget(denied_costs);
        for _ in 0..50 {
            assert_eq!(budgeted.check("group", "l8b", "member", &deep), Ok(true));
        }
    }

    #[test]
    fn a_checker_stopping_after_some_visits_stops_there_and_says_so() {
        // 20 levels of diamonds with a cycle: a denied check would visit
        // past MAX_VISITS; a granted one visits a few dozen.
        let mut index = diamonds(20);
        index.insert(tuple("group:l20a#member@group:l0a#member"), None);
        let (stranger, deep) = (user("stranger"), user("deep"));
        let unlimited = Checker::new(&index, 0);
        assert_eq!(unlimited.check("group", "l0a", "member", &deep), Ok(true));
        let granted_costs = unlimited.memo.borrow().visits;
        assert!(granted_costs < 100, "{granted_costs}");
        assert!(!unlimited.stopped());

        // Checks within the visits answer as an unlimited checker does.
        let stopping = Checker::new(&index, 0).stopping_after(1_000);
        assert_eq!(stopping.check("group", "l0a", "member", &deep), Ok(true));
        assert!(!stopping.stopped());
        // One that goes further stops at the visit past them, mid-check.
        assert_eq!(
            stopping.check("group", "l0a", "member", &stranger),
            Err(CheckError::Stopped(1_000))
        );
        assert_eq!(stopping.memo.borrow().visits, 1_000 - granted_costs + 1);
        assert!(stopping.stopped());
        // Every later check is stopped too, however little it would cost.
        assert_eq!(
            stopping.check("group", "l20b", "member", &deep),
            Err(CheckError::Stopped(1_000))
        );
        assert!(stopping.stopped());

        // Past MAX_VISITS a check fails as it always does: it is not stopped.
        let late = Checker::new(&index, 0).stopping_after(2 * MAX_VISITS);
        assert_eq!(
            late.check("group", "l0a", "member", &stranger),
            Err(CheckError::TooManyVisits)
        );
        assert!(!late.stopped());
        // The second such check would go past the checker's visits first.
        assert_eq!(
            late.check("group", "l0b", "member", &stranger),
            Err(CheckError::Stopped(2 * MAX_VISITS))
        );
        assert_eq!(late.memo.borrow().visits, MAX_VISITS);
        assert!(late.stopped());
    }

    #[test]
    fn a_trace_records_at_most_its_limit_and_says_it_was_cut() {
        // 15 levels of diamonds with a cycle: a denied check visits more
        // than MAX_TRACE_STEPS nodes, none of which can be remembered.
        let mut index = diamonds(15);
        index.insert(tuple("group:l15a#member@group:l0a#member"), None);
        fn steps(node: &TraceNode) -> usize {
            1 + node.children.iter().map(steps).sum::<usize>()
        }
        let checker = Checker::new(&index, 0).traced();
        assert_eq!(
            checker.check("group", "l0a", "member", &user("stranger")),
            Ok(false)
        );
        assert!(checker.memo.borrow().visits > MAX_TRACE_STEPS);
        let trace = checker.take_trace().unwrap();
        assert_eq!(steps(&trace), MAX_TRACE_STEPS);
        assert!(
            trace
                .step
                .ends_with("(trace cut at 10000 steps; the answer counts all)"),
            "{}",
            trace.step
        );
        // The next check on the same checker starts a trace of its own.
        assert_eq!(
            checker.check("group", "l15b", "member", &user("deep")),
            Ok(true)
        );
        let trace = checker.take_trace().unwrap();
        assert_eq!(trace.step, "group:l15b#member");
        assert!(trace.granted);

        // 12 levels: the bottom group, on no cycle, is remembered, and met
        // again past the cut. Only a step in the trace says so, each once.
        let mut index = diamonds(12);
        index.insert(tuple("group:l12a#member@group:l0a#member"), None);
        let checker = Checker::new(&index, 0).traced();
        assert_eq!(
            checker.check("group", "l0b", "member", &user("stranger")),
            Ok(false)
        );
        let trace = checker.take_trace().unwrap();
        assert_eq!(
            trace.step,
            "group:l0b#member (trace cut at 10000 steps; the answer counts all)"
        );
        fn remembered(node: &TraceNode) -> usize {
            let here = node.step.matches("(as evaluated before").count();
            assert!(here <= 1, "{}", node.step);
            here + node.children.iter().map(remembered).sum::<usize>()
        }
        assert!(remembered(&trace) > 0);
    }

    #[test]
    fn diamonds_of_nested_groups_cost_their_size_not_their_paths() {
        let levels = 45;
        let index = diamonds(levels);
        for traced in [false, true] {
            let mut checker = Checker::new(&index, 0);
            if traced {
                checker = checker.traced();
            }
            for (who, granted) in [("deep", true), ("stranger", false)] {
                for top in ["l0a", "l0b"] {
                    let answer = checker.check("group", top, "member", &user(who));
                    assert_eq!(answer, Ok(granted), "{who} in {top}");
                    let visits = checker.memo.borrow().visits;
                    assert!(
                        visits < MEMO_AFTER + 8 * levels,
                        "{who} in {top}: {visits} visits"
                    );
                }
            }
        }
        let remembered = Checker::new(&index, 0).traced();
        assert_eq!(
            remembered.check("group", "l0a", "member", &user("stranger")),
            Ok(false)
        );
        let trace = format!("{:?}", remembered.take_trace());
        assert!(
            trace.contains("(as evaluated before in this check)"),
            "{trace}"
        );

        // With a cycle through the diamonds (the bottom is a member of the top).
        let levels = 20;
        let mut index = diamonds(levels);
        index.insert(
            tuple(&format!("group:l{levels}a#member@group:l0a#member")),
            None,
        );
        // Every group is on the cycle, so no answer below the top met none,
        // none is remembered, and a denied check would take 2^20 steps and
        // more: it stops at the bound instead. Granted ones find their way.
        let checker = Checker::new(&index, 0);
        for top in ["l0a", "l0b", "l10a"] {
            let granted = checker.check("group", top, "member", &user("deep"));
            assert_eq!(granted, Ok(true), "deep in {top}");
            let denied = checker.check("group", top, "member", &user("stranger"));
            assert_eq!(denied, Err(CheckError::TooManyVisits), "stranger in {top}");
            assert_eq!(checker.memo.borrow().visits, MAX_VISITS + 1);
        }
        // Not so at 12 levels: 2^12 paths are within the bound, and the
        // answer is exact.
        let mut index = diamonds(12);
        index.insert(tuple("group:l12a#member@group:l0a#member"), None);
        let checker = Checker::new(&index, 0);
        assert_eq!(
            checker.check("group", "l0b", "member", &user("stranger")),
            Ok(false)
        );
        assert_eq!(
            checker.check("group", "l0b", "member", &user("deep")),
            Ok(true)
        );
    }
}
