-- The outbox's trigger enqueues the publishing job only when it is needed: when no job is queued, or
-- the running one has not been asked to run again yet. Every later event of a busy second finds one
-- of those and writes nothing to the job's row (on PostgreSQL that row's lock made every storing
-- transaction of every user wait for the others; here it is the same rule, for one behaviour).
DROP TRIGGER outbox_publish_job;

CREATE TRIGGER outbox_publish_job AFTER INSERT ON outbox
WHEN NOT EXISTS (
    SELECT 1 FROM jobs WHERE unique_key = 'events:publish'
        AND (state = 'queued' OR (state = 'running' AND rerun))
)
BEGIN
    INSERT INTO jobs (kind, payload, unique_key, priority, run_at, created_at)
    VALUES ('events.publish', '{}', 'events:publish', 20,
            CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER),
            CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER))
    ON CONFLICT (unique_key) WHERE state IN ('queued', 'running')
    DO UPDATE SET rerun = (rerun OR state = 'running');
END;
