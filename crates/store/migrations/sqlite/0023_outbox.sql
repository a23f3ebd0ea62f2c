-- Domain events, written in the same transaction as the change they tell of, and published after
-- commit by the `events.publish` job (which this table's trigger enqueues, like the rollup and import
-- jobs): an event of rolled-back data never exists, and a committed one is published even if the
-- process stops right after the commit. Published rows stay a while, for clients resuming a stream.
--
-- `new_health_data` is written by the sample store (it knows what a batch added); the others by the
-- triggers below, so no code path that changes an activity, an import's outcome or a profile can forget
-- one. Event ids are random UUIDs (version 4) from `randomblob`.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id     TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    user_id      TEXT,
    occurred_at  INTEGER NOT NULL,
    data         TEXT NOT NULL,
    published_at INTEGER
);
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_user ON outbox (user_id, id);

CREATE TRIGGER outbox_publish_job AFTER INSERT ON outbox BEGIN
    INSERT INTO jobs (kind, payload, unique_key, priority, run_at, created_at)
    VALUES ('events.publish', '{}', 'events:publish', 20,
            CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER),
            CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER))
    ON CONFLICT (unique_key) WHERE state IN ('queued', 'running')
    DO UPDATE SET rerun = (rerun OR state = 'running');
END;

CREATE TRIGGER activities_created_event AFTER INSERT ON activities BEGIN
    INSERT INTO outbox (event_id, type, version, user_id, occurred_at, data)
    SELECT lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8'
                 || substr(h, 18, 3) || '-' || substr(h, 21, 12)),
           'activity.created', 1, NEW.user_id, NEW.updated_at,
           json_object('id', NEW.id, 'type', NEW.activity_type, 'start', NEW.start_s, 'end', NEW.end_s,
                       'revision', NEW.revision)
    FROM (SELECT hex(randomblob(16)) AS h) WHERE true;
END;
CREATE TRIGGER activities_changed_event AFTER UPDATE ON activities
WHEN NEW.revision IS NOT OLD.revision OR NEW.deleted_at IS NOT OLD.deleted_at
     OR NEW.merged_into IS NOT OLD.merged_into BEGIN
    INSERT INTO outbox (event_id, type, version, user_id, occurred_at, data)
    SELECT lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8'
                 || substr(h, 18, 3) || '-' || substr(h, 21, 12)),
           CASE WHEN (NEW.deleted_at IS NOT NULL OR NEW.merged_into IS NOT NULL)
                     AND OLD.deleted_at IS NULL AND OLD.merged_into IS NULL THEN 'activity.deleted'
                ELSE 'activity.updated' END,
           1, NEW.user_id, NEW.updated_at,
           json_object('id', NEW.id, 'type', NEW.activity_type, 'start', NEW.start_s, 'end', NEW.end_s,
                       'revision', NEW.revision)
    FROM (SELECT hex(randomblob(16)) AS h) WHERE true;
END;
CREATE TRIGGER activities_purged_event AFTER DELETE ON activities
WHEN OLD.deleted_at IS NULL AND OLD.merged_into IS NULL
     AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN
    INSERT INTO outbox (event_id, type, version, user_id, occurred_at, data)
    SELECT lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8'
                 || substr(h, 18, 3) || '-' || substr(h, 21, 12)),
           'activity.deleted', 1, OLD.user_id,
           CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER),
           json_object('id', OLD.id, 'type', OLD.activity_type, 'start', OLD.start_s, 'end', OLD.end_s,
                       'revision', OLD.revision)
    FROM (SELECT hex(randomblob(16)) AS h) WHERE true;
END;
CREATE TRIGGER imports_finished_event AFTER UPDATE OF status ON imports
WHEN NEW.status IN ('done', 'failed') AND OLD.status IS NOT NEW.status BEGIN
    INSERT INTO outbox (event_id, type, version, user_id, occurred_at, data)
    SELECT lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8'
                 || substr(h, 18, 3) || '-' || substr(h, 21, 12)),
           CASE NEW.status WHEN 'done' THEN 'import.completed' ELSE 'import.failed' END,
           1, NEW.user_id,
           COALESCE(NEW.finished_at, CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)),
           json_object('id', NEW.id, 'format', NEW.format, 'file_name', NEW.file_name,
                       'imported', NEW.imported, 'duplicates', NEW.duplicates,
                       'activities', NEW.activities)
    FROM (SELECT hex(randomblob(16)) AS h) WHERE true;
END;
CREATE TRIGGER users_profile_event AFTER UPDATE ON users
WHEN NEW.display_name IS NOT OLD.display_name OR NEW.bio IS NOT OLD.bio
     OR NEW.time_zone IS NOT OLD.time_zone OR NEW.unit_system IS NOT OLD.unit_system
     OR NEW.birth_year IS NOT OLD.birth_year OR NEW.sex IS NOT OLD.sex
     OR NEW.height_cm IS NOT OLD.height_cm OR NEW.first_weekday IS NOT OLD.first_weekday BEGIN
    INSERT INTO outbox (event_id, type, version, user_id, occurred_at, data)
    SELECT lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8'
                 || substr(h, 18, 3) || '-' || substr(h, 21, 12)),
           'profile.updated', 1, NEW.id,
           CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER),
           json_object('time_zone', NEW.time_zone, 'unit_system', NEW.unit_system,
                       'first_weekday', NEW.first_weekday)
    FROM (SELECT hex(randomblob(16)) AS h) WHERE true;
END;
-- An account's events go with it (unpublished ones too: there is no one left to tell).
CREATE TRIGGER users_delete_events AFTER DELETE ON users BEGIN
    DELETE FROM outbox WHERE user_id = OLD.id;
END;
