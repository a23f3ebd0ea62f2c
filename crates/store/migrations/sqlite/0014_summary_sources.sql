-- Sources that give totals over periods (days, quarters of an hour) of data their provider also gives
-- at a finer resolution: the rollups count them only for what the finer data does not account for.
-- Google Fit's daily and 15-minute CSVs were the summary sources imported before the flag existed; a
-- summary source's natural key ends in a field of its own.
ALTER TABLE sources ADD COLUMN summary INTEGER NOT NULL DEFAULT 0;

UPDATE sources SET summary = 1, natural_key = natural_key || char(31) || 'summary'
 WHERE provider = 'google_fit' AND name IN ('Google Fit (daily)', 'Google Fit (15-minute)') AND summary = 0;
