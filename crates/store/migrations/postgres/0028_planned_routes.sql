-- Routes to follow that a file held without times (see the SQLite migration).
CREATE TABLE planned_routes (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    import_id        TEXT,
    content_key      TEXT NOT NULL,
    name             TEXT,
    description      TEXT,
    distance_m       DOUBLE PRECISION NOT NULL,
    elevation_gain_m DOUBLE PRECISION,
    point_count      BIGINT NOT NULL,
    points           TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    UNIQUE (user_id, content_key)
);
CREATE INDEX planned_routes_import ON planned_routes (import_id) WHERE import_id IS NOT NULL;
