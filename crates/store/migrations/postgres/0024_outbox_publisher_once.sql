-- The outbox's trigger enqueues the publishing job only when it is needed: when no job is queued, or
-- the running one has not been asked to run again yet. The check is a plain read; only when it finds
-- neither does the trigger take the job row's lock (an upsert locks the row it meets, even to change
-- nothing), so storing transactions of different users no longer queue behind one another on it.
CREATE OR REPLACE FUNCTION outbox_publish_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM jobs WHERE unique_key = 'events:publish'
            AND (state = 'queued' OR (state = 'running' AND rerun))
    ) THEN
        RETURN NULL;
    END IF;
    INSERT INTO jobs (kind, payload, unique_key, priority, run_at, created_at)
    VALUES ('events.publish', '{}', 'events:publish', 20,
            (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT,
            (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT)
    ON CONFLICT (unique_key) WHERE state IN ('queued', 'running')
    DO UPDATE SET rerun = (jobs.rerun OR jobs.state = 'running');
    RETURN NULL;
END
$$;
