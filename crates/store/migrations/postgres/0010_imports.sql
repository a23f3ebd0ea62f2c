-- File imports: one row per uploaded file, with progress and the final report. Rows an import writes are
-- tagged with its id (through their ingest batch, or on the activity) so a failed import can be rolled
-- back completely.
CREATE TABLE imports (
    id                  TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status              TEXT NOT NULL,
    format              TEXT NOT NULL,
    file_name           TEXT,
    sha256              TEXT NOT NULL,
    bytes_total         BIGINT NOT NULL,
    bytes_read          BIGINT NOT NULL DEFAULT 0,
    records_read        BIGINT NOT NULL DEFAULT 0,
    imported            BIGINT NOT NULL DEFAULT 0,
    duplicates          BIGINT NOT NULL DEFAULT 0,
    activities          BIGINT NOT NULL DEFAULT 0,
    report              TEXT NOT NULL DEFAULT '{}',
    created_at          BIGINT NOT NULL,
    started_at          BIGINT,
    finished_at         BIGINT
);
CREATE INDEX imports_user ON imports (user_id, created_at);
CREATE INDEX imports_status ON imports (status);

ALTER TABLE ingest_batches ADD COLUMN import_id TEXT;
CREATE INDEX ingest_batches_import ON ingest_batches (import_id) WHERE import_id IS NOT NULL;
ALTER TABLE activities ADD COLUMN import_id TEXT;
CREATE INDEX activities_import ON activities (import_id) WHERE import_id IS NOT NULL;
