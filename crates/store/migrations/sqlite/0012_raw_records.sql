-- Records of types the metric catalogue does not map (HealthKit's dietary values, audio exposure …),
-- kept as read so nothing an export holds is lost, and queryable. Unique on what they recorded, so a
-- re-import adds nothing.
CREATE TABLE raw_records (
    id          INTEGER PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    import_id   TEXT,
    record_type TEXT NOT NULL,
    start_s     INTEGER NOT NULL,
    end_s       INTEGER NOT NULL,
    value       TEXT NOT NULL,
    unit        TEXT NOT NULL,
    source_name TEXT NOT NULL,
    UNIQUE (user_id, record_type, start_s, end_s, source_name, value)
);
CREATE INDEX raw_records_import ON raw_records (import_id) WHERE import_id IS NOT NULL;
