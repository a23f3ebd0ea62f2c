-- Routes to follow that a file held without times (a GPX drawn in a route planner): plans, not
-- workouts, kept so that importing such a file loses nothing. Unique on their content, so importing the
-- same route again adds nothing. Points are JSON, [[lat, lon, elevation or null], …].
CREATE TABLE planned_routes (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    import_id        TEXT,
    content_key      TEXT NOT NULL,
    name             TEXT,
    description      TEXT,
    distance_m       REAL NOT NULL,
    elevation_gain_m REAL,
    point_count      INTEGER NOT NULL,
    points           TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (user_id, content_key)
);
CREATE INDEX planned_routes_import ON planned_routes (import_id) WHERE import_id IS NOT NULL;
