-- Summary sources (see the SQLite migration).
ALTER TABLE sources ADD COLUMN summary BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE sources SET summary = TRUE, natural_key = natural_key || chr(31) || 'summary'
 WHERE provider = 'google_fit' AND name IN ('Google Fit (daily)', 'Google Fit (15-minute)') AND NOT summary;
