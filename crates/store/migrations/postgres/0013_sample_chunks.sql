-- Samples stored as one row per (source, metric, UTC day of their start); see the SQLite migration.

CREATE TABLE sample_chunks (
    source_id   BIGINT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    metric      SMALLINT NOT NULL,
    day         BIGINT NOT NULL,
    samples     BIGINT NOT NULL,
    max_batch   BIGINT NOT NULL,
    body        BYTEA NOT NULL,
    PRIMARY KEY (source_id, metric, day)
);

CREATE TABLE sample_external_ids (
    source_id   BIGINT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    metric      SMALLINT NOT NULL,
    external_id TEXT NOT NULL,
    PRIMARY KEY (source_id, metric, external_id)
);
