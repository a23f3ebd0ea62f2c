-- Sleep per local day (see the SQLite migration).
CREATE TABLE daily_sleep (
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day         BIGINT NOT NULL,
    sessions    BIGINT NOT NULL,
    in_bed      DOUBLE PRECISION NOT NULL,
    asleep      DOUBLE PRECISION NOT NULL,
    awake       DOUBLE PRECISION NOT NULL,
    unspecified DOUBLE PRECISION NOT NULL,
    core        DOUBLE PRECISION NOT NULL,
    deep        DOUBLE PRECISION NOT NULL,
    rem         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (user_id, day)
);
