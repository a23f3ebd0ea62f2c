-- Sessions: one per login (the refresh-token family), so an access token can be checked against the
-- session it carries, and a user can list and end their sessions. `last_used_at` moves on each refresh;
-- `client` and `address` are what the login request said (User-Agent, client address), for display only.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    client       TEXT,
    address      TEXT,
    ended_at     INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Families still alive become sessions, so refresh tokens and access tokens issued before the upgrade
-- keep working.
INSERT INTO sessions (id, user_id, created_at, last_used_at)
SELECT family_id, MIN(user_id), MIN(created_at), MAX(created_at)
FROM refresh_tokens WHERE revoked_at IS NULL GROUP BY family_id;
