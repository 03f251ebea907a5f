//! Check evaluation on an in-memory relationship index. Results are exact:
//! every path is explored (a cycle is cut only where it would revisit a node
//! on the current path, which cannot add a grant), expired relationships count
//! as absent, and a graph deeper than the limit is an error, never an allow.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};

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

type Key = (String, String, String);

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

/// Relationships by `(resource type, resource id, relation)`, each with an
/// optional expiry (Unix milliseconds).
#[derive(Debug, Default, Clone)]
pub struct Index {
    by_resource: HashMap<Key, HashMap<Subject, Option<i64>>>,
}

impl Index {
    /// Adds or replaces a relationship.
    pub fn insert(&mut self, tuple: Tuple, expires_at_ms: Option<i64>) {
        self.by_resource
            .entry((tuple.resource_type, tuple.resource_id, tuple.relation))
            .or_default()
            .insert(tuple.subject, expires_at_ms);
    }

    /// Removes a relationship; `true` if it was there.
    pub fn remove(&mut self, tuple: &Tuple) -> bool {
        let key = (
            tuple.resource_type.clone(),
            tuple.resource_id.clone(),
            tuple.relation.clone(),
        );
        let Some(subjects) = self.by_resource.get_mut(&key) else {
            return false;
        };
        let removed = subjects.remove(&tuple.subject).is_some();
        if subjects.is_empty() {
            self.by_resource.remove(&key);
        }
        removed
    }

    /// Number of stored relationships.
    pub fn len(&self) -> usize {
        self.by_resource.values().map(HashMap::len).sum()
    }

    /// Whether no relationship is stored.
    pub fn is_empty(&self) -> bool {
        self.by_resource.is_empty()
    }

    /// Ids of the objects of `resource_type` that have any relationship as a
    /// resource, sorted: the only objects a permission can hold on.
    pub fn resource_ids(&self, resource_type: &str) -> BTreeSet<&str> {
        self.by_resource
            .keys()
            .filter(|(t, _, _)| t == resource_type)
            .map(|(_, id, _)| id.as_str())
            .collect()
    }

    /// Ids of the subjects of `subject_type` (with `relation`, or plain
    /// objects for `None`) that appear in any relationship, sorted.
    pub fn subject_ids(&self, subject_type: &str, relation: Option<&str>) -> BTreeSet<&str> {
        self.by_resource
            .values()
            .flat_map(HashMap::keys)
            .filter(|s| s.object_type == subject_type && s.relation.as_deref() == relation)
            .map(|s| s.object_id.as_str())
            .collect()
    }

    /// The live relationships matching `filter`, sorted.
    pub fn matching(&self, filter: &RelationshipFilter, now_ms: i64) -> Vec<(Tuple, Option<i64>)> {
        let mut out = Vec::new();
        let mut visit = |key: &Key, subjects: &HashMap<Subject, Option<i64>>| {
            for (subject, expiry) in subjects {
                if expiry.is_some_and(|e| e <= now_ms) {
                    continue;
                }
                let tuple = Tuple {
                    resource_type: key.0.clone(),
                    resource_id: key.1.clone(),
                    relation: key.2.clone(),
                    subject: subject.clone(),
                };
                if filter.matches(&tuple) {
                    out.push((tuple, *expiry));
                }
            }
        };
        match (&filter.resource_id, &filter.relation) {
            (Some(id), Some(rel)) => {
                let key = (filter.resource_type.clone(), id.clone(), rel.clone());
                if let Some(subjects) = self.by_resource.get(&key) {
                    visit(&key, subjects);
                }
            }
            _ => {
                for (key, subjects) in &self.by_resource {
                    if key.0 == filter.resource_type {
                        visit(key, subjects);
                    }
                }
            }
        }
        out.sort_by(|a, b| sort_key(&a.0).cmp(&sort_key(&b.0)));
        out
    }

    /// Drops relationships that expired at or before `now_ms`; returns how many.
    pub fn prune_expired(&mut self, now_ms: i64) -> usize {
        let mut pruned = 0;
        self.by_resource.retain(|_, subjects| {
            let before = subjects.len();
            subjects.retain(|_, e| e.is_none_or(|e| e > now_ms));
            pruned += before - subjects.len();
            !subjects.is_empty()
        });
        pruned
    }

    fn subjects<'a>(&'a self, key: &Key, now_ms: i64) -> impl Iterator<Item = &'a Subject> + 'a {
        self.by_resource
            .get(key)
            .into_iter()
            .flatten()
            .filter(move |(_, expiry)| expiry.is_none_or(|e| e > now_ms))
            .map(|(subject, _)| subject)
    }
}

/// Evaluates checks against a schema and an index at one instant.
pub struct Checker<'a> {
    schema: &'a Schema,
    index: &'a Index,
    now_ms: i64,
    trace: Option<RefCell<Tracer>>,
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
        let mut path = HashSet::new();
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
        path: &mut HashSet<Key>,
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
        path: &mut HashSet<Key>,
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
        let key = (
            object_type.to_owned(),
            object_id.to_owned(),
            name.to_owned(),
        );
        if !path.insert(key.clone()) {
            return Ok(false); // a cycle: this node is already being evaluated
        }
        let result = self.name_inner(object_type, object_id, name, subject, depth, path, &key);
        path.remove(&key);
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn name_inner(
        &self,
        object_type: &str,
        object_id: &str,
        name: &str,
        subject: &Subject,
        depth: usize,
        path: &mut HashSet<Key>,
        key: &Key,
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
        for stored in self.index.subjects(key, self.now_ms) {
            match &stored.relation {
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
                        &stored.object_type,
                        &stored.object_id,
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
        path: &mut HashSet<Key>,
    ) -> Result<bool, CheckError> {
        match expr {
            Expr::Ref(name) => self.name(object_type, object_id, name, subject, depth, path),
            Expr::Arrow(relation, target) => {
                let key = (
                    object_type.to_owned(),
                    object_id.to_owned(),
                    relation.clone(),
                );
                for stored in self.index.subjects(&key, self.now_ms) {
                    if stored.relation.is_none()
                        && stored.object_id != "*"
                        && self.name(
                            &stored.object_type,
                            &stored.object_id,
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
