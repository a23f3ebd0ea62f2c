-- Marked rollup days enqueue their user's recompute due one second later, not at once. Reads never
-- wait for it (they recompute what is marked first); what the pause buys is that a steady flow of
-- writes (a device streaming, samples posted one by one) is recomputed once a second per user instead
-- of once per write, which took most of the one writer's time. The job's rerun after a run that was
-- marked again is paused likewise (the handler's `rerun_pause`).
DROP TRIGGER rollup_dirty_job_insert;
DROP TRIGGER rollup_dirty_job_update;

CREATE TRIGGER rollup_dirty_job_insert AFTER INSERT ON rollup_dirty BEGIN
    INSERT INTO jobs (kind, payload, unique_key, priority, run_at, created_at)
    VALUES ('rollups.recompute', json_object('user', NEW.user_id), 'rollups:' || NEW.user_id, 10,
            CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER) + 1000000,
            CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER))
    ON CONFLICT (unique_key) WHERE state IN ('queued', 'running')
    DO UPDATE SET rerun = (rerun OR state = 'running');
END;
CREATE TRIGGER rollup_dirty_job_update AFTER UPDATE ON rollup_dirty BEGIN
    INSERT INTO jobs (kind, payload, unique_key, priority, run_at, created_at)
    VALUES ('rollups.recompute', json_object('user', NEW.user_id), 'rollups:' || NEW.user_id, 10,
            CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER) + 1000000,
            CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER))
    ON CONFLICT (unique_key) WHERE state IN ('queued', 'running')
    DO UPDATE SET rerun = (rerun OR state = 'running');
END;
