-- Hourly figures of the merged series (see the SQLite migration).
CREATE TABLE hourly_rollups (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    metric  SMALLINT NOT NULL,
    hour    BIGINT NOT NULL,
    total   DOUBLE PRECISION NOT NULL,
    minimum DOUBLE PRECISION NOT NULL,
    maximum DOUBLE PRECISION NOT NULL,
    count   BIGINT NOT NULL,
    sources TEXT NOT NULL,
    PRIMARY KEY (user_id, metric, hour)
);
