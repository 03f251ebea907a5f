-- Roles: named sets of permissions (and session attributes), assigned to users
-- through user_roles. `admin` is built in.
CREATE TABLE roles (
    name       TEXT PRIMARY KEY,
    updated_at BIGINT NOT NULL
);
CREATE TABLE role_permissions (
    role       TEXT NOT NULL REFERENCES roles (name),
    permission TEXT NOT NULL,
    PRIMARY KEY (role, permission)
);
CREATE TABLE role_attributes (
    role  TEXT NOT NULL REFERENCES roles (name),
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (role, key)
);
INSERT INTO roles (name, updated_at) VALUES ('admin', 0);
INSERT INTO roles (name, updated_at) SELECT DISTINCT role, 0 FROM user_roles WHERE role <> 'admin';
CREATE INDEX user_roles_role ON user_roles (role);

-- Fine-grained authorization. One row holds the relationship revision
-- (bumped, under its row lock, by every write transaction) and the schema.
CREATE TABLE authz_meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    revision    BIGINT NOT NULL,
    schema_text TEXT NOT NULL
);
INSERT INTO authz_meta (id, revision, schema_text) VALUES (1, 0, '');

-- subject_relation is '' for a plain object subject.
CREATE TABLE relationships (
    resource_type    TEXT NOT NULL,
    resource_id      TEXT NOT NULL,
    relation         TEXT NOT NULL,
    subject_type     TEXT NOT NULL,
    subject_id       TEXT NOT NULL,
    subject_relation TEXT NOT NULL,
    expires_at       BIGINT,
    PRIMARY KEY (resource_type, resource_id, relation, subject_type, subject_id, subject_relation)
);
CREATE INDEX relationships_subject ON relationships (subject_type, subject_id);

-- The change log replicas catch up from: op 0 = nothing changed, 1 = upsert,
-- 2 = delete, 3 = schema. Every revision has at least one entry.
CREATE TABLE relationship_changes (
    revision         BIGINT NOT NULL,
    seq              BIGINT NOT NULL,
    op               BIGINT NOT NULL,
    resource_type    TEXT NOT NULL,
    resource_id      TEXT NOT NULL,
    relation         TEXT NOT NULL,
    subject_type     TEXT NOT NULL,
    subject_id       TEXT NOT NULL,
    subject_relation TEXT NOT NULL,
    expires_at       BIGINT,
    schema_text      TEXT,
    committed_at     BIGINT NOT NULL,
    PRIMARY KEY (revision, seq)
);
