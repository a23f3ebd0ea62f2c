-- Activities (workouts), their revisions and streams, and idempotency keys (see the SQLite migration).

CREATE TABLE activities (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    activity_type TEXT NOT NULL,
    start_s       BIGINT NOT NULL,
    end_s         BIGINT NOT NULL,
    distance      DOUBLE PRECISION,
    avg_hr        DOUBLE PRECISION,
    visibility    TEXT NOT NULL,
    title         TEXT,
    notes         TEXT,
    source_id     BIGINT REFERENCES sources(id) ON DELETE SET NULL,
    external_id   TEXT,
    revision      BIGINT NOT NULL,
    stream_points BIGINT NOT NULL DEFAULT 0,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    deleted_at    BIGINT
);
CREATE INDEX activities_user_start ON activities (user_id, start_s);
CREATE UNIQUE INDEX activities_external_id ON activities (user_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX activities_deleted ON activities (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE activity_revisions (
    activity_id TEXT NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    revision    BIGINT NOT NULL,
    change      TEXT NOT NULL,
    deleted     BOOLEAN NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (activity_id, revision)
);

CREATE TABLE activity_streams (
    activity_id TEXT PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
    data        BYTEA NOT NULL
);

CREATE TABLE idempotency_keys (
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INTEGER,
    content_type TEXT,
    body         BYTEA,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
