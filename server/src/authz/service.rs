//! `warden.authz.v1.AuthzService`: roles (copied into sessions), the
//! relationship schema, relationships, and checks and lookups answered from
//! this server's [`Replica`]. Reads need any authenticated caller; writes
//! (roles, schema, relationships) need the `admin` role.

use std::collections::{BTreeMap, HashSet};
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures::{Stream, StreamExt};
use tonic::{Code, Request, Response, Status};
use warden_interceptor::AuthContext;
use warden_proto::authz::v1::{self as pb, authz_service_server};
use warden_proto::events::v1 as events_pb;

use super::engine::{
    CheckError, Checker, Index, Page, SubjectRef, TraceNode, Tuple, Walked, MAX_REQUEST_VISITS,
};
use super::enrichment::Enricher;
use super::off_the_runtime;
use super::replica::Replica;
use super::schema::{parse, valid_name, AllowedSubject, Schema};
use crate::error::{Error, FieldViolation};
use crate::events::{new_event_id, Event, EventBus};
use crate::paging::PageRequest;
use crate::store::relationships::{
    DeleteLimit, Precondition, RelationshipFilter, RelationshipShape, Update, WriteOp, WriteRefusal,
};
use crate::store::sql::SqlStore;
use crate::store::{
    required_user_id, timestamp_from_ms, unix_ms, RoleDefinition, RoleStore, UserStore, ADMIN_ROLE,
};

/// Most updates one `WriteRelationships` may carry.
pub const MAX_UPDATES: usize = 1_000;
/// Most items one `CheckBulkPermissions` may carry.
pub const MAX_BULK_ITEMS: usize = 1_000;
/// Bulk items checked on the runtime worker first (a few microseconds each
/// on ordinary data); more go straight beside it (see [`checked`]).
const BULK_ON_THE_RUNTIME_MOST: usize = 64;
/// Nodes the checks of one call may visit on the runtime worker: a tenth of
/// a millisecond or so with the index cold in the cache. Ordinary checks
/// visit a few dozen (each of `warden-bench`'s 4,000 at 1,000,000
/// relationships fewer than 64); one at [`MAX_VISITS`] takes about 5 ms.
///
/// [`MAX_VISITS`]: super::engine::MAX_VISITS
const ON_THE_WORKER_VISITS: usize = 1_024;

type ResponseStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

/// The AuthzService implementation.
pub struct Authz {
    replica: Arc<Replica>,
    store: SqlStore,
    roles: Arc<dyn RoleStore>,
    users: Arc<dyn UserStore>,
    events: Arc<dyn EventBus>,
    enricher: Enricher,
    /// The role reads need besides `admin` (`None`: any caller).
    read_role: Option<String>,
}

impl Authz {
    /// Over the replica, the SQL store, the role and user stores, the bus and
    /// the enricher that applies role changes to live sessions.
    pub fn new(
        replica: Arc<Replica>,
        store: SqlStore,
        roles: Arc<dyn RoleStore>,
        users: Arc<dyn UserStore>,
        events: Arc<dyn EventBus>,
        enricher: Enricher,
    ) -> Self {
        Self {
            replica,
            store,
            roles,
            users,
            events,
            enricher,
            read_role: None,
        }
    }

    /// The same service, with checks, lookups and reads of relationships
    /// and the schema open only to callers with `role` (or `admin`).
    pub fn reads_need(mut self, role: Option<String>) -> Self {
        self.read_role = role;
        self
    }

    /// Admits a caller to a read: any authenticated one, or with a read
    /// role configured, one whose session holds it or `admin`. The session's
    /// roles are read (no store query on the path of every check); a session
    /// not enriched yet holds none, so its user's roles are read from the
    /// store instead.
    async fn require_reader<T>(&self, req: &Request<T>) -> Result<(), Status> {
        let ctx = AuthContext::of(req)?;
        let Some(role) = &self.read_role else {
            return Ok(());
        };
        let session = &ctx.session;
        let allowed = if session.enriched_at.is_some() {
            let holds = |wanted: &str| session.roles.iter().any(|r| r == wanted);
            holds(role) || holds(ADMIN_ROLE)
        } else {
            self.roles.has_role(&ctx.user_id, role).await?
                || self.roles.has_role(&ctx.user_id, ADMIN_ROLE).await?
        };
        if allowed {
            Ok(())
        } else {
            Err(Error::PermissionDenied(
                "reading authorization data needs the role configured as authz_read_role",
            )
            .into())
        }
    }

    async fn require_admin<T>(&self, req: &Request<T>) -> Result<(), Status> {
        let ctx = AuthContext::of(req)?;
        if self.roles.has_role(&ctx.user_id, ADMIN_ROLE).await? {
            Ok(())
        } else {
            Err(Error::PermissionDenied("this RPC needs the admin role").into())
        }
    }

    /// Brings the replica to what `consistency` asks for; the revision it may
    /// answer at.
    async fn consistent(&self, consistency: Option<&pb::Consistency>) -> Result<(), Error> {
        use pb::consistency::Requirement;
        match consistency.and_then(|c| c.requirement.as_ref()) {
            None | Some(Requirement::MinimizeLatency(_)) => Ok(()),
            Some(Requirement::FullyConsistent(_)) => self.replica.catch_up().await.map(drop),
            Some(Requirement::AtLeastAsFresh(revision)) => {
                let wanted = parse_revision(&revision.token).ok_or_else(|| {
                    Error::invalid(
                        "consistency.at_least_as_fresh",
                        "not a revision token returned by Warden",
                    )
                })?;
                if self.replica.wait_for(wanted).await? {
                    return Ok(());
                }
                // Every revision a client holds was committed before it got it:
                // one past the store's head was never issued, and waiting or
                // retrying would not change that.
                let (head, _) = self.store.authz_head().await?;
                if wanted > head {
                    return Err(Error::invalid(
                        "consistency.at_least_as_fresh",
                        format!("revision {wanted} was never issued (the latest is {head})"),
                    ));
                }
                Err(Error::Rejected {
                    code: Code::Unavailable,
                    reason: "REVISION_NOT_READY",
                    message: format!(
                        "this server has not reached revision {} yet; retry",
                        revision.token
                    ),
                })
            }
        }
    }

    async fn after_write(&self, revision: i64) -> pb::Revision {
        if let Err(e) = self.replica.catch_up().await {
            tracing::warn!(error = %e, "replica could not apply its own write yet; the poll will");
        }
        let event = Event::RelationshipsChanged(events_pb::RelationshipsChanged {
            event_id: new_event_id(),
            occurred_at: Some(timestamp_from_ms(unix_ms(SystemTime::now()))),
            revision: revision.to_string(),
        });
        if let Err(e) = self.events.publish(event).await {
            tracing::warn!(error = %e, "RelationshipsChanged not published; replicas catch up by polling");
        }
        revision_token(revision)
    }

    /// The updates of a write, parsed and checked against this replica's
    /// schema, with the schema text they were checked against.
    fn validated_updates(
        &self,
        updates: &[pb::RelationshipUpdate],
    ) -> Result<(Vec<Update>, String), Error> {
        let mut out = Vec::with_capacity(updates.len());
        let mut violations = Vec::new();
        let mut seen = HashSet::new();
        let state = self.replica.read();
        for (i, u) in updates.iter().enumerate() {
            let op = match pb::relationship_update::Operation::try_from(u.operation) {
                Ok(pb::relationship_update::Operation::Create) => WriteOp::Create,
                Ok(pb::relationship_update::Operation::Touch) => WriteOp::Touch,
                Ok(pb::relationship_update::Operation::Delete) => WriteOp::Delete,
                _ => {
                    violations.push(FieldViolation::new(
                        "updates",
                        format!("update {i}: operation must be CREATE, TOUCH or DELETE"),
                    ));
                    continue;
                }
            };
            match relationship(u.relationship.as_ref(), "updates") {
                Err(Error::InvalidArgument(v)) => violations.extend(v.into_iter().map(|v| {
                    FieldViolation::new("updates", format!("update {i}: {}", v.description))
                })),
                Err(e) => return Err(e),
                Ok((tuple, expires)) => {
                    if op != WriteOp::Delete {
                        if let Some(why) = misfit(&state.schema, &tuple) {
                            violations.push(FieldViolation::new(
                                "updates",
                                format!("update {i}: {}: {why}", tuple.display()),
                            ));
                        }
                    }
                    if !seen.insert(tuple.clone()) {
                        violations.push(FieldViolation::new(
                            "updates",
                            format!("update {i}: {} appears more than once", tuple.display()),
                        ));
                    }
                    out.push((op, tuple, expires));
                }
            }
        }
        if !violations.is_empty() {
            return Err(Error::InvalidArgument(violations));
        }
        Ok((out, state.schema_text.clone()))
    }

    /// `f`, if every name in it is in the schema: this replica's, or the
    /// store's when this replica's does not know a name yet.
    async fn known_filter(
        &self,
        f: RelationshipFilter,
        field: &'static str,
    ) -> Result<RelationshipFilter, Error> {
        if unknown_in_filter(&self.replica.read().schema, &f).is_none() {
            return Ok(f);
        }
        self.replica.catch_up().await?;
        match unknown_in_filter(&self.replica.read().schema, &f) {
            None => Ok(f),
            Some(why) => Err(Error::invalid(field, why)),
        }
    }

    /// Re-enriches the live sessions of `users` after a role change. The
    /// change is committed, with its users marked stale: when this fails the
    /// caller learns that only the sessions wait, and the enricher's repair
    /// brings them up to date once the session store answers again.
    async fn reenrich(&self, users: &[String]) -> Result<(), Error> {
        for user in users {
            if let Err(e) = self.enricher.enrich_user(user).await {
                tracing::warn!(user_id = %user, error = %e, "re-enrichment after a role change failed; the repair will retry");
                return Err(Error::Rejected {
                    code: Code::Unavailable,
                    reason: "SESSIONS_NOT_UPDATED",
                    message: "the role change is saved; the live sessions of the users it \
                              concerns get it once the session store is reachable again"
                        .to_owned(),
                });
            }
        }
        Ok(())
    }
}

/// The wire form of a revision.
pub fn revision_token(revision: i64) -> pb::Revision {
    pb::Revision {
        token: revision.to_string(),
    }
}

/// The revision of a token exactly as Warden writes one: decimal digits, no
/// sign, no leading zero.
fn parse_revision(token: &str) -> Option<i64> {
    let canonical = token.bytes().all(|b| b.is_ascii_digit())
        && !token.is_empty()
        && (token == "0" || !token.starts_with('0'));
    canonical.then(|| token.parse::<i64>().ok()).flatten()
}

fn valid_type(name: &str) -> bool {
    valid_name(name, true)
}

fn valid_relation(name: &str) -> bool {
    valid_name(name, false)
}

fn valid_id(id: &str) -> bool {
    (1..=1024).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_|-=+@.:".contains(&b))
}

/// `role` of a request, if it may name a role.
fn required_role(role: &str) -> Result<&str, Error> {
    if valid_role(role) {
        Ok(role)
    } else {
        Err(Error::invalid(
            "role",
            "1 to 64 lower-case letters, digits and _.:-, starting with a letter",
        ))
    }
}

/// Whether `name` may name a role.
pub fn valid_role(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.as_bytes()[0].is_ascii_lowercase()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.:-".contains(&b))
}

fn valid_permission(name: &str) -> bool {
    (1..=128).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_graphic())
}

fn object<'r>(
    reference: Option<&'r pb::ObjectReference>,
    field: &'static str,
    allow_wildcard: bool,
) -> Result<(&'r str, &'r str), Error> {
    let r = reference
        .ok_or_else(|| Error::invalid(field, "an object (object_type, object_id) is required"))?;
    if !valid_type(&r.object_type) {
        return Err(Error::invalid(
            field,
            format!("object_type {:?} is not a valid type name", r.object_type),
        ));
    }
    let wildcard_ok = allow_wildcard && r.object_id == "*";
    if !wildcard_ok && (!valid_id(&r.object_id) || r.object_id == "*") {
        return Err(Error::invalid(
            field,
            format!(
                "object_id {:?} must be 1-1024 characters of letters, digits and /_|-=+@.:",
                r.object_id
            ),
        ));
    }
    Ok((&r.object_type, &r.object_id))
}

fn subject<'r>(
    reference: Option<&'r pb::SubjectReference>,
    field: &'static str,
    allow_wildcard: bool,
) -> Result<SubjectRef<'r>, Error> {
    let r = reference.ok_or_else(|| Error::invalid(field, "is required"))?;
    let (object_type, object_id) = object(r.object.as_ref(), field, allow_wildcard)?;
    let relation = if r.optional_relation.is_empty() {
        None
    } else if valid_relation(&r.optional_relation) {
        Some(r.optional_relation.as_str())
    } else {
        return Err(Error::invalid(
            field,
            format!(
                "optional_relation {:?} is not a valid relation name",
                r.optional_relation
            ),
        ));
    };
    if relation.is_some() && object_id == "*" {
        return Err(Error::invalid(
            field,
            "a wildcard subject cannot have a relation",
        ));
    }
    Ok(SubjectRef {
        object_type,
        object_id,
        relation,
    })
}

fn relationship(
    r: Option<&pb::Relationship>,
    field: &'static str,
) -> Result<(Tuple, Option<i64>), Error> {
    let r = r.ok_or_else(|| Error::invalid(field, "relationship is required"))?;
    let missing = if r.resource.is_none() {
        Some("relationship.resource is required")
    } else if r.subject.as_ref().is_none_or(|s| s.object.is_none()) {
        Some("relationship.subject.object is required")
    } else {
        None
    };
    if let Some(missing) = missing {
        return Err(Error::invalid(field, missing));
    }
    let (resource_type, resource_id) = object(r.resource.as_ref(), field, false)?;
    if !valid_relation(&r.relation) {
        return Err(Error::invalid(
            field,
            format!("relation {:?} is not a valid relation name", r.relation),
        ));
    }
    let subject = subject(r.subject.as_ref(), field, true)?.owned();
    let expires = match &r.expires_at {
        None => None,
        // google.protobuf.Timestamp's own range: 0001-01-01 to 9999-12-31.
        Some(t)
            if (-62_135_596_800..=253_402_300_799).contains(&t.seconds)
                && (0..1_000_000_000).contains(&t.nanos) =>
        {
            Some(t.seconds * 1000 + i64::from(t.nanos / 1_000_000))
        }
        Some(_) => {
            return Err(Error::invalid(
                field,
                "expires_at must be a valid timestamp, 0001-01-01 to 9999-12-31",
            ))
        }
    };
    Ok((
        Tuple {
            resource_type: resource_type.into(),
            resource_id: resource_id.into(),
            relation: r.relation.clone(),
            subject,
        },
        expires,
    ))
}

/// Why a relationship does not fit the schema, if it does not.
fn misfit(schema: &Schema, t: &Tuple) -> Option<String> {
    let Some(def) = schema.definitions.get(&t.resource_type) else {
        return Some(format!(
            "the schema has no definition {:?}",
            t.resource_type
        ));
    };
    let Some(allowed) = def.relations.get(&t.relation) else {
        return Some(if def.permissions.contains_key(&t.relation) {
            format!(
                "{:?} is a permission of {:?}; relationships are written to relations",
                t.relation, t.resource_type
            )
        } else {
            format!("{:?} has no relation {:?}", t.resource_type, t.relation)
        });
    };
    let shape = RelationshipShape {
        resource_type: t.resource_type.clone(),
        relation: t.relation.clone(),
        subject_type: t.subject.object_type.clone(),
        subject_relation: t.subject.relation.clone().unwrap_or_default(),
        wildcard: t.subject.object_id == "*",
    };
    if accepts(allowed, &shape) {
        None
    } else {
        let who = match (&t.subject.relation, shape.wildcard) {
            (_, true) => format!("{}:*", t.subject.object_type),
            (Some(rel), _) => format!("{}#{rel}", t.subject.object_type),
            (None, _) => t.subject.object_type.clone(),
        };
        Some(format!(
            "{}#{} does not accept subjects {who}",
            t.resource_type, t.relation
        ))
    }
}

fn accepts(allowed: &[AllowedSubject], shape: &RelationshipShape) -> bool {
    allowed.iter().any(|a| match a {
        AllowedSubject::Object(t) => {
            *t == shape.subject_type && shape.subject_relation.is_empty() && !shape.wildcard
        }
        AllowedSubject::Wildcard(t) => *t == shape.subject_type && shape.wildcard,
        AllowedSubject::Set(t, rel) => {
            *t == shape.subject_type && *rel == shape.subject_relation && !shape.wildcard
        }
    })
}

fn schema_accepts(schema: &Schema, shape: &RelationshipShape) -> bool {
    schema
        .definitions
        .get(&shape.resource_type)
        .and_then(|d| d.relations.get(&shape.relation))
        .is_some_and(|allowed| accepts(allowed, shape))
}

fn filter(
    f: Option<&pb::RelationshipFilter>,
    field: &'static str,
) -> Result<RelationshipFilter, Error> {
    let f = f.ok_or_else(|| Error::invalid(field, "is required"))?;
    if !valid_type(&f.resource_type) {
        return Err(Error::invalid(
            field,
            "resource_type is required and must be a valid type name",
        ));
    }
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let mut out = RelationshipFilter {
        resource_type: f.resource_type.clone(),
        resource_id: opt(&f.optional_resource_id),
        relation: opt(&f.optional_relation),
        ..Default::default()
    };
    if let Some(s) = &f.optional_subject_filter {
        if !valid_type(&s.subject_type) {
            return Err(Error::invalid(
                field,
                "optional_subject_filter.subject_type must be a valid type name",
            ));
        }
        out.subject_type = Some(s.subject_type.clone());
        out.subject_id = opt(&s.optional_subject_id);
        out.subject_relation = opt(&s.optional_relation);
    }
    Ok(out)
}

/// What in `f` the schema does not know, if anything: a filter that names an
/// unknown type or relation is a mistake (no relationship could match it),
/// refused as unknown names are elsewhere.
fn unknown_in_filter(schema: &Schema, f: &RelationshipFilter) -> Option<String> {
    let Some(def) = schema.definitions.get(&f.resource_type) else {
        return Some(format!("unknown resource_type {:?}", f.resource_type));
    };
    if let Some(relation) = f.relation.as_deref().filter(|r| !def.has(r)) {
        return Some(format!(
            "{:?} has no relation or permission {relation:?}",
            f.resource_type
        ));
    }
    let subject_type = f.subject_type.as_deref()?;
    let Some(subject_def) = schema.definitions.get(subject_type) else {
        return Some(format!("unknown subject_type {subject_type:?}"));
    };
    f.subject_relation
        .as_deref()
        .filter(|r| !r.is_empty() && !subject_def.has(r))
        .map(|r| format!("subject type {subject_type:?} has no relation or permission {r:?}"))
}

fn preconditions(list: &[pb::Precondition]) -> Result<Vec<Precondition>, Error> {
    list.iter()
        .map(|p| {
            let must_match = match pb::precondition::Operation::try_from(p.operation) {
                Ok(pb::precondition::Operation::MustMatch) => true,
                Ok(pb::precondition::Operation::MustNotMatch) => false,
                _ => {
                    return Err(Error::invalid(
                        "preconditions",
                        "operation must be OPERATION_MUST_MATCH or OPERATION_MUST_NOT_MATCH",
                    ))
                }
            };
            Ok(Precondition {
                must_match,
                filter: filter(p.filter.as_ref(), "preconditions")?,
            })
        })
        .collect()
}

fn refusal(r: WriteRefusal, updates: &[Update]) -> Error {
    match r {
        WriteRefusal::Exists(i) => Error::Rejected {
            code: Code::AlreadyExists,
            reason: "RELATIONSHIP_EXISTS",
            message: format!(
                "update {i}: relationship {} already exists (use OPERATION_TOUCH to upsert); nothing was written",
                updates[i].1.display()
            ),
        },
        WriteRefusal::SchemaChanged => Error::Rejected {
            code: Code::Aborted,
            reason: "SCHEMA_CHANGED",
            message: "the schema kept changing during the write; nothing was written, retry".into(),
        },
        WriteRefusal::Precondition(i) => Error::Rejected {
            code: Code::FailedPrecondition,
            reason: "PRECONDITION_FAILED",
            message: format!("precondition {i} did not hold; nothing was written"),
        },
        WriteRefusal::OverLimit(limit) => Error::Rejected {
            code: Code::FailedPrecondition,
            reason: "DELETE_LIMIT_EXCEEDED",
            message: format!(
                "more than optional_limit ({limit}) relationships match; nothing was deleted \
                 (set optional_allow_partial_deletions to delete {limit} at a time)"
            ),
        },
    }
}

/// `e` as the caller sees it; an unknown name is reported against its
/// request field: `fields` names the resource type's and the subject's.
fn check_error(e: CheckError, fields: (&'static str, &'static str)) -> Error {
    match e {
        CheckError::UnknownType(_) => Error::invalid(fields.0, e.to_string()),
        CheckError::UnknownPermission(..) => Error::invalid("permission", e.to_string()),
        CheckError::UnknownSubjectType(_) | CheckError::UnknownSubjectRelation(..) => {
            Error::invalid(fields.1, e.to_string())
        }
        CheckError::DepthExceeded => Error::Rejected {
            code: Code::FailedPrecondition,
            reason: "MAX_DEPTH_EXCEEDED",
            message: e.to_string(),
        },
        CheckError::TooManyVisits => Error::Rejected {
            code: Code::FailedPrecondition,
            reason: "MAX_VISITS_EXCEEDED",
            message: e.to_string(),
        },
        CheckError::BudgetSpent(_) => Error::Rejected {
            code: Code::FailedPrecondition,
            reason: "MAX_REQUEST_VISITS_EXCEEDED",
            message: e.to_string(),
        },
        // Never reaches a caller: `checked` runs stopped checks again.
        CheckError::Stopped(_) => Error::Rejected {
            code: Code::Unavailable,
            reason: "CHECK_STOPPED",
            message: "the check was stopped; retry".into(),
        },
    }
}

fn trace_pb(node: TraceNode) -> pb::CheckTrace {
    pb::CheckTrace {
        step: node.step,
        granted: node.granted,
        children: node.children.into_iter().map(trace_pb).collect(),
    }
}

fn permissionship(allowed: bool) -> i32 {
    if allowed {
        pb::Permissionship::HasPermission as i32
    } else {
        pb::Permissionship::NoPermission as i32
    }
}

/// What a cursor belongs to: a digest of the request it continues (the
/// method and every field that selects results, not the limit). A cursor is
/// `base64url(scope ‖ key)`; one from another request, or not from Warden,
/// is refused instead of silently skipping or repeating results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CursorScope([u8; 8]);

impl CursorScope {
    fn of(method: &str, fields: &[&str]) -> Self {
        let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
        for part in std::iter::once(method).chain(fields.iter().copied()) {
            // Length-prefixed, so no two requests' fields run together alike.
            digest.update(&(part.len() as u64).to_be_bytes());
            digest.update(part.as_bytes());
        }
        let mut scope = [0; 8];
        scope.copy_from_slice(&digest.finish().as_ref()[..8]);
        Self(scope)
    }

    /// The key a cursor continues after, if it is one of this scope's.
    fn after(self, cursor: &str, field: &'static str) -> Result<Option<String>, Error> {
        if cursor.is_empty() {
            return Ok(None);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(cursor)
            .map_err(|_| Error::invalid(field, "not a cursor returned by Warden"))?;
        match bytes.split_first_chunk::<8>() {
            Some((scope, key)) if *scope == self.0 => String::from_utf8(key.to_vec())
                .map(Some)
                .map_err(|_| Error::invalid(field, "not a cursor returned by Warden")),
            _ => Err(Error::invalid(
                field,
                "not a cursor of this request: a cursor continues the request that returned it, \
                 with the same fields",
            )),
        }
    }

    /// The cursor that continues after `key`.
    fn cursor_for(self, key: &str) -> String {
        let mut bytes = Vec::with_capacity(8 + key.len());
        bytes.extend_from_slice(&self.0);
        bytes.extend_from_slice(key.as_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }
}

/// How many results a streamed read computes at a time. Each page is read
/// under its own short hold of the replica: an unlimited read of a million
/// rows takes about a second, and held whole it would make a write wait,
/// and every check queue behind that write, until the read ended.
pub const STREAM_PAGE: usize = 1_000;

/// At most `limit` (0: all) results after the cursor key `after`, fetched
/// [`STREAM_PAGE`] at a time as the client takes them, each off the runtime
/// worker. `fetch` returns each result of a page with the cursor key that
/// continues after it. The first page is fetched before this returns, so
/// its error is the call's status; a later page's error ends the stream.
fn paged<T, F>(after: Option<String>, limit: u32, fetch: F) -> Result<ResponseStream<T>, Status>
where
    T: Send + 'static,
    F: FnMut(Page<'_>) -> Result<Vec<(String, T)>, Status> + Send + 'static,
{
    let mut pages = Pages {
        fetch,
        after,
        left: if limit == 0 {
            usize::MAX
        } else {
            limit as usize
        },
    };
    // A page may take milliseconds (a lookup's first walk, tens of them):
    // computed off the runtime worker, whose other tasks move to another
    // thread meanwhile (cheap when there are none).
    let first = off_the_runtime(|| pages.next())
        .transpose()?
        .unwrap_or_default();
    let rest = futures::stream::unfold(pages, |mut pages| async move {
        let page = off_the_runtime(|| pages.next())?;
        Some((page, pages))
    });
    let results = futures::stream::iter([Ok(first)])
        .chain(rest)
        .flat_map(|page| {
            let results: Vec<Result<T, Status>> = match page {
                Ok(results) => results.into_iter().map(Ok).collect(),
                Err(status) => vec![Err(status)],
            };
            futures::stream::iter(results)
        });
    Ok(Box::pin(results))
}

/// A lookup's results, [`paged`]: each page from `lookup` on the replica as
/// it then is, with the walk handed from page to page while the replica stays
/// at the revision it was walked at; `respond` makes each id a response,
/// given the revision of its page. `fields` name the request's resource type
/// and subject type, for errors.
fn lookup_stream<T, X, L, R>(
    replica: Arc<Replica>,
    (after, limit): (Option<String>, u32),
    fields: (&'static str, &'static str),
    mut lookup: L,
    respond: R,
) -> Result<ResponseStream<T>, Status>
where
    T: Send + 'static,
    L: FnMut(&Checker<'_>, Page<'_>, &mut Option<Walked>) -> Result<Vec<(String, X)>, CheckError>
        + Send
        + 'static,
    R: Fn(String, X, &pb::Revision) -> T + Send + 'static,
{
    let mut walked: Option<(i64, Walked)> = None;
    paged(after, limit, move |page| {
        let state = replica.read();
        let mut reuse = walked
            .take()
            .filter(|(revision, _)| *revision == state.revision)
            .map(|(_, walk)| walk);
        let ids = lookup(&Checker::new(&state.index, now_ms()), page, &mut reuse)
            .map_err(|e| check_error(e, fields))?;
        walked = reuse.map(|walk| (state.revision, walk));
        let at = revision_token(state.revision);
        Ok(ids
            .into_iter()
            .map(|(id, extra)| (id.clone(), respond(id, extra, &at)))
            .collect())
    })
}

/// The state of a [`paged`] stream.
struct Pages<F> {
    fetch: F,
    after: Option<String>,
    left: usize,
}

impl<F> Pages<F> {
    /// The next page, or `None` once the results or the limit are exhausted.
    fn next<T>(&mut self) -> Option<Result<Vec<T>, Status>>
    where
        F: FnMut(Page<'_>) -> Result<Vec<(String, T)>, Status>,
    {
        if self.left == 0 {
            return None;
        }
        let limit = self.left.min(STREAM_PAGE);
        let page = match (self.fetch)(Page {
            after: self.after.as_deref(),
            limit,
        }) {
            Ok(page) => page,
            Err(status) => {
                self.left = 0;
                return Some(Err(status));
            }
        };
        // A short page is the last one.
        self.left = if page.len() < limit {
            0
        } else {
            self.left - page.len()
        };
        if let Some((key, _)) = page.last() {
            self.after = Some(key.clone());
        }
        Some(Ok(page.into_iter().map(|(_, result)| result).collect()))
    }
}

fn relationship_pb(t: Tuple, expires: Option<i64>) -> pb::Relationship {
    pb::Relationship {
        resource: Some(pb::ObjectReference {
            object_type: t.resource_type,
            object_id: t.resource_id,
        }),
        relation: t.relation,
        subject: Some(pb::SubjectReference {
            object: Some(pb::ObjectReference {
                object_type: t.subject.object_type,
                object_id: t.subject.object_id,
            }),
            optional_relation: t.subject.relation.unwrap_or_default(),
        }),
        expires_at: expires.map(timestamp_from_ms),
    }
}

fn now_ms() -> i64 {
    unix_ms(SystemTime::now())
}

/// `work` done with a checker of `index` that `setup` prepares: on the
/// runtime worker, stopping after [`ON_THE_WORKER_VISITS`], and when it
/// stopped, all over again off the worker (see [`off_the_runtime`]), where
/// the calls queued behind this one on the worker need not wait for it.
/// With `straight_off`, only off it.
fn checked<'a, R>(
    index: &'a Index,
    straight_off: bool,
    setup: impl Fn(Checker<'a>) -> Checker<'a>,
    work: impl Fn(&Checker<'a>) -> R,
) -> R {
    let now = now_ms();
    if !straight_off {
        let quick = setup(Checker::new(index, now).stopping_after(ON_THE_WORKER_VISITS));
        let done = work(&quick);
        if !quick.stopped() {
            return done;
        }
    }
    off_the_runtime(|| work(&setup(Checker::new(index, now))))
}

#[tonic::async_trait]
impl authz_service_server::AuthzService for Authz {
    async fn check_permission(
        &self,
        req: Request<pb::CheckPermissionRequest>,
    ) -> Result<Response<pb::CheckPermissionResponse>, Status> {
        self.require_reader(&req).await?;
        let r = req.get_ref();
        let (resource_type, resource_id) = object(r.resource.as_ref(), "resource", false)?;
        let subject = subject(r.subject.as_ref(), "subject", false)?;
        self.consistent(r.consistency.as_ref()).await?;
        let state = self.replica.read();
        let (allowed, trace) = checked(
            &state.index,
            false,
            |checker| match r.with_tracing {
                true => checker.traced(),
                false => checker,
            },
            |checker| {
                let allowed = checker.check(resource_type, resource_id, &r.permission, subject);
                (allowed, checker.take_trace())
            },
        );
        let allowed = allowed.map_err(|e| check_error(e, ("resource", "subject")))?;
        Ok(Response::new(pb::CheckPermissionResponse {
            permissionship: permissionship(allowed),
            checked_at: Some(revision_token(state.revision)),
            trace: trace.map(trace_pb),
        }))
    }

    async fn check_bulk_permissions(
        &self,
        req: Request<pb::CheckBulkPermissionsRequest>,
    ) -> Result<Response<pb::CheckBulkPermissionsResponse>, Status> {
        self.require_reader(&req).await?;
        let r = req.into_inner();
        if r.items.len() > MAX_BULK_ITEMS {
            return Err(Error::invalid("items", format!("at most {MAX_BULK_ITEMS} items")).into());
        }
        self.consistent(r.consistency.as_ref()).await?;
        let state = self.replica.read();
        let many = r.items.len() > BULK_ON_THE_RUNTIME_MOST;
        let answers = checked(
            &state.index,
            many,
            |checker| checker.with_budget(MAX_REQUEST_VISITS),
            |checker| {
                let answer = |item: &pb::CheckBulkPermissionsRequestItem| {
                    let (t, id) = object(item.resource.as_ref(), "resource", false)?;
                    let s = subject(item.subject.as_ref(), "subject", false)?;
                    checker
                        .check(t, id, &item.permission, s)
                        .map_err(|e| check_error(e, ("resource", "subject")))
                };
                r.items.iter().map(answer).collect::<Vec<_>>()
            },
        );
        let pairs = (r.items.into_iter().zip(answers))
            .map(|(item, answer)| {
                use pb::check_bulk_permissions_pair::Response;
                let (response, error_reason) = match answer {
                    Ok(allowed) => (Response::Permissionship(permissionship(allowed)), ""),
                    Err(e) => (Response::Error(describe(&e)), e.reason()),
                };
                pb::CheckBulkPermissionsPair {
                    request: Some(item),
                    response: Some(response),
                    error_reason: error_reason.into(),
                }
            })
            .collect();
        Ok(Response::new(pb::CheckBulkPermissionsResponse {
            pairs,
            checked_at: Some(revision_token(state.revision)),
        }))
    }

    async fn write_relationships(
        &self,
        req: Request<pb::WriteRelationshipsRequest>,
    ) -> Result<Response<pb::WriteRelationshipsResponse>, Status> {
        self.require_admin(&req).await?;
        let r = req.get_ref();
        // None is a write too, as in SpiceDB: with preconditions, an atomic
        // test of the store that takes a revision when they hold.
        if r.updates.len() > MAX_UPDATES {
            return Err(Error::invalid("updates", format!("at most {MAX_UPDATES} updates")).into());
        }
        let preconditions = preconditions(&r.preconditions)?;
        // Validated against this replica's schema; the store refuses the
        // write if the stored schema differs, and then the replica catches up
        // and validates again.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (updates, schema_text) = self.validated_updates(&r.updates)?;
            let written = self
                .store
                .write_relationships(&updates, &preconditions, &schema_text, now_ms())
                .await?;
            match written {
                Ok(revision) => {
                    return Ok(Response::new(pb::WriteRelationshipsResponse {
                        written_at: Some(self.after_write(revision).await),
                    }))
                }
                Err(WriteRefusal::SchemaChanged) if attempt < 3 => {
                    self.replica.catch_up().await?;
                }
                Err(refused) => return Err(refusal(refused, &updates).into()),
            }
        }
    }

    async fn delete_relationships(
        &self,
        req: Request<pb::DeleteRelationshipsRequest>,
    ) -> Result<Response<pb::DeleteRelationshipsResponse>, Status> {
        self.require_admin(&req).await?;
        let r = req.get_ref();
        let filter = self
            .known_filter(filter(r.filter.as_ref(), "filter")?, "filter")
            .await?;
        let preconditions = preconditions(&r.preconditions)?;
        let limit = (r.optional_limit > 0).then_some(DeleteLimit {
            at_most: r.optional_limit as usize,
            partial: r.optional_allow_partial_deletions,
        });
        let deleted = self
            .store
            .delete_relationships(&filter, &preconditions, limit, now_ms())
            .await?
            .map_err(|refused| refusal(refused, &[]))?;
        let progress = if deleted.complete {
            pb::DeletionProgress::Complete
        } else {
            pb::DeletionProgress::Partial
        };
        Ok(Response::new(pb::DeleteRelationshipsResponse {
            deleted_at: Some(self.after_write(deleted.revision).await),
            deleted_count: deleted.count,
            deletion_progress: progress as i32,
        }))
    }

    type ReadRelationshipsStream = ResponseStream<pb::ReadRelationshipsResponse>;

    async fn read_relationships(
        &self,
        req: Request<pb::ReadRelationshipsRequest>,
    ) -> Result<Response<Self::ReadRelationshipsStream>, Status> {
        self.require_reader(&req).await?;
        let r = req.get_ref();
        let filter = filter(r.filter.as_ref(), "filter")?;
        let scope = {
            let f = &filter;
            fn text(o: &Option<String>) -> &str {
                o.as_deref().unwrap_or("")
            }
            CursorScope::of(
                "ReadRelationships",
                &[
                    &f.resource_type,
                    text(&f.resource_id),
                    text(&f.relation),
                    if f.subject_type.is_some() {
                        "subject"
                    } else {
                        ""
                    },
                    text(&f.subject_type),
                    text(&f.subject_id),
                    text(&f.subject_relation),
                ],
            )
        };
        let after = scope.after(&r.optional_cursor, "optional_cursor")?;
        self.consistent(r.consistency.as_ref()).await?;
        let filter = self.known_filter(filter, "filter").await?;
        let replica = self.replica.clone();
        let results = paged(after, r.optional_limit, move |page| {
            let state = replica.read();
            let read_at = revision_token(state.revision);
            let page = state.index.matching(&filter, now_ms(), page);
            Ok(page
                .into_iter()
                .map(|(key, t, e)| {
                    let result = pb::ReadRelationshipsResponse {
                        read_at: Some(read_at.clone()),
                        relationship: Some(relationship_pb(t, e)),
                        after_result_cursor: scope.cursor_for(&key),
                    };
                    (key, result)
                })
                .collect())
        })?;
        Ok(Response::new(results))
    }

    type LookupResourcesStream = ResponseStream<pb::LookupResourcesResponse>;

    async fn lookup_resources(
        &self,
        req: Request<pb::LookupResourcesRequest>,
    ) -> Result<Response<Self::LookupResourcesStream>, Status> {
        self.require_reader(&req).await?;
        let r = req.get_ref();
        if !valid_type(&r.resource_object_type) {
            return Err(Error::invalid("resource_object_type", "must be a valid type name").into());
        }
        let subject = subject(r.subject.as_ref(), "subject", false)?.owned();
        let scope = CursorScope::of(
            "LookupResources",
            &[
                &r.resource_object_type,
                &r.permission,
                &subject.object_type,
                &subject.object_id,
                subject.relation.as_deref().unwrap_or(""),
            ],
        );
        let after = scope.after(&r.optional_cursor, "optional_cursor")?;
        self.consistent(r.consistency.as_ref()).await?;
        let (resource_type, permission) = (r.resource_object_type.clone(), r.permission.clone());
        let results = lookup_stream(
            self.replica.clone(),
            (after, r.optional_limit),
            ("resource_object_type", "subject"),
            move |checker, page, walked| {
                let ids = checker.lookup_resources_in_stream(
                    &resource_type,
                    &permission,
                    &subject,
                    page,
                    walked,
                )?;
                Ok(ids.into_iter().map(|id| (id, ())).collect())
            },
            move |id, (), at| pb::LookupResourcesResponse {
                looked_up_at: Some(at.clone()),
                after_result_cursor: scope.cursor_for(&id),
                resource_object_id: id,
            },
        )?;
        Ok(Response::new(results))
    }

    type LookupSubjectsStream = ResponseStream<pb::LookupSubjectsResponse>;

    async fn lookup_subjects(
        &self,
        req: Request<pb::LookupSubjectsRequest>,
    ) -> Result<Response<Self::LookupSubjectsStream>, Status> {
        self.require_reader(&req).await?;
        let r = req.get_ref();
        let (resource_type, resource_id) = object(r.resource.as_ref(), "resource", false)?;
        let (resource_type, resource_id) = (resource_type.to_owned(), resource_id.to_owned());
        if !valid_type(&r.subject_object_type) {
            return Err(Error::invalid("subject_object_type", "must be a valid type name").into());
        }
        let relation = (!r.optional_subject_relation.is_empty())
            .then_some(r.optional_subject_relation.as_str());
        let scope = CursorScope::of(
            "LookupSubjects",
            &[
                &resource_type,
                &resource_id,
                &r.permission,
                &r.subject_object_type,
                &r.optional_subject_relation,
            ],
        );
        let after = scope.after(&r.optional_cursor, "optional_cursor")?;
        self.consistent(r.consistency.as_ref()).await?;
        let relation = relation.map(str::to_owned);
        let (permission, subject_type) = (r.permission.clone(), r.subject_object_type.clone());
        let results = lookup_stream(
            self.replica.clone(),
            (after, r.optional_limit),
            ("resource", "subject_object_type"),
            move |checker, page, walked| {
                let resource = (resource_type.as_str(), resource_id.as_str());
                let ids = checker.lookup_subjects_in_stream(
                    resource,
                    &permission,
                    (&subject_type, relation.as_deref()),
                    page,
                    walked,
                )?;
                let mut excluded = match ids.iter().any(|id| id == "*") {
                    true => {
                        checker.wildcard_exclusions(resource, &permission, &subject_type, walked)?
                    }
                    false => Vec::new(),
                };
                Ok(ids
                    .into_iter()
                    .map(|id| match id == "*" {
                        true => (id, std::mem::take(&mut excluded)),
                        false => (id, Vec::new()),
                    })
                    .collect())
            },
            move |id, excluded: Vec<String>, at| pb::LookupSubjectsResponse {
                looked_up_at: Some(at.clone()),
                after_result_cursor: scope.cursor_for(&id),
                subject: Some(pb::ResolvedSubject {
                    subject_object_id: id,
                }),
                excluded_subjects: (excluded.into_iter())
                    .map(|subject_object_id| pb::ResolvedSubject { subject_object_id })
                    .collect(),
            },
        )?;
        Ok(Response::new(results))
    }

    async fn write_schema(
        &self,
        req: Request<pb::WriteSchemaRequest>,
    ) -> Result<Response<pb::WriteSchemaResponse>, Status> {
        self.require_admin(&req).await?;
        let text = &req.get_ref().schema;
        let schema = parse(text).map_err(|e| Error::invalid("schema", e.to_string()))?;
        let revision = self
            .store
            .write_schema(text, |shape| schema_accepts(&schema, shape), now_ms())
            .await?
            .map_err(|refused| {
                let examples: Vec<String> = refused
                    .iter()
                    .take(5)
                    .map(|s| {
                        let subject = if s.wildcard {
                            format!("{}:*", s.subject_type)
                        } else if s.subject_relation.is_empty() {
                            s.subject_type.clone()
                        } else {
                            format!("{}#{}", s.subject_type, s.subject_relation)
                        };
                        format!("{}#{}@{subject}", s.resource_type, s.relation)
                    })
                    .collect();
                Error::Rejected {
                    code: Code::FailedPrecondition,
                    reason: "SCHEMA_ORPHANS_RELATIONSHIPS",
                    message: format!(
                        "the new schema no longer accepts {} kind(s) of stored relationships ({}{}); delete them first; nothing was written",
                        refused.len(),
                        if refused.len() > examples.len() { "the first 5: " } else { "" },
                        examples.join(", ")
                    ),
                }
            })?;
        // The replica parses the stored text again as it applies it: one
        // parse at a time (a schema of megabytes parses to hundreds).
        drop(schema);
        Ok(Response::new(pb::WriteSchemaResponse {
            written_at: Some(self.after_write(revision).await),
        }))
    }

    async fn read_schema(
        &self,
        req: Request<pb::ReadSchemaRequest>,
    ) -> Result<Response<pb::ReadSchemaResponse>, Status> {
        self.require_reader(&req).await?;
        let state = self.replica.read();
        Ok(Response::new(pb::ReadSchemaResponse {
            schema: state.schema_text.clone(),
            read_at: Some(revision_token(state.revision)),
        }))
    }

    async fn define_role(
        &self,
        req: Request<pb::DefineRoleRequest>,
    ) -> Result<Response<pb::DefineRoleResponse>, Status> {
        self.require_admin(&req).await?;
        let r = req.get_ref();
        let mut violations = Vec::new();
        if !valid_role(&r.role) {
            violations.push(FieldViolation::new(
                "role",
                "1-64 characters: lower-case letters, digits and _.:-, starting with a letter",
            ));
        }
        for p in &r.permissions {
            if !valid_permission(p) {
                violations.push(FieldViolation::new(
                    "permissions",
                    format!("{p:?}: 1-128 printable characters without spaces"),
                ));
            }
        }
        for (k, v) in &r.attributes {
            if !valid_permission(k) || v.len() > 1024 {
                violations.push(FieldViolation::new("attributes", format!("{k:?}: keys are 1-128 printable characters without spaces, values at most 1024 bytes")));
            }
        }
        if !violations.is_empty() {
            return Err(Error::InvalidArgument(violations).into());
        }
        let mut permissions = r.permissions.clone();
        permissions.sort();
        permissions.dedup();
        let attributes: BTreeMap<String, String> = r.attributes.clone().into_iter().collect();
        self.roles
            .define_role(&r.role, &permissions, &attributes)
            .await?;
        let holders = self.roles.users_with_role(&r.role).await?;
        self.reenrich(&holders).await?;
        Ok(Response::new(pb::DefineRoleResponse {}))
    }

    async fn assign_role(
        &self,
        req: Request<pb::AssignRoleRequest>,
    ) -> Result<Response<pb::AssignRoleResponse>, Status> {
        self.require_admin(&req).await?;
        let r = req.get_ref();
        required_user_id(&r.user_id)?;
        required_role(&r.role)?;
        if !self.roles.role_exists(&r.role).await? {
            return Err(role_not_found(&r.role).into());
        }
        if self.users.find_user(&r.user_id).await?.is_none() {
            return Err(Error::NotFound("user").into());
        }
        if !self.roles.grant_role(&r.user_id, &r.role).await? {
            // The role or the user was deleted since it was looked up.
            return Err(if self.roles.role_exists(&r.role).await? {
                Error::NotFound("user").into()
            } else {
                role_not_found(&r.role).into()
            });
        }
        self.reenrich(std::slice::from_ref(&r.user_id)).await?;
        Ok(Response::new(pb::AssignRoleResponse {}))
    }

    async fn unassign_role(
        &self,
        req: Request<pb::UnassignRoleRequest>,
    ) -> Result<Response<pb::UnassignRoleResponse>, Status> {
        self.require_admin(&req).await?;
        let r = req.get_ref();
        required_user_id(&r.user_id)?;
        required_role(&r.role)?;
        self.roles.revoke_role(&r.user_id, &r.role).await?;
        // Also when nothing was removed: the sessions then get the current grants again.
        self.reenrich(std::slice::from_ref(&r.user_id)).await?;
        Ok(Response::new(pb::UnassignRoleResponse {}))
    }

    async fn list_user_roles(
        &self,
        req: Request<pb::ListUserRolesRequest>,
    ) -> Result<Response<pb::ListUserRolesResponse>, Status> {
        let ctx = AuthContext::of(&req)?;
        let user_id = match req.get_ref().user_id.as_str() {
            "" => ctx.user_id.clone(),
            id if id == ctx.user_id => id.to_owned(),
            id => {
                self.require_admin(&req).await?;
                required_user_id(id)?.to_owned()
            }
        };
        Ok(Response::new(pb::ListUserRolesResponse {
            roles: self.roles.user_roles(&user_id).await?,
        }))
    }

    async fn get_role(
        &self,
        req: Request<pb::GetRoleRequest>,
    ) -> Result<Response<pb::GetRoleResponse>, Status> {
        self.require_admin(&req).await?;
        let role = required_role(&req.get_ref().role)?;
        match self.roles.role(role).await? {
            Some(found) => Ok(Response::new(pb::GetRoleResponse {
                role: Some(role_message(found)),
            })),
            None => Err(role_not_found(role).into()),
        }
    }

    async fn list_roles(
        &self,
        req: Request<pb::ListRolesRequest>,
    ) -> Result<Response<pb::ListRolesResponse>, Status> {
        self.require_admin(&req).await?;
        let r = req.get_ref();
        let page = PageRequest::new(r.page_size, &r.page_token, valid_role)?;
        let roles = self.roles.list_roles(&page.after, page.fetch()).await?;
        let (roles, next_page_token) = page.page(roles, |role| &role.name);
        Ok(Response::new(pb::ListRolesResponse {
            roles: roles.into_iter().map(role_message).collect(),
            next_page_token,
        }))
    }

    async fn delete_role(
        &self,
        req: Request<pb::DeleteRoleRequest>,
    ) -> Result<Response<pb::DeleteRoleResponse>, Status> {
        self.require_admin(&req).await?;
        let role = required_role(&req.get_ref().role)?;
        if role == ADMIN_ROLE {
            return Err(Error::Rejected {
                code: Code::FailedPrecondition,
                reason: "ROLE_BUILT_IN",
                message: format!("the built-in role {ADMIN_ROLE:?} cannot be deleted"),
            }
            .into());
        }
        let Some(holders) = self.roles.delete_role(role).await? else {
            return Err(role_not_found(role).into());
        };
        self.reenrich(&holders).await?;
        Ok(Response::new(pb::DeleteRoleResponse {
            unassigned_users: holders.len() as i64,
        }))
    }
}

fn role_not_found(role: &str) -> Error {
    Error::Rejected {
        code: Code::NotFound,
        reason: "ROLE_NOT_FOUND",
        message: format!("role {role:?} is not defined"),
    }
}

fn role_message(role: RoleDefinition) -> pb::Role {
    pb::Role {
        name: role.name,
        permissions: role.permissions,
        attributes: role.attributes.into_iter().collect(),
        // The built-in `admin` was never defined.
        updated_at: (role.updated_at_ms > 0).then(|| timestamp_from_ms(role.updated_at_ms)),
        user_count: role.user_count,
    }
}

/// A per-item error of a bulk check, as text.
fn describe(e: &Error) -> String {
    match e {
        Error::InvalidArgument(v) => v
            .iter()
            .map(|v| format!("{}: {}", v.field, v.description))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.public_message().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures::executor::block_on;

    use super::*;

    /// What a stream yielded, one result or status at a time.
    type Streamed = Vec<Result<String, Status>>;

    /// A paged stream over `keys` (sorted), recording the limit of each fetch
    /// and failing the fetch numbered `fail_at`.
    fn over(
        keys: Vec<String>,
        after: Option<&str>,
        limit: u32,
        fail_at: Option<usize>,
    ) -> (Result<Streamed, Status>, Vec<usize>) {
        let fetches = Arc::new(Mutex::new(Vec::new()));
        let seen = fetches.clone();
        let stream = paged(after.map(str::to_owned), limit, move |page| {
            let mut seen = seen.lock().unwrap();
            if Some(seen.len()) == fail_at {
                return Err(Status::invalid_argument("gone"));
            }
            seen.push(page.limit);
            let from = page
                .after
                .map_or(0, |a| keys.partition_point(|k| k.as_str() <= a));
            Ok(keys[from..]
                .iter()
                .take(page.limit)
                .map(|k| (k.clone(), k.clone()))
                .collect())
        });
        let results = stream.map(|s| block_on(s.collect::<Vec<_>>()));
        let fetches = fetches.lock().unwrap().clone();
        (results, fetches)
    }

    fn keys(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("k{i:05}")).collect()
    }

    fn ok(results: Streamed) -> Vec<String> {
        results.into_iter().map(Result::unwrap).collect()
    }

    #[test]
    fn a_stream_reads_every_result_once_in_pages() {
        let (results, fetches) = over(keys(2_500), None, 0, None);
        assert_eq!(ok(results.unwrap()), keys(2_500));
        assert_eq!(fetches, [STREAM_PAGE; 3], "the short third page ends it");

        // Exactly two pages: a third fetch finds nothing.
        let (results, fetches) = over(keys(2_000), None, 0, None);
        assert_eq!(ok(results.unwrap()).len(), 2_000);
        assert_eq!(fetches.len(), 3);

        let (results, _) = over(keys(0), None, 0, None);
        assert!(results.unwrap().is_empty());
    }

    #[test]
    fn a_stream_stops_at_its_limit_and_starts_after_its_cursor() {
        let (results, fetches) = over(keys(2_500), None, 1_500, None);
        assert_eq!(ok(results.unwrap()), keys(1_500));
        assert_eq!(
            fetches,
            [STREAM_PAGE, 500],
            "nothing fetched past the limit"
        );

        let (results, fetches) = over(keys(2_500), None, 1_000, None);
        assert_eq!(ok(results.unwrap()).len(), 1_000);
        assert_eq!(fetches, [STREAM_PAGE]);

        let (results, _) = over(keys(2_500), Some("k00999"), 0, None);
        assert_eq!(ok(results.unwrap()), keys(2_500)[1_000..]);
        let (results, _) = over(keys(2_500), Some("k02499"), 0, None);
        assert!(results.unwrap().is_empty());
    }

    #[test]
    fn a_failed_first_page_is_the_status_and_a_later_one_ends_the_stream() {
        let (results, _) = over(keys(2_500), None, 0, Some(0));
        assert_eq!(results.err().unwrap().code(), Code::InvalidArgument);

        let (results, fetches) = over(keys(2_500), None, 0, Some(1));
        let results = results.unwrap();
        assert_eq!(results.len(), STREAM_PAGE + 1);
        assert!(results[..STREAM_PAGE].iter().all(Result::is_ok));
        assert_eq!(
            results[STREAM_PAGE].as_ref().unwrap_err().code(),
            Code::InvalidArgument
        );
        assert_eq!(fetches.len(), 1, "nothing fetched after the failure");
    }
}
