-- The durable job queue (see the services' `jobs` module). A job is queued, then running under a lease
-- (owner + expiry, renewed while it runs; an expired lease is taken again), then done, or dead after
-- `max_attempts` failures. `unique_key` makes at most one queued-or-running job per key: enqueueing a
-- key already queued does nothing, and one already running sets `rerun`, so the job runs once more
-- when it completes (what caused the enqueue may have come after the job read its input).
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL DEFAULT '{}',
    unique_key    TEXT,
    priority      INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL DEFAULT 'queued',
    rerun         INTEGER NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL DEFAULT 10,
    run_at        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    started_at    INTEGER,
    finished_at   INTEGER,
    lease_owner   TEXT,
    lease_until   INTEGER,
    last_error    TEXT
);
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_due ON jobs (priority DESC, run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leases ON jobs (lease_until) WHERE state = 'running';
CREATE INDEX jobs_state ON jobs (state, id);

-- Recurring jobs: when each fires next. A scheduler fires one by moving `next_at` on (compare and set)
-- in the same transaction as it enqueues the job, so several schedulers fire it once.
CREATE TABLE job_schedules (
    name     TEXT PRIMARY KEY,
    next_at  INTEGER NOT NULL
);

-- Marked rollup days and queued imports enqueue their job in the database, in the same transaction as
-- the change that causes it, whichever code path wrote it.
CREATE TRIGGER rollup_dirty_job_insert AFTER INSERT ON rollup_dirty BEGIN
    INSERT INTO jobs (kind, payload, unique_key, priority, run_at, created_at)
    VALUES ('rollups.recompute', json_object('user', NEW.user_id), 'rollups:' || NEW.user_id, 10,
            CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER),
            CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER))
    ON CONFLICT (unique_key) WHERE state IN ('queued', 'running')
    DO UPDATE SET rerun = (rerun OR state = 'running');
END;
CREATE TRIGGER rollup_dirty_job_update AFTER UPDATE ON rollup_dirty BEGIN
    INSERT INTO jobs (kind, payload, unique_key, priority, run_at, created_at)
    VALUES ('rollups.recompute', json_object('user', NEW.user_id), 'rollups:' || NEW.user_id, 10,
            CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER),
            CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER))
    ON CONFLICT (unique_key) WHERE state IN ('queued', 'running')
    DO UPDATE SET rerun = (rerun OR state = 'running');
END;
CREATE TRIGGER imports_job AFTER INSERT ON imports WHEN NEW.status = 'queued' BEGIN
    INSERT INTO jobs (kind, payload, unique_key, priority, max_attempts, run_at, created_at)
    VALUES ('imports.run', json_object('import', NEW.id), 'import:' || NEW.id, 0, 5, NEW.created_at,
            NEW.created_at)
    ON CONFLICT (unique_key) WHERE state IN ('queued', 'running') DO NOTHING;
END;

-- Work a process of the previous release left: marked days and unfinished imports get their jobs.
INSERT INTO jobs (kind, payload, unique_key, priority, run_at, created_at)
SELECT DISTINCT 'rollups.recompute', json_object('user', user_id), 'rollups:' || user_id, 10, 0, 0
FROM rollup_dirty WHERE true
ON CONFLICT (unique_key) WHERE state IN ('queued', 'running') DO NOTHING;
INSERT INTO jobs (kind, payload, unique_key, priority, max_attempts, run_at, created_at)
SELECT 'imports.run', json_object('import', id), 'import:' || id, 0, 5, created_at, created_at
FROM imports WHERE status IN ('queued', 'running')
ON CONFLICT (unique_key) WHERE state IN ('queued', 'running') DO NOTHING;
UPDATE imports SET status = 'queued' WHERE status = 'running';
