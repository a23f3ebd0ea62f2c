-- The user's time-zone history, and daily rollups of merged samples.

CREATE TABLE user_time_zones (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    valid_from INTEGER NOT NULL,
    zone       TEXT NOT NULL,
    PRIMARY KEY (user_id, valid_from)
);
-- Every existing account starts with its current zone.
INSERT INTO user_time_zones (user_id, valid_from, zone) SELECT id, created_at, time_zone FROM users;

-- One row per user, metric and local day, computed from the merged series (highest-priority source per
-- time slice). `total` is the day's sum for cumulative metrics and the sum of readings for instantaneous
-- ones (average = total / count). `day` counts days since 1970-01-01.
CREATE TABLE daily_rollups (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    metric  INTEGER NOT NULL,
    day     INTEGER NOT NULL,
    total   REAL NOT NULL,
    minimum REAL NOT NULL,
    maximum REAL NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (user_id, metric, day)
) WITHOUT ROWID;
