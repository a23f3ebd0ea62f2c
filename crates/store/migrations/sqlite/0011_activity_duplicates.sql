-- The same workout recorded by two sources: merged (the other copy hidden, pointing at the kept one) or
-- confirmed distinct (no longer suggested as a duplicate).
ALTER TABLE activities ADD COLUMN merged_into TEXT;

CREATE TABLE activity_distinct (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    first   TEXT NOT NULL,
    second  TEXT NOT NULL,
    PRIMARY KEY (user_id, first, second)
);
