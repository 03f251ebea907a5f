-- Users whose live sessions may still carry grants from before a change of
-- their roles. A role change marks its users in its own transaction; the
-- mark is cleared once their sessions have been re-enriched. A change whose
-- re-enrichment failed (the session store was down, the server stopped), or
-- that was made without a server (`warden admin grant`), reaches the sessions
-- from here: every server re-enriches the users it finds marked.
CREATE TABLE stale_grants (
    user_id   TEXT PRIMARY KEY,
    mark      TEXT NOT NULL,
    marked_at BIGINT NOT NULL
);
CREATE INDEX stale_grants_marked_at ON stale_grants (marked_at);
