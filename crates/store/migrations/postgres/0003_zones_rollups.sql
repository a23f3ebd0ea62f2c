-- The user's time-zone history, and daily rollups of merged samples (see the SQLite migration).

CREATE TABLE user_time_zones (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    valid_from BIGINT NOT NULL,
    zone       TEXT NOT NULL,
    PRIMARY KEY (user_id, valid_from)
);
INSERT INTO user_time_zones (user_id, valid_from, zone) SELECT id, created_at, time_zone FROM users;

CREATE TABLE daily_rollups (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    metric  SMALLINT NOT NULL,
    day     BIGINT NOT NULL,
    total   DOUBLE PRECISION NOT NULL,
    minimum DOUBLE PRECISION NOT NULL,
    maximum DOUBLE PRECISION NOT NULL,
    count   BIGINT NOT NULL,
    PRIMARY KEY (user_id, metric, day)
);
