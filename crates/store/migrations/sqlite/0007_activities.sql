-- Activities (workouts), their revisions and streams, and idempotency keys for POSTs.
--
-- The editable fields live in `body` (JSON, the same document a revision snapshots, so a restore is a
-- copy); the columns beside it repeat the fields that lists filter and sort on. Deleting sets
-- `deleted_at` (the trash); a purge removes rows deleted more than 30 days ago.

CREATE TABLE activities (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    activity_type TEXT NOT NULL,
    start_s       INTEGER NOT NULL,
    end_s         INTEGER NOT NULL,
    distance      REAL,
    avg_hr        REAL,
    visibility    TEXT NOT NULL,
    title         TEXT,
    notes         TEXT,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    external_id   TEXT,
    revision      INTEGER NOT NULL,
    stream_points INTEGER NOT NULL DEFAULT 0,
    body          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    deleted_at    INTEGER
);
CREATE INDEX activities_user_start ON activities (user_id, start_s);
CREATE UNIQUE INDEX activities_external_id ON activities (user_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX activities_deleted ON activities (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE activity_revisions (
    activity_id TEXT NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    revision    INTEGER NOT NULL,
    change      TEXT NOT NULL,
    deleted     BOOLEAN NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (activity_id, revision)
) WITHOUT ROWID;

CREATE TABLE activity_streams (
    activity_id TEXT PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
    data        BLOB NOT NULL
);

CREATE TABLE idempotency_keys (
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INTEGER,
    content_type TEXT,
    body         BLOB,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
