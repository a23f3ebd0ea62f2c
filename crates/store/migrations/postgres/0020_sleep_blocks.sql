-- Sleep per local day packed per block of 64 days (see the SQLite migration).
CREATE TABLE sleep_blocks (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    block   BIGINT NOT NULL,
    days    BYTEA NOT NULL,
    PRIMARY KEY (user_id, block)
);

DROP TABLE daily_sleep;
