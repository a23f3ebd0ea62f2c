-- A user's explicit source order: lower first; NULL falls back to the device kind's default rank.
ALTER TABLE sources ADD COLUMN priority INTEGER;
