-- Sleep per local day packed per block of 64 days (layout in `rollup_block.rs`), for the same reason as
-- the rollup blocks: a year view read 365 rows of nine columns; now it reads six. Data version 2 fills
-- it from the raw samples.
CREATE TABLE sleep_blocks (
    id      INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    block   INTEGER NOT NULL,
    days    BLOB NOT NULL,
    UNIQUE (user_id, block)
);

DROP TABLE daily_sleep;
