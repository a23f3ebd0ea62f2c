-- Samples stored as one row per (source, metric, UTC day of their start), each holding that day's
-- samples as a compact blob (see the store's `sample_chunk` module for the layout and why). `samples`
-- is the number in the blob; `max_batch` the newest ingest batch in it, so rolling back an import reads
-- only the chunks it could have written. External ids are unique per source and metric across days, so
-- they are kept in a table of their own.
--
-- Rows of the former one-row-per-sample `samples` table are moved into chunks when the store opens,
-- and that table is then dropped.

CREATE TABLE sample_chunks (
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    metric      INTEGER NOT NULL,
    day         INTEGER NOT NULL,
    samples     INTEGER NOT NULL,
    max_batch   INTEGER NOT NULL,
    body        BLOB NOT NULL,
    PRIMARY KEY (source_id, metric, day)
);

CREATE TABLE sample_external_ids (
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    metric      INTEGER NOT NULL,
    external_id TEXT NOT NULL,
    PRIMARY KEY (source_id, metric, external_id)
) WITHOUT ROWID;
