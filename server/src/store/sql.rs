//! SQL stores through sqlx's `Any` driver: one implementation for SQLite (the
//! embedded default, a file in the data directory) and PostgreSQL
//! (`WARDEN_DATABASE_URL`). Queries use portable SQL with `$N` placeholders;
//! each backend has its own migrations, applied at start.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

use super::{
    unix_ms, ApiKeyRecord, ApiKeyStore, Grants, Outbox, OutboxEntry, RoleDefinition, RoleStore,
    User, UserStore,
};
use crate::error::Error;

/// Which SQL dialect a pool speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite (embedded default).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A migrated connection pool and its dialect.
#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    dialect: Dialect,
}

/// `warden.db` in `data_dir`, created readable by its owner alone (it holds
/// password and API-key hashes; SQLite gives its `-wal` and `-shm` files the
/// same mode), in a directory created likewise when it does not exist.
fn private_database_file(data_dir: &Path) -> Result<std::path::PathBuf, Error> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let failed = |what: &str, e: std::io::Error| {
        Error::Internal(format!("{what} {}: {e}", data_dir.display()))
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(data_dir)
        .map_err(|e| failed("create data dir", e))?;
    let db = data_dir.join("warden.db");
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&db)
    {
        Ok(_) => Ok(db),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(db),
        Err(e) => Err(failed("create the database in", e)),
    }
}

impl SqlStore {
    /// Opens `database_url`, or `warden.db` in `data_dir` when it is `None`,
    /// and applies the migrations.
    pub async fn connect(database_url: Option<&str>, data_dir: &Path) -> Result<Self, Error> {
        sqlx::any::install_default_drivers();
        let (url, dialect) = match database_url {
            Some(url) if url.starts_with("sqlite:") => (url.to_owned(), Dialect::Sqlite),
            Some(url) => (url.to_owned(), Dialect::Postgres),
            None => {
                let db = private_database_file(data_dir)?;
                (
                    format!("sqlite://{}?mode=rwc", db.display()),
                    Dialect::Sqlite,
                )
            }
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if dialect == Dialect::Sqlite { 4 } else { 16 })
            .acquire_timeout(Duration::from_secs(5))
            .connect(&url)
            .await
            .map_err(|e| Error::Unavailable(format!("database connect: {e}")))?;
        if dialect == Dialect::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        let migrator = match dialect {
            Dialect::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Dialect::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator
            .run(&pool)
            .await
            .map_err(|e| Error::Internal(format!("database migrations: {e}")))?;
        Ok(Self { pool, dialect })
    }

    /// The dialect of this store.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The locking clause that makes a statement reading a row wait for a
    /// transaction deleting it (`FOR UPDATE` first): PostgreSQL's `FOR SHARE`;
    /// nothing on SQLite, whose single writer serializes them anyway.
    fn share_lock(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR SHARE",
        }
    }

    /// On PostgreSQL, takes the row of `table` whose `key` is `value` `FOR
    /// UPDATE` as the first step of deleting it: statements holding it with
    /// [`SqlStore::share_lock`] finish first, or wait and then find it gone.
    /// `false` when there is no such row. On SQLite, `true`: the delete's first
    /// write takes the single writer lock instead.
    async fn lock_to_delete(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        table: &str,
        key: &str,
        value: &str,
    ) -> Result<bool, Error> {
        if self.dialect == Dialect::Sqlite {
            return Ok(true);
        }
        let row = sqlx::query(&format!(
            "SELECT {key} FROM {table} WHERE {key} = $1 FOR UPDATE"
        ))
        .bind(value)
        .fetch_optional(&mut **tx)
        .await?;
        Ok(row.is_some())
    }

    /// Runs `statement (<ids>)` for the ids, 100 at a time.
    async fn for_ids(&self, statement: &str, ids: &[i64]) -> Result<(), Error> {
        for chunk in ids.chunks(100) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("{statement} ({})", placeholders.join(", "));
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(&self.pool).await?;
        }
        Ok(())
    }

    /// The pool, for other stores sharing the database.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

fn user_from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        display_name: row.try_get("display_name")?,
        created_at_ms: row.try_get("created_at")?,
        suspended_at_ms: row.try_get("suspended_at")?,
        suspended_reason: row.try_get("suspended_reason")?,
    })
}

const USER_COLUMNS: &str =
    "id, email, password_hash, display_name, created_at, suspended_at, suspended_reason";

#[async_trait]
impl UserStore for SqlStore {
    async fn create_user(&self, user: &User) -> Result<(), Error> {
        let result = sqlx::query(
            "INSERT INTO users (id, email, password_hash, display_name, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.password_hash)
        .bind(&user.display_name)
        .bind(user.created_at_ms)
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Err(Error::EmailTaken),
            Err(e) => Err(e.into()),
        }
    }

    async fn find_user_by_email(&self, email: &str) -> Result<Option<User>, Error> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }

    async fn update_password(&self, user_id: &str, password_hash: &str) -> Result<(), Error> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_suspended(
        &self,
        user_id: &str,
        suspension: Option<(&str, i64)>,
    ) -> Result<bool, Error> {
        let (reason, at) =
            suspension.map_or((None, None), |(r, at)| (Some(r.to_owned()), Some(at)));
        let done =
            sqlx::query("UPDATE users SET suspended_at = $1, suspended_reason = $2 WHERE id = $3")
                .bind(at)
                .bind(reason)
                .bind(user_id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn find_user(&self, user_id: &str) -> Result<Option<User>, Error> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }

    async fn list_users(&self, after: &str, limit: usize) -> Result<Vec<User>, Error> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email > $1 ORDER BY email LIMIT $2"
        ))
        .bind(after)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(user_from_row).collect::<Result<_, _>>()?)
    }

    async fn delete_user(&self, user_id: &str) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        // A `grant_role` or `create_api_key` holding the row in share mode
        // finishes before the deletes below (and they see its row), or waits
        // and then finds the user gone.
        if !self.lock_to_delete(&mut tx, "users", "id", user_id).await? {
            return Ok(false);
        }
        for table in ["user_roles", "api_keys", "stale_grants"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        let deleted = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(deleted > 0)
    }
}

#[async_trait]
impl RoleStore for SqlStore {
    async fn grant_role(&self, user_id: &str, role: &str) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        // One statement that reads the role's and the user's rows and
        // inserts: SQLite runs it under its single writer lock; PostgreSQL's
        // share locks make it wait for a `delete_role` or `delete_user`
        // holding either row, and then find it gone.
        let inserted = sqlx::query(&format!(
            "INSERT INTO user_roles (user_id, role, granted_at) \
             SELECT users.id, roles.name, $3 FROM roles, users \
             WHERE roles.name = $2 AND users.id = $1{} \
             ON CONFLICT (user_id, role) DO NOTHING",
            self.share_lock()
        ))
        .bind(user_id)
        .bind(role)
        .bind(unix_ms(SystemTime::now()))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted > 0 {
            mark_stale(&mut tx, user_id).await?;
        }
        tx.commit().await?;
        // Nothing inserted: held already, or not defined.
        Ok(inserted > 0 || self.has_role(user_id, role).await?)
    }

    async fn has_role(&self, user_id: &str, role: &str) -> Result<bool, Error> {
        let row = sqlx::query("SELECT 1 AS one FROM user_roles WHERE user_id = $1 AND role = $2")
            .bind(user_id)
            .bind(role)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    async fn revoke_role(&self, user_id: &str, role: &str) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        let removed = sqlx::query("DELETE FROM user_roles WHERE user_id = $1 AND role = $2")
            .bind(user_id)
            .bind(role)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if removed > 0 {
            mark_stale(&mut tx, user_id).await?;
        }
        tx.commit().await?;
        Ok(removed > 0)
    }

    async fn define_role(
        &self,
        role: &str,
        permissions: &[String],
        attributes: &BTreeMap<String, String>,
    ) -> Result<(), Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO roles (name, updated_at) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at",
        )
        .bind(role)
        .bind(unix_ms(SystemTime::now()))
        .execute(&mut *tx)
        .await?;
        for table in ["role_permissions", "role_attributes"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE role = $1"))
                .bind(role)
                .execute(&mut *tx)
                .await?;
        }
        for permission in permissions {
            sqlx::query("INSERT INTO role_permissions (role, permission) VALUES ($1, $2)")
                .bind(role)
                .bind(permission)
                .execute(&mut *tx)
                .await?;
        }
        for (key, value) in attributes {
            sqlx::query("INSERT INTO role_attributes (role, key, value) VALUES ($1, $2, $3)")
                .bind(role)
                .bind(key)
                .bind(value)
                .execute(&mut *tx)
                .await?;
        }
        mark_holders_stale(&mut tx, role).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn role_exists(&self, role: &str) -> Result<bool, Error> {
        let row = sqlx::query("SELECT 1 AS one FROM roles WHERE name = $1")
            .bind(role)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    async fn user_roles(&self, user_id: &str) -> Result<Vec<String>, Error> {
        let rows = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get("role"))
            .collect::<Result<_, _>>()?)
    }

    async fn grants(&self, user_id: &str) -> Result<Grants, Error> {
        let roles = self.user_roles(user_id).await?;
        let permissions = sqlx::query(
            "SELECT DISTINCT p.permission FROM user_roles u \
             JOIN role_permissions p ON p.role = u.role \
             WHERE u.user_id = $1 ORDER BY p.permission",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get("permission"))
        .collect::<Result<_, _>>()?;
        let rows = sqlx::query(
            "SELECT a.key, a.value FROM user_roles u \
             JOIN role_attributes a ON a.role = u.role \
             WHERE u.user_id = $1 ORDER BY u.role DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        // Later rows overwrite earlier ones: the role sorting first wins.
        let mut attributes = BTreeMap::new();
        for row in &rows {
            attributes.insert(row.try_get("key")?, row.try_get("value")?);
        }
        Ok(Grants {
            roles,
            permissions,
            attributes,
        })
    }

    async fn users_with_role(&self, role: &str) -> Result<Vec<String>, Error> {
        let rows = sqlx::query("SELECT user_id FROM user_roles WHERE role = $1")
            .bind(role)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get("user_id"))
            .collect::<Result<_, _>>()?)
    }

    async fn role(&self, role: &str) -> Result<Option<RoleDefinition>, Error> {
        let row = sqlx::query("SELECT name, updated_at FROM roles WHERE name = $1")
            .bind(role)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let roles = self
            .role_definitions(vec![(row.try_get("name")?, row.try_get("updated_at")?)])
            .await?;
        Ok(roles.into_iter().next())
    }

    async fn list_roles(&self, after: &str, limit: usize) -> Result<Vec<RoleDefinition>, Error> {
        let rows = sqlx::query(
            "SELECT name, updated_at FROM roles WHERE name > $1 ORDER BY name LIMIT $2",
        )
        .bind(after)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        let names = rows
            .iter()
            .map(|r| Ok((r.try_get("name")?, r.try_get("updated_at")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        self.role_definitions(names).await
    }

    async fn delete_role(&self, role: &str) -> Result<Option<Vec<String>>, Error> {
        let mut tx = self.pool.begin().await?;
        // A grant of this role holding the row's share lock commits before
        // the assignments below are read.
        if !self.lock_to_delete(&mut tx, "roles", "name", role).await? {
            return Ok(None);
        }
        // On SQLite this first write takes the database's writer lock.
        mark_holders_stale(&mut tx, role).await?;
        let holders = sqlx::query("DELETE FROM user_roles WHERE role = $1 RETURNING user_id")
            .bind(role)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get("user_id"))
            .collect::<Result<Vec<String>, _>>()?;
        for table in ["role_permissions", "role_attributes"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE role = $1"))
                .bind(role)
                .execute(&mut *tx)
                .await?;
        }
        let deleted = sqlx::query("DELETE FROM roles WHERE name = $1")
            .bind(role)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if deleted == 0 {
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some(holders))
    }

    async fn stale_mark(&self, user_id: &str) -> Result<Option<String>, Error> {
        let row = sqlx::query("SELECT mark FROM stale_grants WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("mark")).transpose()?)
    }

    async fn stale_users(
        &self,
        marked_before_ms: i64,
        after: &str,
        limit: usize,
    ) -> Result<Vec<(String, String)>, Error> {
        let rows = sqlx::query(
            "SELECT user_id, mark FROM stale_grants \
             WHERE marked_at <= $1 AND user_id > $2 ORDER BY user_id LIMIT $3",
        )
        .bind(marked_before_ms)
        .bind(after)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| Ok((r.try_get("user_id")?, r.try_get("mark")?)))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    async fn clear_stale(&self, user_id: &str, mark: &str) -> Result<bool, Error> {
        let cleared = sqlx::query("DELETE FROM stale_grants WHERE user_id = $1 AND mark = $2")
            .bind(user_id)
            .bind(mark)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(cleared > 0)
    }
}

/// The upsert of a stale mark: a new mark each time, keeping the time of the
/// first one not yet repaired, so a user marked again and again is still
/// repaired on time.
const MARK_STALE: &str = "INSERT INTO stale_grants (user_id, mark, marked_at) ";
const MARK_STALE_CONFLICT: &str = " ON CONFLICT (user_id) DO UPDATE SET mark = excluded.mark";

/// Marks the user's sessions stale, in the transaction that changes their grants.
async fn mark_stale(tx: &mut sqlx::Transaction<'_, sqlx::Any>, user_id: &str) -> Result<(), Error> {
    sqlx::query(&format!(
        "{MARK_STALE}VALUES ($1, $2, $3){MARK_STALE_CONFLICT}"
    ))
    .bind(user_id)
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(unix_ms(SystemTime::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks the sessions of every holder of `role` stale, in the transaction
/// that changes or deletes the role.
async fn mark_holders_stale(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    role: &str,
) -> Result<(), Error> {
    // One mark for all of them: a mark only has to differ from the marks
    // before it, and this transaction's change is one change. In user order,
    // so that two such transactions on PostgreSQL lock their users' rows in
    // the same order and never deadlock.
    sqlx::query(&format!(
        "{MARK_STALE}SELECT user_id, $2, $3 FROM user_roles WHERE role = $1 \
         ORDER BY user_id{MARK_STALE_CONFLICT}"
    ))
    .bind(role)
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(unix_ms(SystemTime::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl SqlStore {
    /// The definitions of the named roles, given in name order with their
    /// `updated_at`: three range queries, whatever their number.
    async fn role_definitions(
        &self,
        names: Vec<(String, i64)>,
    ) -> Result<Vec<RoleDefinition>, Error> {
        let (Some((first, _)), Some((last, _))) = (names.first(), names.last()) else {
            return Ok(Vec::new());
        };
        let (first, last) = (first.clone(), last.clone());
        // In the database's order: the next page starts after the last one.
        let mut roles: Vec<RoleDefinition> = names
            .into_iter()
            .map(|(name, updated_at_ms)| RoleDefinition {
                name,
                updated_at_ms,
                ..RoleDefinition::default()
            })
            .collect();
        let index: HashMap<String, usize> = roles
            .iter()
            .enumerate()
            .map(|(i, role)| (role.name.clone(), i))
            .collect();
        let slot = |row: &AnyRow| -> Result<Option<usize>, sqlx::Error> {
            Ok(index.get(row.try_get::<&str, _>("role")?).copied())
        };
        let in_range = |sql: &'static str| {
            sqlx::query(sql)
                .bind(first.clone())
                .bind(last.clone())
                .fetch_all(&self.pool)
        };
        for row in in_range(
            "SELECT role, permission FROM role_permissions \
             WHERE role >= $1 AND role <= $2 ORDER BY role, permission",
        )
        .await?
        {
            if let Some(i) = slot(&row)? {
                roles[i].permissions.push(row.try_get("permission")?);
            }
        }
        for row in
            in_range("SELECT role, key, value FROM role_attributes WHERE role >= $1 AND role <= $2")
                .await?
        {
            if let Some(i) = slot(&row)? {
                roles[i]
                    .attributes
                    .insert(row.try_get("key")?, row.try_get("value")?);
            }
        }
        for row in in_range(
            "SELECT role, COUNT(*) AS n FROM user_roles \
             WHERE role >= $1 AND role <= $2 GROUP BY role",
        )
        .await?
        {
            if let Some(i) = slot(&row)? {
                roles[i].user_count = row.try_get("n")?;
            }
        }
        Ok(roles)
    }
}

const API_KEY_COLUMNS: &str =
    "id, user_id, name, secret_hash, created_at, expires_at, revoked_at, last_used_at";

fn api_key_from_row(row: &AnyRow) -> Result<ApiKeyRecord, sqlx::Error> {
    Ok(ApiKeyRecord {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        name: row.try_get("name")?,
        secret_hash: row.try_get("secret_hash")?,
        created_at_ms: row.try_get("created_at")?,
        expires_at_ms: row.try_get("expires_at")?,
        revoked_at_ms: row.try_get("revoked_at")?,
        last_used_at_ms: row.try_get("last_used_at")?,
    })
}

#[async_trait]
impl ApiKeyStore for SqlStore {
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<bool, Error> {
        // Inserted only beside the user's row, held as `grant_role` holds it.
        let inserted = sqlx::query(&format!(
            "INSERT INTO api_keys ({API_KEY_COLUMNS}) \
             SELECT $1, id, $3, $4, $5, $6, $7, $8 FROM users WHERE id = $2{}",
            self.share_lock()
        ))
        .bind(&key.id)
        .bind(&key.user_id)
        .bind(&key.name)
        .bind(&key.secret_hash)
        .bind(key.created_at_ms)
        .bind(key.expires_at_ms)
        .bind(key.revoked_at_ms)
        .bind(key.last_used_at_ms)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(inserted > 0)
    }

    async fn find_api_key(&self, key_id: &str) -> Result<Option<ApiKeyRecord>, Error> {
        let row = sqlx::query(&format!(
            "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE id = $1"
        ))
        .bind(key_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(api_key_from_row).transpose()?)
    }

    async fn list_api_keys(&self, user_id: &str) -> Result<Vec<ApiKeyRecord>, Error> {
        let rows = sqlx::query(&format!(
            "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(api_key_from_row)
            .collect::<Result<_, _>>()?)
    }

    async fn revoke_api_key(&self, key_id: &str, at_ms: i64) -> Result<bool, Error> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(at_ms)
                .bind(key_id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn touch_api_key(&self, key_id: &str, at_ms: i64) -> Result<(), Error> {
        sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
            .bind(at_ms)
            .bind(key_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl Outbox for SqlStore {
    async fn enqueue(&self, entry: &OutboxEntry) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO event_outbox (event_id, routing_key, type_name, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&entry.event_id)
        .bind(&entry.routing_key)
        .bind(&entry.type_name)
        .bind(&entry.payload)
        .bind(unix_ms(SystemTime::now()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn claim(&self, limit: u32, lease: Duration) -> Result<Vec<OutboxEntry>, Error> {
        let now = unix_ms(SystemTime::now());
        // One statement: concurrent relays on PostgreSQL re-check `leased_until`
        // after the row lock, so a row is leased by one relay at a time.
        let rows = sqlx::query(
            "UPDATE event_outbox SET leased_until = $1 WHERE id IN \
             (SELECT id FROM event_outbox WHERE leased_until <= $2 ORDER BY id LIMIT $3) \
             AND leased_until <= $2 \
             RETURNING id, event_id, routing_key, type_name, payload",
        )
        .bind(now + lease.as_millis() as i64)
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut entries = rows
            .iter()
            .map(|row| {
                Ok(OutboxEntry {
                    id: row.try_get("id")?,
                    event_id: row.try_get("event_id")?,
                    routing_key: row.try_get("routing_key")?,
                    type_name: row.try_get("type_name")?,
                    payload: row.try_get("payload")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        entries.sort_by_key(|e| e.id);
        Ok(entries)
    }

    async fn remove(&self, ids: &[i64]) -> Result<(), Error> {
        self.for_ids("DELETE FROM event_outbox WHERE id IN", ids)
            .await
    }

    async fn release(&self, ids: &[i64]) -> Result<(), Error> {
        self.for_ids("UPDATE event_outbox SET leased_until = 0 WHERE id IN", ids)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn sqlite() -> (SqlStore, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        (SqlStore::connect(None, dir.path()).await.unwrap(), dir)
    }

    fn user(id: &str, email: &str) -> User {
        User {
            id: id.into(),
            email: email.into(),
            password_hash: "h".into(),
            display_name: "".into(),
            created_at_ms: 1,
            suspended_at_ms: None,
            suspended_reason: None,
        }
    }

    #[tokio::test]
    async fn the_embedded_database_is_readable_by_its_owner_alone() {
        use std::os::unix::fs::PermissionsExt;
        let parent = tempfile::tempdir().unwrap();
        let data_dir = parent.path().join("data");
        let store = SqlStore::connect(None, &data_dir).await.unwrap();
        store
            .create_user(&user("u1", "a@example.com"))
            .await
            .unwrap();
        let mode = |name: &str| {
            std::fs::metadata(data_dir.join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(""), 0o700, "the data dir");
        for file in ["warden.db", "warden.db-wal", "warden.db-shm"] {
            assert_eq!(mode(file), 0o600, "{file}");
        }
        // Opened again, an existing database is kept as it is.
        drop(store);
        let again = SqlStore::connect(None, &data_dir).await.unwrap();
        assert!(again
            .find_user_by_email("a@example.com")
            .await
            .unwrap()
            .is_some());
    }

    #[tokio::test]
    async fn users_are_unique_by_email() {
        let (store, _dir) = sqlite().await;
        store
            .create_user(&user("u1", "a@example.com"))
            .await
            .unwrap();
        assert!(matches!(
            store.create_user(&user("u2", "a@example.com")).await,
            Err(Error::EmailTaken)
        ));
        assert_eq!(
            store
                .find_user_by_email("a@example.com")
                .await
                .unwrap()
                .unwrap()
                .id,
            "u1"
        );
        assert_eq!(
            store.find_user("u1").await.unwrap().unwrap().email,
            "a@example.com"
        );
        assert!(store.find_user("u2").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn outbox_leases_in_order_and_removes() {
        let (store, _dir) = sqlite().await;
        for i in 0..3 {
            let entry = OutboxEntry {
                id: 0,
                event_id: format!("e{i}"),
                routing_key: "session.created".into(),
                type_name: "t".into(),
                payload: vec![i as u8, 0, 255],
            };
            store.enqueue(&entry).await.unwrap();
        }
        let claimed = store.claim(2, Duration::from_secs(30)).await.unwrap();
        assert_eq!(
            claimed
                .iter()
                .map(|e| e.event_id.as_str())
                .collect::<Vec<_>>(),
            ["e0", "e1"]
        );
        assert_eq!(claimed[1].payload, vec![1, 0, 255]);
        // Leased rows are not handed out again while the lease runs.
        let rest = store.claim(10, Duration::from_secs(30)).await.unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].event_id, "e2");
        store
            .remove(&claimed.iter().map(|e| e.id).collect::<Vec<_>>())
            .await
            .unwrap();
        // An expired lease makes the row claimable again (at-least-once).
        let again = store.claim(10, Duration::ZERO).await.unwrap();
        assert!(again.is_empty(), "e2 is still leased for 30 s");
        // A failed publish releases the lease: the row is handed out again at once.
        store.release(&[rest[0].id]).await.unwrap();
        let retried = store.claim(10, Duration::from_secs(30)).await.unwrap();
        assert_eq!(
            retried
                .iter()
                .map(|e| e.event_id.as_str())
                .collect::<Vec<_>>(),
            ["e2"]
        );
    }
}
