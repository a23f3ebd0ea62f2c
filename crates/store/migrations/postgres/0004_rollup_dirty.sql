-- Local days whose rollups must be recomputed (see the SQLite migration).
CREATE TABLE rollup_dirty (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    metric  SMALLINT NOT NULL,
    day     BIGINT NOT NULL,
    seq     BIGINT NOT NULL,
    PRIMARY KEY (user_id, metric, day)
);
