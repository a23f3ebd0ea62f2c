-- The last ingest batch an import had stored when it was claimed again after its process stopped: the
-- samples of its batches up to this one are its own when the re-run meets them (counted as imported,
-- not as duplicates). NULL for an import's first attempt.
ALTER TABLE imports ADD COLUMN resumed_after_batch INTEGER;
