-- Marked rollup days enqueue their user's recompute due one second later (see SQLite's).
CREATE OR REPLACE FUNCTION rollup_dirty_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    now_us BIGINT := (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT;
BEGIN
    INSERT INTO jobs (kind, payload, unique_key, priority, run_at, created_at)
    SELECT 'rollups.recompute', json_build_object('user', user_id)::text, 'rollups:' || user_id, 10,
           now_us + 1000000, now_us
    FROM (SELECT DISTINCT user_id FROM changed_marks) m
    ORDER BY user_id
    ON CONFLICT (unique_key) WHERE state IN ('queued', 'running')
    DO UPDATE SET rerun = (jobs.rerun OR jobs.state = 'running');
    RETURN NULL;
END
$$;
