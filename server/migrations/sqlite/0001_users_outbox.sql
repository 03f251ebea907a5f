CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name  TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);

CREATE TABLE event_outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id      TEXT NOT NULL UNIQUE,
    routing_key   TEXT NOT NULL,
    type_name     TEXT NOT NULL,
    payload       BLOB NOT NULL,
    created_at    BIGINT NOT NULL,
    leased_until  BIGINT NOT NULL DEFAULT 0
);
