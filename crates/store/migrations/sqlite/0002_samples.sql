-- Sources and health samples.
--
-- Samples are narrow rows clustered by (source, metric, start, duration): the key is also what makes
-- re-ingesting the same sample a no-op. The table is WITHOUT ROWID so the key is the table (no second
-- index); times are whole seconds; the end is stored as a duration, which for an instant is 0 and takes
-- no bytes in SQLite's record format; REAL values without a fraction are written as small integers.
-- Together that keeps a heart-rate sample near 22 bytes on disk. A sample belongs to a user through its
-- source; the batch gives its ingestion time.

CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    natural_key TEXT NOT NULL,
    provider    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    model       TEXT,
    app         TEXT,
    created_at  INTEGER NOT NULL,
    UNIQUE (user_id, natural_key)
);

CREATE TABLE ingest_batches (
    id          INTEGER PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ingested_at INTEGER NOT NULL
);
CREATE INDEX ingest_batches_user ON ingest_batches (user_id, id);

CREATE TABLE samples (
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    metric      INTEGER NOT NULL,
    start_s     INTEGER NOT NULL,
    dur_s       INTEGER NOT NULL,
    value       REAL NOT NULL,
    batch_id    INTEGER NOT NULL,
    offset_min  INTEGER,
    external_id TEXT,
    PRIMARY KEY (source_id, metric, start_s, dur_s)
) WITHOUT ROWID;

CREATE UNIQUE INDEX samples_external_id ON samples (source_id, metric, external_id)
    WHERE external_id IS NOT NULL;
