-- The offset a workout was recorded at, beside its document like the other listed fields, and an index
-- holding every figure the daily summaries take from live workouts: a year view reads them from the
-- index alone, not from each activity's row and document. It names the columns of its condition too
-- (always NULL in it): SQLite counts an index as covering only when it holds every column the query
-- names, and (start_s, id) is the order the reads return.
ALTER TABLE activities ADD COLUMN offset_minutes INTEGER;
UPDATE activities SET offset_minutes = json_extract(body, '$.offset_minutes');
CREATE INDEX activities_live_spans
    ON activities (user_id, start_s, id, end_s, offset_minutes, distance, deleted_at, merged_into)
    WHERE deleted_at IS NULL AND merged_into IS NULL;
