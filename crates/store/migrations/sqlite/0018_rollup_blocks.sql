-- Rollups packed per block of 128 days (daily) or 128 UTC hours (hourly): one row per user, metric and
-- block, the figures of its days or hours in one blob (layout in `rollup_block.rs`). A year view reads a
-- few dozen rows instead of thousands. Rowid tables, not WITHOUT ROWID: a block (up to ~3.7 KB) then
-- fits in its 4 KB page, where an index b-tree would spill it to overflow pages, which SQLite reads
-- from the file on every access rather than from its cache.
--
-- The row-per-day tables are dropped; data version 2 marks every day for recomputation, so the blocks
-- are filled from the raw samples (a summary read recomputes the reader's marked days first, so no one
-- sees them empty).
CREATE TABLE daily_rollup_blocks (
    id      INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    metric  INTEGER NOT NULL,
    block   INTEGER NOT NULL,
    days    BLOB NOT NULL,
    UNIQUE (user_id, metric, block)
);

CREATE TABLE hourly_rollup_blocks (
    id      INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    metric  INTEGER NOT NULL,
    block   INTEGER NOT NULL,
    hours   BLOB NOT NULL,
    UNIQUE (user_id, metric, block)
);

DROP TABLE daily_rollups;
DROP TABLE hourly_rollups;
