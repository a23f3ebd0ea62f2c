-- Rollups packed per block of 128 days or hours (see the SQLite migration).
CREATE TABLE daily_rollup_blocks (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    metric  SMALLINT NOT NULL,
    block   BIGINT NOT NULL,
    days    BYTEA NOT NULL,
    PRIMARY KEY (user_id, metric, block)
);

CREATE TABLE hourly_rollup_blocks (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    metric  SMALLINT NOT NULL,
    block   BIGINT NOT NULL,
    hours   BYTEA NOT NULL,
    PRIMARY KEY (user_id, metric, block)
);

DROP TABLE daily_rollups;
DROP TABLE hourly_rollups;
