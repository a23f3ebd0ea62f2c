-- The durable job queue (see the SQLite migration for what each column means).
CREATE TABLE jobs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL DEFAULT '{}',
    unique_key    TEXT,
    priority      INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL DEFAULT 'queued',
    rerun         BOOLEAN NOT NULL DEFAULT FALSE,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL DEFAULT 10,
    run_at        BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    started_at    BIGINT,
    finished_at   BIGINT,
    lease_owner   TEXT,
    lease_until   BIGINT,
    last_error    TEXT
);
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_due ON jobs (priority DESC, run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leases ON jobs (lease_until) WHERE state = 'running';
CREATE INDEX jobs_state ON jobs (state, id);

CREATE TABLE job_schedules (
    name     TEXT PRIMARY KEY,
    next_at  BIGINT NOT NULL
);

-- Marked rollup days and queued imports enqueue their job in the same transaction (see SQLite's).
-- Statement triggers: one insert per statement, whatever the number of marks it wrote.
CREATE FUNCTION rollup_dirty_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO jobs (kind, payload, unique_key, priority, run_at, created_at)
    SELECT 'rollups.recompute', json_build_object('user', user_id)::text, 'rollups:' || user_id, 10,
           (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT,
           (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT
    FROM (SELECT DISTINCT user_id FROM changed_marks) m
    ORDER BY user_id
    ON CONFLICT (unique_key) WHERE state IN ('queued', 'running')
    DO UPDATE SET rerun = (jobs.rerun OR jobs.state = 'running');
    RETURN NULL;
END
$$;
CREATE TRIGGER rollup_dirty_job_insert AFTER INSERT ON rollup_dirty
    REFERENCING NEW TABLE AS changed_marks FOR EACH STATEMENT EXECUTE FUNCTION rollup_dirty_jobs();
CREATE TRIGGER rollup_dirty_job_update AFTER UPDATE ON rollup_dirty
    REFERENCING NEW TABLE AS changed_marks FOR EACH STATEMENT EXECUTE FUNCTION rollup_dirty_jobs();

CREATE FUNCTION imports_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO jobs (kind, payload, unique_key, priority, max_attempts, run_at, created_at)
    VALUES ('imports.run', json_build_object('import', NEW.id)::text, 'import:' || NEW.id, 0, 5,
            NEW.created_at, NEW.created_at)
    ON CONFLICT (unique_key) WHERE state IN ('queued', 'running') DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER imports_job AFTER INSERT ON imports
    FOR EACH ROW WHEN (NEW.status = 'queued') EXECUTE FUNCTION imports_job();

INSERT INTO jobs (kind, payload, unique_key, priority, run_at, created_at)
SELECT 'rollups.recompute', json_build_object('user', user_id)::text, 'rollups:' || user_id, 10, 0, 0
FROM (SELECT DISTINCT user_id FROM rollup_dirty) m
ON CONFLICT (unique_key) WHERE state IN ('queued', 'running') DO NOTHING;
INSERT INTO jobs (kind, payload, unique_key, priority, max_attempts, run_at, created_at)
SELECT 'imports.run', json_build_object('import', id)::text, 'import:' || id, 0, 5, created_at, created_at
FROM imports WHERE status IN ('queued', 'running')
ON CONFLICT (unique_key) WHERE state IN ('queued', 'running') DO NOTHING;
UPDATE imports SET status = 'queued' WHERE status = 'running';
