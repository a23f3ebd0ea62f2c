-- Sleep per local day (the day a session ends), from merged stage samples: seconds in bed, asleep,
-- awake and per stage, and how many sessions ended that day.
CREATE TABLE daily_sleep (
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day         INTEGER NOT NULL,
    sessions    INTEGER NOT NULL,
    in_bed      REAL NOT NULL,
    asleep      REAL NOT NULL,
    awake       REAL NOT NULL,
    unspecified REAL NOT NULL,
    core        REAL NOT NULL,
    deep        REAL NOT NULL,
    rem         REAL NOT NULL,
    PRIMARY KEY (user_id, day)
) WITHOUT ROWID;
