-- The day weeks start on for this user's weekly summaries.
ALTER TABLE users ADD COLUMN first_weekday TEXT NOT NULL DEFAULT 'monday';
