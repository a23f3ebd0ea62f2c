-- A user's dashboard preferences (Today cards and their order, theme, language) as one JSON document,
-- replaced whole on each save. Instants in microseconds since the Unix epoch, as everywhere.
CREATE TABLE preferences (
    user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    document   TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
