//! Check evaluation on an in-memory relationship index. Results are exact:
//! every path is explored (a cycle is cut only where it would revisit a node
//! on the current path, which cannot add a grant), expired relationships count
//! as absent, and a graph deeper than the limit is an error, never an allow.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use foldhash::quality::RandomState;

use super::schema::{Expr, Schema};

/// Deepest chain of relations and permissions a check follows.
pub const MAX_DEPTH: usize = 50;

pub use crate::store::relationships::{RelationshipFilter, Subject, Tuple};

/// Why a check could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The resource type is not in the schema.
    #[error("unknown object type {0:?}")]
    UnknownType(String),
    /// The permission or relation is not in the resource's definition.
    #[error("{0:?} has no relation or permission {1:?}")]
    UnknownPermission(String, String),
    /// The evaluation went deeper than [`MAX_DEPTH`].
    #[error("the check went deeper than {MAX_DEPTH} levels; the schema or data nest too deeply")]
    DepthExceeded,
}

/// The order relationships are read and paged in.
pub fn sort_key(t: &Tuple) -> (&str, &str, &str, &str, &str, &str) {
    (
        &t.resource_id,
        &t.relation,
        &t.subject.object_type,
        &t.subject.object_id,
        t.subject.relation.as_deref().unwrap_or(""),
        &t.resource_type,
    )
}

/// The index's maps hash with foldhash (seeded per process): several times
/// faster than SipHash on these short keys, on the hot path of every check.
type HashMap<K, V> = std::collections::HashMap<K, V, RandomState>;

/// Strings stored once, referred to by number. Names are never forgotten
/// while the index lives (a reload starts afresh), which keeps ids stable.
#[derive(Debug, Default, Clone)]
struct Interner {
    ids: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).expect("fewer than 2^32 distinct names");
        let name: Arc<str> = name.into();
        self.names.push(name.clone());
        self.ids.insert(name, id);
        id
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
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

/// The subjects of one `(resource, relation)`: most have one, so it is
/// stored inline; more go to a map. Expiries are Unix ms ([`NEVER`]: none).
#[derive(Debug, Clone)]
enum Slot {
    One(IdSubject, i64),
    // Boxed on purpose: the map's 48 bytes inline would more than double
    // every single-subject slot, which is most of them.
    #[allow(clippy::box_collection)]
    Many(Box<HashMap<IdSubject, i64>>),
}

impl Slot {
    fn iter(&self) -> impl Iterator<Item = (IdSubject, i64)> + '_ {
        let (one, many) = match self {
            Slot::One(s, e) => (Some((*s, *e)), None),
            Slot::Many(map) => (None, Some(map.iter().map(|(s, e)| (*s, *e)))),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        match self {
            Slot::One(..) => 1,
            Slot::Many(map) => map.len(),
        }
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
#[derive(Debug, Default, Clone)]
pub struct Index {
    names: Interner,
    by_resource: HashMap<IdKey, Slot>,
    len: usize,
    /// How many relationships carry an expiry (when none do, pruning is free).
    expiring: usize,
}

impl Index {
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
        match self.by_resource.get_mut(&key) {
            None => {
                self.by_resource.insert(key, Slot::One(subject, expiry));
                self.len += 1;
            }
            Some(Slot::One(s, e)) if *s == subject => *e = expiry,
            Some(slot @ Slot::One(..)) => {
                let Slot::One(s, e) = *slot else {
                    unreachable!("matched One above")
                };
                let mut map = HashMap::default();
                map.insert(s, e);
                map.insert(subject, expiry);
                *slot = Slot::Many(Box::new(map));
                self.len += 1;
            }
            Some(Slot::Many(map)) => {
                if map.insert(subject, expiry).is_none() {
                    self.len += 1;
                }
            }
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
        let removed = match self.by_resource.get_mut(&key) {
            None => false,
            Some(Slot::One(s, _)) => {
                let hit = *s == subject;
                if hit {
                    self.by_resource.remove(&key);
                }
                hit
            }
            Some(Slot::Many(map)) => {
                let hit = map.remove(&subject).is_some();
                if map.is_empty() {
                    self.by_resource.remove(&key);
                }
                hit
            }
        };
        if removed {
            self.len -= 1;
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
        self.by_resource
            .keys()
            .filter(|(kt, _, _)| *kt == t)
            .map(|(_, id, _)| self.names.name(*id))
            .collect()
    }

    /// Ids of the subjects of `subject_type` (with `relation`, or plain
    /// objects for `None`) that appear in any relationship, sorted.
    pub fn subject_ids(&self, subject_type: &str, relation: Option<&str>) -> BTreeSet<&str> {
        let Some(t) = self.names.get(subject_type) else {
            return BTreeSet::new();
        };
        let rel = match relation {
            Some(r) => match self.names.get(r) {
                Some(id) => id,
                None => return BTreeSet::new(),
            },
            None => NO_RELATION,
        };
        self.by_resource
            .values()
            .flat_map(Slot::iter)
            .filter(|(s, _)| s.object_type == t && s.relation == rel)
            .map(|(s, _)| self.names.name(s.object_id))
            .collect()
    }

    /// The live relationships matching `filter`, sorted.
    pub fn matching(&self, filter: &RelationshipFilter, now_ms: i64) -> Vec<(Tuple, Option<i64>)> {
        let mut out = Vec::new();
        let Some(t) = self.names.get(&filter.resource_type) else {
            return out;
        };
        let mut visit = |key: &IdKey, slot: &Slot| {
            for (subject, expiry) in slot.iter() {
                if expiry <= now_ms {
                    continue;
                }
                let s = self.stored(subject);
                let tuple = Tuple {
                    resource_type: self.names.name(key.0).to_owned(),
                    resource_id: self.names.name(key.1).to_owned(),
                    relation: self.names.name(key.2).to_owned(),
                    subject: Subject {
                        object_type: s.object_type.to_owned(),
                        object_id: s.object_id.to_owned(),
                        relation: s.relation.map(str::to_owned),
                    },
                };
                if filter.matches(&tuple) {
                    out.push((tuple, (expiry != NEVER).then_some(expiry)));
                }
            }
        };
        match (&filter.resource_id, &filter.relation) {
            (Some(id), Some(rel)) => {
                if let Some(key) = self.id_key(&filter.resource_type, id, rel) {
                    if let Some(slot) = self.by_resource.get(&key) {
                        visit(&key, slot);
                    }
                }
            }
            _ => {
                for (key, slot) in &self.by_resource {
                    if key.0 == t {
                        visit(key, slot);
                    }
                }
            }
        }
        out.sort_by(|a, b| sort_key(&a.0).cmp(&sort_key(&b.0)));
        out
    }

    /// Drops relationships that expired at or before `now_ms`; returns how many.
    pub fn prune_expired(&mut self, now_ms: i64) -> usize {
        if self.expiring == 0 {
            return 0;
        }
        let mut pruned = 0;
        let mut expiring = 0;
        self.by_resource.retain(|_, slot| match slot {
            Slot::One(_, e) => {
                let keep = *e > now_ms;
                pruned += usize::from(!keep);
                expiring += usize::from(keep && *e != NEVER);
                keep
            }
            Slot::Many(map) => {
                let before = map.len();
                map.retain(|_, e| *e > now_ms);
                pruned += before - map.len();
                expiring += map.values().filter(|e| **e != NEVER).count();
                !map.is_empty()
            }
        });
        self.len -= pruned;
        self.expiring = expiring;
        pruned
    }

    /// The live subjects of `(object_type, object_id, relation)`.
    fn subjects<'a>(
        &'a self,
        object_type: &str,
        object_id: &str,
        relation: &str,
        now_ms: i64,
    ) -> impl Iterator<Item = StoredSubject<'a>> + 'a {
        self.subjects_by_key(self.id_key(object_type, object_id, relation), now_ms)
    }

    /// The live subjects under an interned key (none for `None`).
    fn subjects_by_key(
        &self,
        key: Option<IdKey>,
        now_ms: i64,
    ) -> impl Iterator<Item = StoredSubject<'_>> + '_ {
        key.and_then(|key| self.by_resource.get(&key))
            .into_iter()
            .flat_map(Slot::iter)
            .filter(move |(_, expiry)| *expiry > now_ms)
            .map(|(s, _)| self.stored(s))
    }

    /// Number of subjects stored under one key (for tests of the layout).
    #[cfg(test)]
    fn slot_len(&self, object_type: &str, object_id: &str, relation: &str) -> usize {
        self.id_key(object_type, object_id, relation)
            .and_then(|key| self.by_resource.get(&key))
            .map_or(0, Slot::len)
    }
}

/// Evaluates checks against a schema and an index at one instant.
pub struct Checker<'a> {
    schema: &'a Schema,
    index: &'a Index,
    now_ms: i64,
    trace: Option<RefCell<Tracer>>,
    extra_names: RefCell<Vec<String>>,
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
}

impl<'a> Checker<'a> {
    /// A checker seeing relationships live at `now_ms`.
    pub fn new(schema: &'a Schema, index: &'a Index, now_ms: i64) -> Self {
        Self {
            schema,
            index,
            now_ms,
            trace: None,
            extra_names: RefCell::default(),
        }
    }

    /// The same checker recording a trace of each check (see [`Checker::take_trace`]).
    pub fn traced(mut self) -> Self {
        self.trace = Some(RefCell::default());
        self
    }

    /// The trace of the last check, when tracing.
    pub fn take_trace(&self) -> Option<TraceNode> {
        self.trace.as_ref().and_then(|t| t.borrow_mut().root.take())
    }

    /// The ids of the objects of `resource_type` on which `subject` has
    /// `permission`, in id order, one page of them.
    pub fn lookup_resources(
        &self,
        resource_type: &str,
        permission: &str,
        subject: &Subject,
        page: Page<'_>,
    ) -> Result<Vec<String>, CheckError> {
        self.validate(resource_type, permission)?;
        let mut candidates = self.index.resource_ids(resource_type);
        // A subject set is its own member: `group:eng#member` on `group:eng`.
        if subject.object_type == resource_type && subject.relation.is_some() {
            candidates.insert(&subject.object_id);
        }
        self.collect(candidates, page, |id| {
            self.check(resource_type, id, permission, subject)
        })
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
        self.validate(resource_type, permission)?;
        let mut candidates = self.index.subject_ids(subject_type, subject_relation);
        if subject_relation.is_some() {
            // Subject sets also come from objects that only appear as resources.
            candidates.extend(self.index.resource_ids(subject_type));
        }
        self.collect(candidates, page, |id| {
            let subject = Subject {
                object_type: subject_type.to_owned(),
                object_id: id.to_owned(),
                relation: subject_relation.map(str::to_owned),
            };
            self.check(resource_type, resource_id, permission, &subject)
        })
    }

    fn collect(
        &self,
        candidates: BTreeSet<&str>,
        Page { after, limit }: Page<'_>,
        granted: impl Fn(&str) -> Result<bool, CheckError>,
    ) -> Result<Vec<String>, CheckError> {
        let mut out = Vec::new();
        let start = after.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded);
        for id in candidates.range::<&str, _>((start, std::ops::Bound::Unbounded)) {
            if granted(id)? {
                out.push((*id).to_owned());
                if limit != 0 && out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    fn validate(&self, resource_type: &str, permission: &str) -> Result<(), CheckError> {
        let def = self
            .schema
            .definitions
            .get(resource_type)
            .ok_or_else(|| CheckError::UnknownType(resource_type.into()))?;
        if !def.has(permission) {
            return Err(CheckError::UnknownPermission(
                resource_type.into(),
                permission.into(),
            ));
        }
        Ok(())
    }

    /// Whether `subject` has `permission` (or relation) on `resource_type:resource_id`.
    pub fn check(
        &self,
        resource_type: &str,
        resource_id: &str,
        permission: &str,
        subject: &Subject,
    ) -> Result<bool, CheckError> {
        self.validate(resource_type, permission)?;
        let mut path = HashSet::default();
        self.name(
            resource_type,
            resource_id,
            permission,
            subject,
            0,
            &mut path,
        )
    }

    fn name(
        &self,
        object_type: &str,
        object_id: &str,
        name: &str,
        subject: &Subject,
        depth: usize,
        path: &mut HashSet<IdKey, RandomState>,
    ) -> Result<bool, CheckError> {
        let Some(trace) = &self.trace else {
            return self.name_untraced(object_type, object_id, name, subject, depth, path);
        };
        trace.borrow_mut().open.push(TraceNode {
            step: format!("{object_type}:{object_id}#{name}"),
            granted: false,
            children: Vec::new(),
        });
        let result = self.name_untraced(object_type, object_id, name, subject, depth, path);
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

    fn name_untraced(
        &self,
        object_type: &str,
        object_id: &str,
        name: &str,
        subject: &Subject,
        depth: usize,
        path: &mut HashSet<IdKey, RandomState>,
    ) -> Result<bool, CheckError> {
        if depth > MAX_DEPTH {
            return Err(CheckError::DepthExceeded);
        }
        // The subject set itself: `group:eng#member` has `member` on `group:eng`.
        if subject.object_type == object_type
            && subject.object_id == object_id
            && subject.relation.as_deref() == Some(name)
        {
            return Ok(true);
        }
        // An object no relationship mentions cannot be reached again, so
        // only interned objects can close a cycle and need tracking.
        let node = self
            .index
            .names
            .get(object_type)
            .zip(self.index.names.get(object_id))
            .map(|(t, id)| (t, id, self.name_id(name)));
        if let Some(node) = node {
            if !path.insert(node) {
                return Ok(false); // a cycle: this node is already being evaluated
            }
        }
        let result = self.name_inner(object_type, object_id, name, node, subject, depth, path);
        if let Some(node) = node {
            path.remove(&node);
        }
        result
    }

    /// A number for a relation or permission name: its interned id, or one
    /// counted down from the top for names no relationship uses (permissions).
    fn name_id(&self, name: &str) -> u32 {
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

    #[allow(clippy::too_many_arguments)]
    fn name_inner(
        &self,
        object_type: &str,
        object_id: &str,
        name: &str,
        node: Option<IdKey>,
        subject: &Subject,
        depth: usize,
        path: &mut HashSet<IdKey, RandomState>,
    ) -> Result<bool, CheckError> {
        let Some(def) = self.schema.definitions.get(object_type) else {
            return Ok(false);
        };
        if let Some(expr) = def.permissions.get(name) {
            return self.expr(object_type, object_id, expr, subject, depth + 1, path);
        }
        if !def.relations.contains_key(name) {
            return Ok(false);
        }
        // `node` is the interned key when the name is a stored relation name.
        let key = node.filter(|(_, _, n)| (*n as usize) < self.index.names.names.len());
        for stored in self.index.subjects_by_key(key, self.now_ms) {
            match stored.relation {
                None => {
                    let same_type =
                        stored.object_type == subject.object_type && subject.relation.is_none();
                    if same_type
                        && (stored.object_id == subject.object_id || stored.object_id == "*")
                    {
                        return Ok(true);
                    }
                }
                Some(rel) => {
                    if self.name(
                        stored.object_type,
                        stored.object_id,
                        rel,
                        subject,
                        depth + 1,
                        path,
                    )? {
                        return Ok(true);
                    }
                }
            }
        }
        Ok(false)
    }

    fn expr(
        &self,
        object_type: &str,
        object_id: &str,
        expr: &Expr,
        subject: &Subject,
        depth: usize,
        path: &mut HashSet<IdKey, RandomState>,
    ) -> Result<bool, CheckError> {
        match expr {
            Expr::Ref(name) => self.name(object_type, object_id, name, subject, depth, path),
            Expr::Arrow(relation, target) => {
                for stored in self
                    .index
                    .subjects(object_type, object_id, relation, self.now_ms)
                {
                    if stored.relation.is_none()
                        && stored.object_id != "*"
                        && self.name(
                            stored.object_type,
                            stored.object_id,
                            target,
                            subject,
                            depth + 1,
                            path,
                        )?
                    {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Expr::Union(items) => {
                for item in items {
                    if self.expr(object_type, object_id, item, subject, depth, path)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Expr::Intersection(items) => {
                for item in items {
                    if !self.expr(object_type, object_id, item, subject, depth, path)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Expr::Exclusion(base, minus) => {
                Ok(
                    self.expr(object_type, object_id, base, subject, depth, path)?
                        && !self.expr(object_type, object_id, minus, subject, depth, path)?,
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::schema::parse;
    use crate::authz::schema::tests::DRIVE;

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

    fn index(tuples: &[&str]) -> Index {
        let mut index = Index::default();
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
        let schema = parse(DRIVE).unwrap();
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
        let c = Checker::new(&schema, &index, 0);
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
                    0
                )
                .len(),
            1
        );
    }

    #[test]
    fn group_cycles_terminate_with_exact_answers() {
        let schema = parse(DRIVE).unwrap();
        let index = index(&[
            "group:a#member@group:b#member",
            "group:b#member@group:c#member",
            "group:c#member@group:a#member",
            "group:c#member@user:carol",
            "document:d#viewer@group:a#member",
        ]);
        let c = Checker::new(&schema, &index, 0);
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
        let c = Checker::new(&schema, &index, 0);
        assert_eq!(c.check("folder", "x", "view", &user("vera")), Ok(true));
        assert_eq!(c.check("folder", "x", "view", &user("walt")), Ok(false));
        assert_eq!(c.check("folder", "y", "view", &user("walt")), Ok(false));
    }

    #[test]
    fn expired_relationships_are_absent_and_deletes_apply() {
        let schema = parse(DRIVE).unwrap();
        let mut index = Index::default();
        index.insert(tuple("document:d#viewer@user:tmp"), Some(1_000));
        index.insert(tuple("document:d#viewer@user:kept"), None);
        assert!(Checker::new(&schema, &index, 999)
            .check("document", "d", "view", &user("tmp"))
            .unwrap());
        assert!(!Checker::new(&schema, &index, 1_000)
            .check("document", "d", "view", &user("tmp"))
            .unwrap());
        assert!(index.remove(&tuple("document:d#viewer@user:kept")));
        assert!(!Checker::new(&schema, &index, 0)
            .check("document", "d", "view", &user("kept"))
            .unwrap());
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn depth_limit_is_an_error_not_an_allow() {
        let schema = parse(DRIVE).unwrap();
        let mut index = Index::default();
        for i in 0..60 {
            index.insert(
                tuple(&format!("folder:f{}#parent@folder:f{i}", i + 1)),
                None,
            );
        }
        index.insert(tuple("folder:f0#viewer@user:root"), None);
        let c = Checker::new(&schema, &index, 0);
        assert_eq!(
            c.check("folder", "f60", "view", &user("root")),
            Err(CheckError::DepthExceeded)
        );
        assert!(c.check("folder", "f10", "view", &user("root")).unwrap());
    }
}
