-- Local days whose rollups must be recomputed: written in the same transaction as the samples that
-- touched them (so a crash cannot lose one), drained by the rollup worker. `seq` is the ingest batch
-- that marked the day last; the worker deletes only rows it has seen, so a day marked again while it
-- was being recomputed is recomputed again.
CREATE TABLE rollup_dirty (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    metric  INTEGER NOT NULL,
    day     INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (user_id, metric, day)
) WITHOUT ROWID;
