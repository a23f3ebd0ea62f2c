-- A counter per user that every change of what the user's summaries and series show advances, in the
-- same transaction as the change: a stored sample or a removed one (they mark rollup days), a workout
-- added, edited or deleted, a change of time zone. Cached responses are keyed by it, so a cached answer
-- can never outlive the data it was computed from, whichever process (server, worker, CLI import)
-- made the change. No foreign key: rows deleted with the account would otherwise be re-created by the
-- cascade's own triggers; the triggers skip users that no longer exist instead.
CREATE TABLE data_versions (
    user_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);

CREATE TRIGGER rollup_dirty_version_insert AFTER INSERT ON rollup_dirty BEGIN
    INSERT INTO data_versions (user_id, version) SELECT NEW.user_id, 1
    WHERE EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER rollup_dirty_version_update AFTER UPDATE ON rollup_dirty BEGIN
    INSERT INTO data_versions (user_id, version) SELECT NEW.user_id, 1
    WHERE EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER activities_version_insert AFTER INSERT ON activities BEGIN
    INSERT INTO data_versions (user_id, version) SELECT NEW.user_id, 1
    WHERE EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER activities_version_update AFTER UPDATE ON activities BEGIN
    INSERT INTO data_versions (user_id, version) SELECT NEW.user_id, 1
    WHERE EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER activities_version_delete AFTER DELETE ON activities BEGIN
    INSERT INTO data_versions (user_id, version) SELECT OLD.user_id, 1
    WHERE EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER user_time_zones_version_insert AFTER INSERT ON user_time_zones BEGIN
    INSERT INTO data_versions (user_id, version) SELECT NEW.user_id, 1
    WHERE EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER user_time_zones_version_update AFTER UPDATE ON user_time_zones BEGIN
    INSERT INTO data_versions (user_id, version) SELECT NEW.user_id, 1
    WHERE EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER user_time_zones_version_delete AFTER DELETE ON user_time_zones BEGIN
    INSERT INTO data_versions (user_id, version) SELECT OLD.user_id, 1
    WHERE EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER users_version_delete AFTER DELETE ON users BEGIN
    DELETE FROM data_versions WHERE user_id = OLD.id;
END;
