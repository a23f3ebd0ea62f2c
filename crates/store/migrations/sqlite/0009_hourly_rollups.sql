-- Hourly figures of the merged series per user and metric, for `GET /samples?resolution=hour`. `hour`
-- counts UTC hours since the epoch; `sources` lists the ids of the sources the value came from.
CREATE TABLE hourly_rollups (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    metric  INTEGER NOT NULL,
    hour    INTEGER NOT NULL,
    total   REAL NOT NULL,
    minimum REAL NOT NULL,
    maximum REAL NOT NULL,
    count   INTEGER NOT NULL,
    sources TEXT NOT NULL,
    PRIMARY KEY (user_id, metric, hour)
) WITHOUT ROWID;
