-- The offset a workout was recorded at, and an index covering the daily summaries' workout figures
-- (see the SQLite migration).
ALTER TABLE activities ADD COLUMN offset_minutes SMALLINT;
UPDATE activities SET offset_minutes = (body::json ->> 'offset_minutes')::smallint;
CREATE INDEX activities_live_spans
    ON activities (user_id, start_s, id, end_s, offset_minutes, distance, deleted_at, merged_into)
    WHERE deleted_at IS NULL AND merged_into IS NULL;
