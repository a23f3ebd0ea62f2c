-- The data version (the readers and rules of the release) an import was read with, and the earlier
-- import of the same file that a newer reading replaces. A file imported by older readers is read again
-- when uploaded again: the new import takes over the records of the old one that it reads again, and
-- what the old reading stored and the new one does not (a record the old readers got wrong) goes with
-- the old import.
ALTER TABLE imports ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN supersedes TEXT;
