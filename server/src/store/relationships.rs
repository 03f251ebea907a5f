//! Relationships, the authorization schema and the change log replicas catch
//! up from, in SQL (SQLite or PostgreSQL). Every write transaction first bumps
//! the revision in `authz_meta`, which holds that row's lock until commit: writes
//! are serialized, revisions strictly increase, and preconditions are checked
//! against a state no concurrent write can change.

use std::collections::{HashMap, HashSet};
use std::time::SystemTime;

use futures::{Stream, TryStreamExt};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::sql::{Dialect, SqlStore};
use super::unix_ms;
use crate::error::Error;

/// The subject of a relationship or a check: `type:id` or `type:id#relation`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Subject {
    /// Object type.
    pub object_type: String,
    /// Object id (`*` for a wildcard in a relationship).
    pub object_id: String,
    /// Optional relation (a subject set).
    pub relation: Option<String>,
}

impl Subject {
    /// `type:id`.
    pub fn object(object_type: &str, object_id: &str) -> Self {
        Self {
            object_type: object_type.into(),
            object_id: object_id.into(),
            relation: None,
        }
    }

    /// `type:id#relation`.
    pub fn set(object_type: &str, object_id: &str, relation: &str) -> Self {
        Self {
            object_type: object_type.into(),
            object_id: object_id.into(),
            relation: Some(relation.into()),
        }
    }
}

/// A [`Subject`] borrowed from where it was read (a request), so that a
/// check asks about it without copying its names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubjectRef<'a> {
    /// Object type.
    pub object_type: &'a str,
    /// Object id.
    pub object_id: &'a str,
    /// Optional relation (a subject set).
    pub relation: Option<&'a str>,
}

impl SubjectRef<'_> {
    /// An owned copy.
    pub fn owned(self) -> Subject {
        Subject {
            object_type: self.object_type.into(),
            object_id: self.object_id.into(),
            relation: self.relation.map(str::to_owned),
        }
    }
}

impl<'a> From<&'a Subject> for SubjectRef<'a> {
    fn from(s: &'a Subject) -> Self {
        Self {
            object_type: &s.object_type,
            object_id: &s.object_id,
            relation: s.relation.as_deref(),
        }
    }
}

/// A relationship `resource#relation@subject`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tuple {
    /// Resource type.
    pub resource_type: String,
    /// Resource id.
    pub resource_id: String,
    /// Relation.
    pub relation: String,
    /// Subject.
    pub subject: Subject,
}

impl Tuple {
    /// `type:id#relation@type:id[#relation]`, for messages.
    pub fn display(&self) -> String {
        let mut text = format!(
            "{}:{}#{}@{}:{}",
            self.resource_type,
            self.resource_id,
            self.relation,
            self.subject.object_type,
            self.subject.object_id
        );
        if let Some(rel) = &self.subject.relation {
            text.push('#');
            text.push_str(rel);
        }
        text
    }
}

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A relationship was created or replaced, with its expiry (Unix ms).
    Upsert(Tuple, Option<i64>),
    /// A relationship was deleted.
    Delete(Tuple),
    /// The schema was replaced by this text.
    Schema(String),
    /// A write that changed nothing (every revision has a log entry, so a
    /// replica can tell a quiet revision from one it has not read yet).
    Nothing,
}

/// Selects relationships; `None` fields match anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationshipFilter {
    /// Resource type (always set).
    pub resource_type: String,
    /// Resource id.
    pub resource_id: Option<String>,
    /// Relation.
    pub relation: Option<String>,
    /// Subject type.
    pub subject_type: Option<String>,
    /// Subject id.
    pub subject_id: Option<String>,
    /// Subject relation (`Some("")` selects plain object subjects).
    pub subject_relation: Option<String>,
}

impl RelationshipFilter {
    /// Whether a relationship matches.
    pub fn matches(&self, t: &Tuple) -> bool {
        let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        self.resource_type == t.resource_type
            && eq(&self.resource_id, &t.resource_id)
            && eq(&self.relation, &t.relation)
            && eq(&self.subject_type, &t.subject.object_type)
            && eq(&self.subject_id, &t.subject.object_id)
            && eq(
                &self.subject_relation,
                t.subject.relation.as_deref().unwrap_or(""),
            )
    }

    /// `WHERE` conditions for matches live (unexpired) at `now_ms`, with
    /// their binds, numbering placeholders from `$first`. The time is a
    /// literal: a number this code formats, never the caller's text.
    fn sql(&self, first: usize, now_ms: i64) -> (String, Vec<String>) {
        let mut conds = vec![format!("resource_type = ${first}")];
        let mut binds = vec![self.resource_type.clone()];
        for (column, value) in [
            ("resource_id", &self.resource_id),
            ("relation", &self.relation),
            ("subject_type", &self.subject_type),
            ("subject_id", &self.subject_id),
            ("subject_relation", &self.subject_relation),
        ] {
            if let Some(v) = value {
                binds.push(v.clone());
                conds.push(format!("{column} = ${}", first + binds.len() - 1));
            }
        }
        conds.push(format!("(expires_at IS NULL OR expires_at > {now_ms})"));
        (conds.join(" AND "), binds)
    }
}

/// What a write does with one relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOp {
    /// Create; the write fails if it exists (and has not expired).
    Create,
    /// Create or replace.
    Touch,
    /// Delete if present.
    Delete,
}

/// One change of a write: what to do, the relationship, its expiry (Unix ms).
pub type Update = (WriteOp, Tuple, Option<i64>);

/// A condition a write needs to hold when it commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precondition {
    /// `true`: some live relationship must match; `false`: none may.
    pub must_match: bool,
    /// The relationships it is about.
    pub filter: RelationshipFilter,
}

/// Why a relationship write was refused; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteRefusal {
    /// The `CREATE` at this index found the relationship already there.
    Exists(usize),
    /// The precondition at this index did not hold.
    Precondition(usize),
    /// The stored schema is not the one the updates were validated against.
    SchemaChanged,
    /// More relationships match the delete than its limit, which is this.
    OverLimit(usize),
}

/// How many relationships a delete may remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeleteLimit {
    /// At most this many.
    pub at_most: usize,
    /// When more match: delete `at_most` of them (true), or nothing (false).
    pub partial: bool,
}

/// What a delete did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deleted {
    /// The revision it committed at.
    pub revision: i64,
    /// How many relationships it deleted (expired ones included).
    pub count: u64,
    /// Whether it deleted every match (false: a partial delete, more match).
    pub complete: bool,
}

/// One distinct shape of stored relationships, for the schema orphan check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipShape {
    /// Resource type.
    pub resource_type: String,
    /// Relation.
    pub relation: String,
    /// Subject type.
    pub subject_type: String,
    /// Subject relation, `""` for none.
    pub subject_relation: String,
    /// Whether the subject is the wildcard `*`.
    pub wildcard: bool,
}

const OP_UPSERT: i64 = 1;
const OP_DELETE: i64 = 2;
const OP_SCHEMA: i64 = 3;
const OP_NOTHING: i64 = 0;

fn tuple_from_row(row: &AnyRow) -> Result<Tuple, sqlx::Error> {
    Ok(tuple_from_columns(
        [
            row.try_get("resource_type")?,
            row.try_get("resource_id")?,
            row.try_get("relation")?,
        ],
        [
            row.try_get("subject_type")?,
            row.try_get("subject_id")?,
            row.try_get("subject_relation")?,
        ],
    ))
}

/// A relationship from its stored columns: the resource's type, id and
/// relation, and the subject's type, id and relation (empty for none).
fn tuple_from_columns(resource: [String; 3], subject: [String; 3]) -> Tuple {
    let [resource_type, resource_id, relation] = resource;
    let [object_type, object_id, subject_relation] = subject;
    Tuple {
        resource_type,
        resource_id,
        relation,
        subject: Subject {
            object_type,
            object_id,
            relation: (!subject_relation.is_empty()).then_some(subject_relation),
        },
    }
}

const TUPLE_COLUMNS: &str =
    "resource_type, resource_id, relation, subject_type, subject_id, subject_relation";

/// Takes the write lock (the `authz_meta` row) and returns the new revision.
async fn next_revision(tx: &mut Transaction<'_, Any>) -> Result<i64, Error> {
    Ok(next_revision_and_schema(tx).await?.0)
}

/// [`next_revision`], also returning the schema text as of the lock.
async fn next_revision_and_schema(tx: &mut Transaction<'_, Any>) -> Result<(i64, String), Error> {
    let row = sqlx::query(
        "UPDATE authz_meta SET revision = revision + 1 WHERE id = 1 RETURNING revision, schema_text",
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((row.try_get("revision")?, row.try_get("schema_text")?))
}

/// Relationships in one page of a load from SQLite (see
/// [`SqlStore::each_relationship_in_pages`]): about 60 KB of JSON, read and
/// indexed in about 2 ms between two returns to the runtime.
const LOAD_PAGE: i64 = 1000;

/// A relationship as a load page lists it: the [`TUPLE_COLUMNS`], then
/// `expires_at`.
#[derive(serde::Deserialize)]
struct LoadedRow(String, String, String, String, String, String, Option<i64>);

/// A change as a page of the log lists it: revision, seq, op, the
/// [`TUPLE_COLUMNS`], `expires_at` and `schema_text`.
#[derive(serde::Deserialize)]
struct LoggedRow(
    i64,
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
);

impl LoggedRow {
    /// The revision and the change.
    fn change(self) -> (i64, Change) {
        let LoggedRow(revision, _, op, r_type, r_id, relation, kind, id, set, expires, schema) =
            self;
        let tuple = tuple_from_columns([r_type, r_id, relation], [kind, id, set]);
        (revision, change_from(op, tuple, expires, schema))
    }
}

/// Up to [`LOAD_PAGE`] changes of the SQLite log after `after` (revision,
/// seq) up to revision `until`, in order, read in one query as JSON.
async fn changes_page<'e>(
    executor: impl sqlx::Executor<'e, Database = Any>,
    after: (i64, i64),
    until: i64,
) -> Result<Vec<LoggedRow>, Error> {
    let sql = format!(
        "SELECT json_group_array(json_array(revision, seq, op, {TUPLE_COLUMNS}, expires_at, \
         schema_text) ORDER BY revision, seq) AS page FROM \
         (SELECT * FROM relationship_changes WHERE (revision, seq) > ($1, $2) \
         AND revision <= $3 ORDER BY revision, seq LIMIT $4)"
    );
    let page: String = sqlx::query(&sql)
        .bind(after.0)
        .bind(after.1)
        .bind(until)
        .bind(LOAD_PAGE)
        .fetch_one(executor)
        .await?
        .try_get("page")?;
    serde_json::from_str(&page).map_err(|e| Error::Internal(format!("change log page: {e}")))
}

/// The oldest revision the change log holds.
async fn oldest_logged<'e>(
    executor: impl sqlx::Executor<'e, Database = Any>,
) -> Result<Option<i64>, Error> {
    Ok(
        sqlx::query("SELECT MIN(revision) AS oldest FROM relationship_changes")
            .fetch_one(executor)
            .await?
            .try_get("oldest")?,
    )
}

/// A logged change from its columns: `op`, the relationship (empty but for
/// upserts and deletes), `expires_at` and `schema_text`.
fn change_from(op: i64, tuple: Tuple, expires: Option<i64>, schema: Option<String>) -> Change {
    match op {
        OP_UPSERT => Change::Upsert(tuple, expires),
        OP_DELETE => Change::Delete(tuple),
        OP_NOTHING => Change::Nothing,
        _ => Change::Schema(schema.unwrap_or_default()),
    }
}

/// Rows read between two returns to the runtime (see [`each_row`]).
const ROWS_BETWEEN_YIELDS: usize = 256;

/// Hands every row of `rows` to `each`, returning to the runtime every
/// [`ROWS_BETWEEN_YIELDS`] rows. sqlx delivers the rows of a large result
/// (a broad delete's matches, a catch-up's changes) faster than they are
/// converted, so without this the task never yields: the runtime worker
/// running it serves nothing else for as long as the read lasts (hundreds
/// of milliseconds at 100,000 rows), and the connection tasks queued on it
/// wait, every check on them with them.
async fn each_row(
    rows: impl Stream<Item = Result<AnyRow, sqlx::Error>>,
    mut each: impl FnMut(&AnyRow) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut rows = std::pin::pin!(rows);
    let mut read = 0_usize;
    while let Some(row) = rows.try_next().await? {
        each(&row)?;
        read += 1;
        if read.is_multiple_of(ROWS_BETWEEN_YIELDS) {
            tokio::task::yield_now().await;
        }
    }
    Ok(())
}

/// Logs a write's changes under `revision`, in order (`seq` 0, 1, ...),
/// with as few statements as [`chunks`] allows. A write that changed
/// nothing logs [`Change::Nothing`]: every revision has a row.
async fn log_changes(
    tx: &mut Transaction<'_, Any>,
    dialect: Dialect,
    revision: i64,
    changes: &[Change],
) -> Result<(), Error> {
    let empty = Tuple {
        resource_type: String::new(),
        resource_id: String::new(),
        relation: String::new(),
        subject: Subject::object("", ""),
    };
    let changes = if changes.is_empty() {
        &[Change::Nothing]
    } else {
        changes
    };
    let committed_at = unix_ms(SystemTime::now());
    let mut seq = 0_i64;
    for chunk in chunks(changes) {
        let sql = format!(
            "INSERT INTO relationship_changes \
             (revision, seq, op, {TUPLE_COLUMNS}, expires_at, schema_text, committed_at) \
             VALUES {}",
            placeholders(dialect, chunk.len(), 12)
        );
        let mut query = sqlx::query(&sql);
        for change in chunk {
            let (op, tuple, expires, schema) = match change {
                Change::Upsert(t, e) => (OP_UPSERT, t, *e, None),
                Change::Delete(t) => (OP_DELETE, t, None, None),
                Change::Schema(text) => (OP_SCHEMA, &empty, None, Some(text.as_str())),
                Change::Nothing => (OP_NOTHING, &empty, None, None),
            };
            query = bind_tuple(query.bind(revision).bind(seq).bind(op), tuple)
                .bind(expires)
                .bind(schema)
                .bind(committed_at);
            seq += 1;
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Deletes the relationships matching `conds` (bound to `binds` as `$1`,
/// `$2`, ...), all of them or the `first` in key order, and logs each under
/// `revision`, in two statements: the rows never leave the database. Read
/// out and logged back in, the 116,392 viewers of the 1,000,000 data set
/// took 4.4-11.4 s to delete on SQLite; this way, with the log read back in
/// pages, 1.5-2.7 s (in calls of 10,000: 7.3-8.5 s, now 5.2-6.3 s). Returns
/// how many.
async fn log_and_delete_matches(
    tx: &mut Transaction<'_, Any>,
    dialect: Dialect,
    revision: i64,
    (conds, binds): (&str, &[String]),
    first: Option<usize>,
) -> Result<u64, Error> {
    let matches = match first {
        None => format!("relationships WHERE {conds}"),
        Some(n) => format!(
            "(SELECT {TUPLE_COLUMNS} FROM relationships WHERE {conds} \
             ORDER BY {TUPLE_COLUMNS} LIMIT {n}) AS first_matches"
        ),
    };
    let log = format!(
        "INSERT INTO relationship_changes \
         (revision, seq, op, {TUPLE_COLUMNS}, expires_at, schema_text, committed_at) \
         SELECT CAST(${revision_at} AS BIGINT), ROW_NUMBER() OVER (ORDER BY {TUPLE_COLUMNS}) - 1, \
         {OP_DELETE}, {TUPLE_COLUMNS}, NULL, NULL, CAST(${committed_at} AS BIGINT) \
         FROM {matches}",
        revision_at = binds.len() + 1,
        committed_at = binds.len() + 2,
    );
    let mut query = sqlx::query(&log);
    for b in binds {
        query = query.bind(b.as_str());
    }
    let committed_at = unix_ms(SystemTime::now());
    let logged = query
        .bind(revision)
        .bind(committed_at)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if logged == 0 {
        // Every revision has a row in the log.
        log_changes(tx, dialect, revision, &[]).await?;
        return Ok(0);
    }
    let deleted = if first.is_none() {
        let delete = format!("DELETE FROM relationships WHERE {conds}");
        let mut query = sqlx::query(&delete);
        for b in binds {
            query = query.bind(b.as_str());
        }
        query.execute(&mut **tx).await?.rows_affected()
    } else {
        // Exactly what was just logged: each a lookup by primary key.
        let delete = format!(
            "DELETE FROM relationships WHERE ({TUPLE_COLUMNS}) IN \
             (SELECT {TUPLE_COLUMNS} FROM relationship_changes WHERE revision = $1)"
        );
        sqlx::query(&delete)
            .bind(revision)
            .execute(&mut **tx)
            .await?
            .rows_affected()
    };
    debug_assert_eq!(deleted, logged, "the write lock keeps the matches still");
    Ok(deleted)
}

/// How many relationships match `conds` (bound to `binds`), counting no
/// further than `up_to`.
async fn count_matches(
    tx: &mut Transaction<'_, Any>,
    (conds, binds): (&str, &[String]),
    up_to: usize,
) -> Result<usize, Error> {
    let count = format!(
        "SELECT COUNT(*) FROM \
         (SELECT 1 FROM relationships WHERE {conds} LIMIT {up_to}) AS up_to"
    );
    let mut query = sqlx::query_scalar::<_, i64>(&count);
    for b in binds {
        query = query.bind(b.as_str());
    }
    Ok(usize::try_from(query.fetch_one(&mut **tx).await?).unwrap_or(usize::MAX))
}

/// Most rows one multi-row statement writes.
const ROWS_PER_STATEMENT: usize = 256;

/// `rows` cut into runs of a power of two rows, largest first, at most
/// [`ROWS_PER_STATEMENT`]: a few statement shapes cover every length, so the
/// driver's prepared-statement cache keeps them all.
fn chunks<T>(mut rows: &[T]) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        if rows.is_empty() {
            return None;
        }
        let take = ROWS_PER_STATEMENT.min(1 << rows.len().ilog2());
        let (chunk, rest) = rows.split_at(take);
        rows = rest;
        Some(chunk)
    })
}

/// `(?, ?, ...), ...` (SQLite) or `($1, $2, ...), ...` (PostgreSQL) for
/// `rows` rows of `columns`. SQLite binds `?` by position; a `$n` it looks
/// up by name, through a list as long as the statement's parameters, which
/// made binding a statement of 3,000 parameters cost more than running it.
fn placeholders(dialect: Dialect, rows: usize, columns: usize) -> String {
    let row = |row: usize| -> String {
        let params: Vec<String> = (1..=columns)
            .map(|column| match dialect {
                Dialect::Sqlite => "?".to_owned(),
                Dialect::Postgres => format!("${}", row * columns + column),
            })
            .collect();
        format!("({})", params.join(", "))
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

/// Upserts relationships (no one twice: PostgreSQL refuses to update a row
/// twice in one statement).
async fn upsert(
    tx: &mut Transaction<'_, Any>,
    dialect: Dialect,
    rows: &[(&Tuple, Option<i64>)],
) -> Result<(), Error> {
    for chunk in chunks(rows) {
        let sql = format!(
            "INSERT INTO relationships ({TUPLE_COLUMNS}, expires_at) VALUES {} \
             ON CONFLICT ({TUPLE_COLUMNS}) DO UPDATE SET expires_at = excluded.expires_at",
            placeholders(dialect, chunk.len(), 7)
        );
        let mut query = sqlx::query(&sql);
        for (tuple, expires) in chunk {
            query = bind_tuple(query, tuple).bind(*expires);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Deletes relationships, as many to a statement as [`chunks`] allows.
async fn delete(
    tx: &mut Transaction<'_, Any>,
    dialect: Dialect,
    tuples: &[&Tuple],
) -> Result<(), Error> {
    for chunk in chunks(tuples) {
        let sql = format!(
            "DELETE FROM relationships WHERE ({TUPLE_COLUMNS}) IN (VALUES {})",
            placeholders(dialect, chunk.len(), 6)
        );
        let mut query = sqlx::query(&sql);
        for tuple in chunk {
            query = bind_tuple(query, tuple);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Those of `tuples` stored and not expired at `now_ms`, as many to a
/// statement as [`chunks`] allows.
async fn live_among(
    tx: &mut Transaction<'_, Any>,
    dialect: Dialect,
    tuples: &[&Tuple],
    now_ms: i64,
) -> Result<HashSet<Tuple>, Error> {
    let mut live = HashSet::new();
    for chunk in chunks(tuples) {
        let now = match dialect {
            Dialect::Sqlite => "?".to_owned(),
            Dialect::Postgres => format!("${}", chunk.len() * 6 + 1),
        };
        let sql = format!(
            "SELECT {TUPLE_COLUMNS} FROM relationships \
             WHERE ({TUPLE_COLUMNS}) IN (VALUES {}) \
             AND (expires_at IS NULL OR expires_at > {now})",
            placeholders(dialect, chunk.len(), 6)
        );
        let mut query = sqlx::query(&sql);
        for tuple in chunk {
            query = bind_tuple(query, tuple);
        }
        for row in query.bind(now_ms).fetch_all(&mut **tx).await? {
            live.insert(tuple_from_row(&row)?);
        }
    }
    Ok(live)
}

/// Whether some live relationship matches `filter`.
async fn any_match(
    tx: &mut Transaction<'_, Any>,
    filter: &RelationshipFilter,
    now_ms: i64,
) -> Result<bool, Error> {
    let (conds, binds) = filter.sql(1, now_ms);
    let sql = format!("SELECT 1 AS one FROM relationships WHERE {conds} LIMIT 1");
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b.as_str());
    }
    Ok(query.fetch_optional(&mut **tx).await?.is_some())
}

async fn check_preconditions(
    tx: &mut Transaction<'_, Any>,
    preconditions: &[Precondition],
    now_ms: i64,
) -> Result<Option<usize>, Error> {
    for (i, p) in preconditions.iter().enumerate() {
        if any_match(tx, &p.filter, now_ms).await? != p.must_match {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

fn bind_tuple<'q>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    t: &'q Tuple,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(t.resource_type.as_str())
        .bind(t.resource_id.as_str())
        .bind(t.relation.as_str())
        .bind(t.subject.object_type.as_str())
        .bind(t.subject.object_id.as_str())
        .bind(t.subject.relation.as_deref().unwrap_or(""))
}

impl SqlStore {
    /// The latest revision and the schema text.
    pub async fn authz_head(&self) -> Result<(i64, String), Error> {
        let row = sqlx::query("SELECT revision, schema_text FROM authz_meta WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        Ok((row.try_get("revision")?, row.try_get("schema_text")?))
    }

    /// Every stored relationship with its expiry, streamed into `each`.
    pub async fn each_relationship(
        &self,
        mut each: impl FnMut(Tuple, Option<i64>),
    ) -> Result<(), Error> {
        if self.dialect() == Dialect::Sqlite {
            return self.each_relationship_in_pages(each).await;
        }
        let sql = format!("SELECT {TUPLE_COLUMNS}, expires_at FROM relationships");
        let rows = sqlx::query(&sql).fetch(self.pool());
        each_row(rows, |row| {
            each(tuple_from_row(row)?, row.try_get("expires_at")?);
            Ok(())
        })
        .await
    }

    /// [`Self::each_relationship`] on SQLite. sqlx's SQLite driver reads on a
    /// thread of its own and hands each row over with a copy of each value,
    /// which the reader's thread frees: at 1,000,000 rows the two threads
    /// spent more time waiting on a lock and waking each other than reading
    /// (9.2 s to load; 2.3 s in pages). So this asks SQLite for
    /// [`LOAD_PAGE`] rows at a time packed into one JSON array, in `rowid`
    /// order, all in one read transaction: one snapshot, as one query reads.
    async fn each_relationship_in_pages(
        &self,
        mut each: impl FnMut(Tuple, Option<i64>),
    ) -> Result<(), Error> {
        let sql = format!(
            "SELECT json_group_array(json_array({TUPLE_COLUMNS}, expires_at)) AS page, \
             MAX(rowid) AS last FROM \
             (SELECT rowid, * FROM relationships WHERE rowid > $1 ORDER BY rowid LIMIT $2)"
        );
        let mut tx = self.pool().begin().await?;
        let mut after = i64::MIN;
        loop {
            let row = sqlx::query(&sql)
                .bind(after)
                .bind(LOAD_PAGE)
                .fetch_one(&mut *tx)
                .await?;
            let Some(last) = row.try_get::<Option<i64>, _>("last")? else {
                break;
            };
            let page: String = row.try_get("page")?;
            let rows: Vec<LoadedRow> = serde_json::from_str(&page)
                .map_err(|e| Error::Internal(format!("relationships page: {e}")))?;
            for LoadedRow(resource_type, resource_id, relation, kind, id, set, expires) in rows {
                let subject = [kind, id, set];
                each(
                    tuple_from_columns([resource_type, resource_id, relation], subject),
                    expires,
                );
            }
            after = last;
            tokio::task::yield_now().await;
        }
        tx.rollback().await?;
        Ok(())
    }

    /// Changes after `revision`, in order, at most `limit` revisions' worth
    /// (a revision's changes are never split). Also returns the oldest
    /// revision the log still holds, so a replica can tell it fell behind.
    pub async fn changes_since(
        &self,
        revision: i64,
        limit: i64,
    ) -> Result<(Vec<(i64, Change)>, Option<i64>), Error> {
        if self.dialect() == Dialect::Sqlite {
            return self.changes_since_in_pages(revision, limit).await;
        }
        let sql = format!(
            "SELECT revision, op, {TUPLE_COLUMNS}, expires_at, schema_text FROM relationship_changes \
             WHERE revision > $1 AND revision <= $2 ORDER BY revision, seq"
        );
        let query = sqlx::query(&sql)
            .bind(revision)
            .bind(revision.saturating_add(limit));
        let mut changes = Vec::new();
        each_row(query.fetch(self.pool()), |row| {
            let change = change_from(
                row.try_get("op")?,
                tuple_from_row(row)?,
                row.try_get("expires_at")?,
                row.try_get("schema_text")?,
            );
            changes.push((row.try_get("revision")?, change));
            Ok(())
        })
        .await?;
        Ok((changes, oldest_logged(self.pool()).await?))
    }

    /// [`Self::changes_since`] on SQLite, [`LOAD_PAGE`] changes a query
    /// packed as JSON, in (revision, seq) order, for the reason
    /// [`Self::each_relationship_in_pages`] gives: a replica reads back every
    /// change of a large write (116,392 for a delete of every
    /// `document#viewer` at 1,000,000). One page, the usual catch-up after a
    /// write, is one query, as on PostgreSQL; more are read again in one
    /// read transaction, so that every page sees the same log (a prune
    /// between two pages could split a revision).
    async fn changes_since_in_pages(
        &self,
        revision: i64,
        limit: i64,
    ) -> Result<(Vec<(i64, Change)>, Option<i64>), Error> {
        let until = revision.saturating_add(limit);
        // Past every change of `revision` itself.
        let start = (revision, i64::MAX);
        let first = changes_page(self.pool(), start, until).await?;
        if first.len() < LOAD_PAGE as usize {
            let changes = first.into_iter().map(LoggedRow::change).collect();
            return Ok((changes, oldest_logged(self.pool()).await?));
        }
        let mut tx = self.pool().begin().await?;
        let mut changes = Vec::new();
        let mut after = start;
        loop {
            let page = changes_page(&mut *tx, after, until).await?;
            let full = page.len() == LOAD_PAGE as usize;
            for row in page {
                after = (row.0, row.1);
                changes.push(row.change());
            }
            if !full {
                break;
            }
            tokio::task::yield_now().await;
        }
        let oldest = oldest_logged(&mut *tx).await?;
        tx.rollback().await?;
        Ok((changes, oldest))
    }

    /// Applies `updates` atomically if every precondition holds and the
    /// stored schema is still `validated_against`; returns the new revision.
    pub async fn write_relationships(
        &self,
        updates: &[Update],
        preconditions: &[Precondition],
        validated_against: &str,
        now_ms: i64,
    ) -> Result<Result<i64, WriteRefusal>, Error> {
        let dialect = self.dialect();
        let mut tx = self.pool().begin().await?;
        let (revision, schema) = next_revision_and_schema(&mut tx).await?;
        if schema != validated_against {
            // Another server changed the schema since the caller validated
            // the updates: nothing may be written against a stale schema.
            return Ok(Err(WriteRefusal::SchemaChanged));
        }
        if let Some(i) = check_preconditions(&mut tx, preconditions, now_ms).await? {
            return Ok(Err(WriteRefusal::Precondition(i)));
        }
        // Whether a create's relationship exists: for the first update of
        // a relationship, as stored before this write (looked up for all
        // such creates at once); after that, as the updates before it left it.
        let mut firsts = HashSet::new();
        let first_creates: Vec<&Tuple> = updates
            .iter()
            .filter(|(op, tuple, _)| firsts.insert(tuple) && *op == WriteOp::Create)
            .map(|(_, tuple, _)| tuple)
            .collect();
        let stored = live_among(&mut tx, dialect, &first_creates, now_ms).await?;
        let mut live_now: HashMap<&Tuple, bool> = HashMap::new();
        // The table ends as the last update of each relationship leaves it
        // (a row with that expiry, or none), so the rows go out at the end,
        // many to a statement; the change log keeps every update, in order.
        let mut last: HashMap<&Tuple, Option<Option<i64>>> = HashMap::new();
        let mut order = Vec::new();
        let mut changes = Vec::with_capacity(updates.len());
        for (seq, (op, tuple, expires)) in updates.iter().enumerate() {
            let row = match op {
                WriteOp::Create | WriteOp::Touch => {
                    let exists = || {
                        live_now
                            .get(tuple)
                            .copied()
                            .unwrap_or_else(|| stored.contains(tuple))
                    };
                    if *op == WriteOp::Create && exists() {
                        return Ok(Err(WriteRefusal::Exists(seq)));
                    }
                    live_now.insert(tuple, expires.is_none_or(|at| at > now_ms));
                    changes.push(Change::Upsert(tuple.clone(), *expires));
                    Some(*expires)
                }
                WriteOp::Delete => {
                    live_now.insert(tuple, false);
                    changes.push(Change::Delete(tuple.clone()));
                    None
                }
            };
            if last.insert(tuple, row).is_none() {
                order.push(tuple);
            }
        }
        let (mut upserts, mut deletes) = (Vec::new(), Vec::new());
        for tuple in order {
            match last[tuple] {
                Some(expires) => upserts.push((tuple, expires)),
                None => deletes.push(tuple),
            }
        }
        upsert(&mut tx, dialect, &upserts).await?;
        delete(&mut tx, dialect, &deletes).await?;
        log_changes(&mut tx, dialect, revision, &changes).await?;
        tx.commit().await?;
        Ok(Ok(revision))
    }

    /// Deletes the relationships matching `filter` (expired ones too) if
    /// every precondition holds, at most `limit` of them.
    pub async fn delete_relationships(
        &self,
        filter: &RelationshipFilter,
        preconditions: &[Precondition],
        limit: Option<DeleteLimit>,
        now_ms: i64,
    ) -> Result<Result<Deleted, WriteRefusal>, Error> {
        let dialect = self.dialect();
        let mut tx = self.pool().begin().await?;
        let revision = next_revision(&mut tx).await?;
        if let Some(i) = check_preconditions(&mut tx, preconditions, now_ms).await? {
            return Ok(Err(WriteRefusal::Precondition(i)));
        }
        // Live matches only: an expired relationship counts as absent (in
        // the count, the limit and the log); the collector removes it.
        let (conds, binds) = filter.sql(1, now_ms);
        let matches = (conds.as_str(), binds.as_slice());
        // With a limit, counting one more than it tells whether more match.
        let first = match limit {
            None => None,
            Some(limit) => {
                let up_to = limit.at_most.saturating_add(1);
                let over = count_matches(&mut tx, matches, up_to).await? > limit.at_most;
                match (over, limit.partial) {
                    (false, _) => None,
                    (true, true) => Some(limit.at_most),
                    (true, false) => return Ok(Err(WriteRefusal::OverLimit(limit.at_most))),
                }
            }
        };
        let count = log_and_delete_matches(&mut tx, dialect, revision, matches, first).await?;
        tx.commit().await?;
        Ok(Ok(Deleted {
            revision,
            count,
            complete: first.is_none(),
        }))
    }

    /// Replaces the schema if `accepts` approves every shape of relationship
    /// live at `now_ms` (else returns the shapes it refused); returns the
    /// revision. Expired ones count as absent here too: the engine never
    /// reads them, and the collector removes them.
    pub async fn write_schema(
        &self,
        text: &str,
        accepts: impl Fn(&RelationshipShape) -> bool,
        now_ms: i64,
    ) -> Result<Result<i64, Vec<RelationshipShape>>, Error> {
        let dialect = self.dialect();
        let mut tx = self.pool().begin().await?;
        let revision = next_revision(&mut tx).await?;
        let rows = sqlx::query(
            "SELECT DISTINCT resource_type, relation, subject_type, subject_relation, \
             CAST(CASE WHEN subject_id = '*' THEN 1 ELSE 0 END AS BIGINT) AS wildcard \
             FROM relationships WHERE expires_at IS NULL OR expires_at > $1",
        )
        .bind(now_ms)
        .fetch_all(&mut *tx)
        .await?;
        let mut refused = Vec::new();
        for row in &rows {
            let wildcard: i64 = row.try_get("wildcard")?;
            let shape = RelationshipShape {
                resource_type: row.try_get("resource_type")?,
                relation: row.try_get("relation")?,
                subject_type: row.try_get("subject_type")?,
                subject_relation: row.try_get("subject_relation")?,
                wildcard: wildcard != 0,
            };
            if !accepts(&shape) {
                refused.push(shape);
            }
        }
        if !refused.is_empty() {
            return Ok(Err(refused));
        }
        sqlx::query("UPDATE authz_meta SET schema_text = $1 WHERE id = 1")
            .bind(text)
            .execute(&mut *tx)
            .await?;
        log_changes(
            &mut tx,
            dialect,
            revision,
            &[Change::Schema(text.to_owned())],
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(revision))
    }

    /// Deletes relationships that expired before `before_ms` (they already
    /// count as absent everywhere); returns how many.
    pub async fn collect_expired(&self, before_ms: i64) -> Result<u64, Error> {
        let done = sqlx::query(
            "DELETE FROM relationships WHERE expires_at IS NOT NULL AND expires_at <= $1",
        )
        .bind(before_ms)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// Drops change-log entries committed before `before_ms`, always keeping
    /// the latest revision (replicas further behind reload everything).
    pub async fn prune_changes(&self, before_ms: i64) -> Result<u64, Error> {
        let done = sqlx::query(
            "DELETE FROM relationship_changes WHERE committed_at < $1 \
             AND revision < (SELECT revision FROM authz_meta WHERE id = 1)",
        )
        .bind(before_ms)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tuple(id: &str) -> Tuple {
        Tuple {
            resource_type: "document".into(),
            resource_id: id.into(),
            relation: "viewer".into(),
            subject: Subject::object("user", "u1"),
        }
    }

    /// The schema of these tests.
    const SCHEMA: &str = "definition user {}\ndefinition document { relation viewer: user }";

    /// Writes `updates` against [`SCHEMA`] at time 0, which must succeed:
    /// the new revision.
    async fn write(store: &SqlStore, updates: &[Update]) -> i64 {
        store
            .write_relationships(updates, &[], SCHEMA, 0)
            .await
            .unwrap()
            .unwrap()
    }

    /// A store on SQLite in a temporary directory (kept while it lives), with
    /// [`SCHEMA`] written.
    async fn store_with_schema() -> (tempfile::TempDir, SqlStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqlStore::connect(None, dir.path()).await.unwrap();
        store
            .write_schema(SCHEMA, |_| true, 0)
            .await
            .unwrap()
            .unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn writes_are_refused_against_a_stale_schema_and_revisions_increase() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqlStore::connect(None, dir.path()).await.unwrap();
        let schema = "definition user {}\ndefinition document { relation viewer: user }";
        let r1 = store
            .write_schema(schema, |_| true, 0)
            .await
            .unwrap()
            .unwrap();
        let update = [(WriteOp::Touch, tuple("d1"), None)];
        // Validated against an older schema text: refused, nothing written.
        let stale = store
            .write_relationships(&update, &[], "definition user {}", 0)
            .await
            .unwrap();
        assert_eq!(stale, Err(WriteRefusal::SchemaChanged));
        let mut count = 0;
        store.each_relationship(|_, _| count += 1).await.unwrap();
        assert_eq!(count, 0);
        let r2 = write(&store, &update).await;
        assert!(r2 > r1);
        // CREATE of the same relationship is refused; the log holds each revision.
        let create = [(WriteOp::Create, tuple("d1"), None)];
        assert_eq!(
            store
                .write_relationships(&create, &[], schema, 0)
                .await
                .unwrap(),
            Err(WriteRefusal::Exists(0))
        );
        let (changes, oldest) = store.changes_since(0, 100).await.unwrap();
        assert_eq!(oldest, Some(r1));
        assert_eq!(
            changes.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
            [r1, r2]
        );
        assert!(matches!(&changes[1].1, Change::Upsert(t, None) if t.resource_id == "d1"));
    }

    #[tokio::test]
    async fn the_table_ends_as_each_relationships_last_update_leaves_it() {
        let (_dir, store) = store_with_schema().await;
        let (touch, delete) = (WriteOp::Touch, WriteOp::Delete);
        let mut updates: Vec<_> = (0..400)
            .map(|i| (touch, tuple(&format!("d{i:03}")), None))
            .collect();
        updates.push((touch, tuple("back"), None));
        write(&store, &updates).await;
        // 300 deletes (several statements); a relationship touched then
        // deleted, one deleted then touched again, one touched twice.
        let mut updates: Vec<_> = (0..300)
            .map(|i| (delete, tuple(&format!("d{i:03}")), None))
            .collect();
        updates.extend([
            (touch, tuple("brief"), None),
            (delete, tuple("brief"), None),
            (delete, tuple("back"), None),
            (touch, tuple("back"), Some(88)),
            (touch, tuple("twice"), None),
            (touch, tuple("twice"), Some(77)),
        ]);
        let revision = write(&store, &updates).await;
        let mut stored = Vec::new();
        store
            .each_relationship(|t, expires| stored.push((t.resource_id, expires)))
            .await
            .unwrap();
        stored.sort();
        let mut want: Vec<(String, Option<i64>)> =
            (300..400).map(|i| (format!("d{i:03}"), None)).collect();
        want.extend([("back".into(), Some(88)), ("twice".into(), Some(77))]);
        want.sort();
        assert_eq!(stored, want);
        let (changes, _) = store.changes_since(revision - 1, 1).await.unwrap();
        assert_eq!(changes.len(), updates.len(), "the log keeps every update");
    }

    #[tokio::test]
    async fn a_load_reads_every_relationship_once_across_pages() {
        let (_dir, store) = store_with_schema().await;
        // Three pages and more, with ids JSON must escape, subject sets and
        // expiries; then every seventh deleted, leaving gaps in the rowids.
        let stored_as = |i: i64| {
            let mut t = tuple(&format!("d{i}\"q\\ü"));
            if i % 3 == 0 {
                t.subject = Subject::set("group", &format!("g{i}"), "member");
            }
            (t, (i % 5 == 0).then_some(i * 1_000))
        };
        let count = 2 * LOAD_PAGE + 345;
        let updates: Vec<_> = (0..count)
            .map(|i| {
                let (t, expires) = stored_as(i);
                (WriteOp::Touch, t, expires)
            })
            .collect();
        write(&store, &updates).await;
        let deletes: Vec<_> = (0..count)
            .filter(|i| i % 7 == 0)
            .map(|i| (WriteOp::Delete, stored_as(i).0, None))
            .collect();
        write(&store, &deletes).await;
        let mut loaded = Vec::new();
        store
            .each_relationship(|t, expires| loaded.push((t, expires)))
            .await
            .unwrap();
        let mut want: Vec<_> = (0..count).filter(|i| i % 7 != 0).map(stored_as).collect();
        let key =
            |(t, _): &(Tuple, Option<i64>)| (t.resource_id.clone(), t.subject.object_id.clone());
        loaded.sort_by_key(key);
        want.sort_by_key(key);
        assert_eq!(loaded.len(), want.len());
        assert_eq!(loaded, want);
    }

    #[tokio::test]
    async fn a_delete_without_a_limit_logs_every_match_and_only_those() {
        let (_dir, store) = store_with_schema().await;
        // u1 in 300 documents (5 of them expired already), u2 in 50.
        let by = |id: &str, user: &str| {
            let mut t = tuple(id);
            t.subject = Subject::object("user", user);
            t
        };
        let mut updates: Vec<_> = (0..300)
            .map(|i| {
                (
                    WriteOp::Touch,
                    by(&format!("d{i:03}"), "u1"),
                    (i < 5).then_some(1),
                )
            })
            .collect();
        updates.extend((0..50).map(|i| (WriteOp::Touch, by(&format!("d{i:03}"), "u2"), None)));
        write(&store, &updates).await;
        let u1 = RelationshipFilter {
            resource_type: "document".into(),
            subject_id: Some("u1".into()),
            ..Default::default()
        };
        let delete = || store.delete_relationships(&u1, &[], None, 1_000);
        let deleted = delete().await.unwrap().unwrap();
        assert_eq!((deleted.count, deleted.complete), (295, true));
        let (changes, _) = store.changes_since(deleted.revision - 1, 1).await.unwrap();
        let mut logged: Vec<String> = changes
            .into_iter()
            .map(|(revision, change)| match change {
                Change::Delete(t)
                    if revision == deleted.revision && t == by(&t.resource_id, "u1") =>
                {
                    t.resource_id
                }
                other => panic!("logged {other:?} at {revision}"),
            })
            .collect();
        logged.sort();
        let want: Vec<String> = (5..300).map(|i| format!("d{i:03}")).collect();
        assert_eq!(logged, want, "each live match once");
        let mut left = Vec::new();
        store
            .each_relationship(|t, _| left.push(t.subject.object_id))
            .await
            .unwrap();
        left.sort();
        let mut want = vec!["u1"; 5];
        want.extend(vec!["u2"; 50]);
        assert_eq!(left, want, "expired ones wait for the collector");
        // Nothing matches now: a revision all the same, logged as such.
        let none = delete().await.unwrap().unwrap();
        assert_eq!((none.count, none.revision), (0, deleted.revision + 1));
        let (changes, _) = store.changes_since(deleted.revision, 1).await.unwrap();
        assert!(
            matches!(changes.as_slice(), [(r, Change::Nothing)] if *r == none.revision),
            "{changes:?}"
        );
    }

    #[tokio::test]
    async fn the_log_reads_back_in_order_across_pages_and_never_splits_a_revision() {
        let (_dir, store) = store_with_schema().await;
        let touches = |range: std::ops::Range<i64>| -> Vec<Update> {
            range
                .map(|i| (WriteOp::Touch, tuple(&format!("d{i}")), Some(i)))
                .collect()
        };
        // Revisions of 1,500, 1 and 700 changes: pages end inside them.
        let mut revisions = Vec::new();
        for updates in [
            touches(0..1_500),
            touches(1_500..1_501),
            touches(1_501..2_201),
        ] {
            let revision = write(&store, &updates).await;
            revisions.push((revision, updates));
        }
        let first = revisions[0].0;
        let want = |count: usize| -> Vec<(i64, Change)> {
            let mut want = Vec::new();
            for (revision, updates) in &revisions[..count] {
                for (_, t, expires) in updates {
                    want.push((*revision, Change::Upsert(t.clone(), *expires)));
                }
            }
            want
        };
        let (changes, oldest) = store.changes_since(first - 1, 2).await.unwrap();
        assert_eq!(changes, want(2), "the first two revisions, in order");
        assert!(oldest.is_some_and(|oldest| oldest < first));
        let (changes, _) = store.changes_since(first - 1, 3).await.unwrap();
        assert_eq!(changes, want(3));
        let (changes, _) = store.changes_since(revisions[2].0, 10).await.unwrap();
        assert!(changes.is_empty());
    }

    #[tokio::test]
    async fn deletes_stop_at_their_limit() {
        let (_dir, store) = store_with_schema().await;
        // Every seventh document has expired by the time of the deletes
        // (now = 10): absent for them, counted nowhere and left to the
        // collector. Folders match no delete below.
        const NOW: i64 = 10;
        let mut updates: Vec<_> = (0..600)
            .map(|i| {
                let expires = (i % 7 == 0).then_some(1);
                (WriteOp::Touch, tuple(&format!("d{i:03}")), expires)
            })
            .collect();
        let folder = |i: usize| {
            let mut t = tuple(&format!("f{i}"));
            t.resource_type = "folder".into();
            t
        };
        updates.extend((0..5).map(|i| (WriteOp::Touch, folder(i), None)));
        write(&store, &updates).await;
        let documents = RelationshipFilter {
            resource_type: "document".into(),
            ..Default::default()
        };
        let delete = |at_most: usize, partial: bool| {
            let (store, documents) = (store.clone(), documents.clone());
            async move {
                let limit = Some(DeleteLimit { at_most, partial });
                store
                    .delete_relationships(&documents, &[], limit, NOW)
                    .await
                    .unwrap()
            }
        };
        let stored = || async {
            let mut ids = Vec::new();
            store
                .each_relationship(|t, _| {
                    if t.resource_type == "document" {
                        ids.push(t.resource_id)
                    }
                })
                .await
                .unwrap();
            ids.sort();
            ids
        };
        let id = |i: usize| format!("d{i:03}");
        let live: Vec<usize> = (0..600).filter(|i| i % 7 != 0).collect();
        let expired: Vec<String> = (0..600).filter(|i| i % 7 == 0).map(id).collect();
        assert_eq!(live.len(), 514);
        // More live ones match than the limit: refused, nothing deleted. The
        // expired ones would have put 514 over a limit of 514.
        assert_eq!(delete(513, false).await, Err(WriteRefusal::OverLimit(513)));
        assert_eq!(stored().await.len(), 600);
        let all = delete(514, false).await.unwrap();
        assert_eq!((all.count, all.complete), (514, true), "within the limit");
        assert_eq!(
            stored().await,
            expired,
            "expired ones are left to the collector"
        );
        write(&store, &updates).await;
        // Partial: the first 300 live ones in key order (two statements'
        // worth), then the last 214, which is all that is left.
        let first = delete(300, true).await.unwrap();
        assert_eq!((first.count, first.complete), (300, false));
        let mut want: Vec<String> = live[300..].iter().map(|&i| id(i)).collect();
        want.extend(expired.iter().cloned());
        want.sort();
        assert_eq!(stored().await, want);
        let (changes, _) = store.changes_since(first.revision - 1, 1).await.unwrap();
        let logged: Vec<String> = changes
            .into_iter()
            .map(|(_, c)| match c {
                Change::Delete(t) => t.resource_id,
                other => panic!("logged {other:?}"),
            })
            .collect();
        let want: Vec<String> = live[..300].iter().map(|&i| id(i)).collect();
        assert_eq!(logged, want, "the log holds each deleted one, in key order");
        let rest = delete(300, true).await.unwrap();
        assert_eq!((rest.count, rest.complete), (214, true));
        assert_eq!(stored().await, expired);
        assert_eq!(store.collect_expired(NOW).await.unwrap(), 86);
        assert!(stored().await.is_empty());
        let mut folders = 0;
        store.each_relationship(|_, _| folders += 1).await.unwrap();
        assert_eq!(folders, 5, "what no delete matched stays");
        // Nothing left to match: complete, none deleted.
        let none = delete(1, false).await.unwrap();
        assert_eq!((none.count, none.complete), (0, true));
    }

    #[tokio::test]
    async fn creates_see_what_is_stored_and_what_the_write_did_before_them() {
        let (_dir, store) = store_with_schema().await;
        let schema = SCHEMA;
        let write = |updates: Vec<(WriteOp, Tuple, Option<i64>)>| {
            let store = store.clone();
            async move {
                store
                    .write_relationships(&updates, &[], schema, 10_000)
                    .await
                    .unwrap()
            }
        };
        let create = |id: &str| (WriteOp::Create, tuple(id), None);
        write(vec![
            (WriteOp::Touch, tuple("expired"), Some(5_000)),
            (WriteOp::Touch, tuple("live"), None),
        ])
        .await
        .unwrap();
        // 300 creates (several statements' worth of lookups) and one of a
        // relationship that is stored but expired: all written.
        let mut creates: Vec<_> = (0..300).map(|i| create(&format!("n{i:03}"))).collect();
        creates.push(create("expired"));
        write(creates).await.unwrap();
        // A create of a live one, after 290 that do not exist: refused at
        // its place, nothing written.
        let mut creates: Vec<_> = (0..290).map(|i| create(&format!("m{i:03}"))).collect();
        creates.push(create("live"));
        assert_eq!(write(creates).await, Err(WriteRefusal::Exists(290)));
        // What the write did before a create counts: a delete frees the
        // relationship, a create or a touch that expires at once does not
        // keep it, a create takes it.
        let (delete, touch) = (WriteOp::Delete, WriteOp::Touch);
        write(vec![(delete, tuple("live"), None), create("live")])
            .await
            .unwrap();
        write(vec![(touch, tuple("brief"), Some(9_000)), create("brief")])
            .await
            .unwrap();
        assert_eq!(
            write(vec![create("twice"), create("twice")]).await,
            Err(WriteRefusal::Exists(1))
        );
        let mut stored = Vec::new();
        store
            .each_relationship(|t, _| stored.push(t.resource_id))
            .await
            .unwrap();
        stored.sort();
        let mut want: Vec<String> = (0..300).map(|i| format!("n{i:03}")).collect();
        want.extend(["brief", "expired", "live"].map(String::from));
        want.sort();
        assert_eq!(stored, want);
    }

    #[tokio::test]
    async fn updates_apply_in_order_however_many_share_a_statement() {
        let (_dir, store) = store_with_schema().await;
        let schema = SCHEMA;
        // 600 touches (several multi-row statements), one of them deleted
        // and one touched again later in the same write.
        let mut updates: Vec<_> = (0..600)
            .map(|i| (WriteOp::Touch, tuple(&format!("d{i:03}")), None))
            .collect();
        updates.insert(300, (WriteOp::Delete, tuple("d007"), None));
        updates.push((WriteOp::Touch, tuple("d009"), Some(9_999)));
        let revision = write(&store, &updates).await;
        let mut stored = Vec::new();
        store
            .each_relationship(|t, expires| stored.push((t.resource_id, expires)))
            .await
            .unwrap();
        stored.sort();
        let want: Vec<(String, Option<i64>)> = (0..600)
            .filter(|&i| i != 7)
            .map(|i| (format!("d{i:03}"), (i == 9).then_some(9_999)))
            .collect();
        assert_eq!(stored, want);
        // The log replays the same updates, in their order.
        let (changes, _) = store.changes_since(revision - 1, 1).await.unwrap();
        let logged: Vec<(WriteOp, String, Option<i64>)> = changes
            .into_iter()
            .map(|(r, change)| {
                assert_eq!(r, revision);
                match change {
                    Change::Upsert(t, e) => (WriteOp::Touch, t.resource_id, e),
                    Change::Delete(t) => (WriteOp::Delete, t.resource_id, None),
                    other => panic!("unexpected {other:?}"),
                }
            })
            .collect();
        let written: Vec<(WriteOp, String, Option<i64>)> = updates
            .iter()
            .map(|(op, t, e)| (*op, t.resource_id.clone(), *e))
            .collect();
        assert_eq!(logged, written);
        // A create of a relationship touched earlier in the same write is
        // refused, and the write leaves nothing behind.
        let create = [
            (WriteOp::Touch, tuple("new"), None),
            (WriteOp::Create, tuple("new"), None),
        ];
        assert_eq!(
            store
                .write_relationships(&create, &[], schema, 0)
                .await
                .unwrap(),
            Err(WriteRefusal::Exists(1))
        );
        let mut count = 0;
        store.each_relationship(|_, _| count += 1).await.unwrap();
        assert_eq!(count, 599);
    }
}
