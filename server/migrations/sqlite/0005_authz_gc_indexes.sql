-- Garbage collection finds expired relationships and old change-log entries
-- through these, instead of scanning the tables.
CREATE INDEX relationships_expires_at ON relationships (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX relationship_changes_committed_at ON relationship_changes (committed_at);
