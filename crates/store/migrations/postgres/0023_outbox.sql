-- Domain events, written in the same transaction as the change they tell of and published after commit
-- by the `events.publish` job (see the SQLite migration). Row triggers for activities, imports and
-- profiles (one event per row, and each compares the row before and after); a statement trigger
-- enqueues the publishing job once per statement.
CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    event_id     TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    user_id      TEXT,
    occurred_at  BIGINT NOT NULL,
    data         TEXT NOT NULL,
    published_at BIGINT
);
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_user ON outbox (user_id, id);

CREATE FUNCTION outbox_publish_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO jobs (kind, payload, unique_key, priority, run_at, created_at)
    VALUES ('events.publish', '{}', 'events:publish', 20,
            (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT,
            (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT)
    ON CONFLICT (unique_key) WHERE state IN ('queued', 'running')
    DO UPDATE SET rerun = (jobs.rerun OR jobs.state = 'running');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_publish_job AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_publish_job();

CREATE FUNCTION now_micros() RETURNS BIGINT LANGUAGE sql AS
$$ SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT $$;

CREATE FUNCTION activity_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind TEXT;
    r activities;
BEGIN
    IF TG_OP = 'INSERT' THEN
        kind := 'activity.created';
        r := NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.revision IS NOT DISTINCT FROM OLD.revision AND NEW.deleted_at IS NOT DISTINCT FROM OLD.deleted_at
           AND NEW.merged_into IS NOT DISTINCT FROM OLD.merged_into THEN
            RETURN NULL;
        END IF;
        IF (NEW.deleted_at IS NOT NULL OR NEW.merged_into IS NOT NULL)
           AND OLD.deleted_at IS NULL AND OLD.merged_into IS NULL THEN
            kind := 'activity.deleted';
        ELSE
            kind := 'activity.updated';
        END IF;
        r := NEW;
    ELSE
        IF OLD.deleted_at IS NOT NULL OR OLD.merged_into IS NOT NULL
           OR NOT EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) THEN
            RETURN NULL;
        END IF;
        kind := 'activity.deleted';
        r := OLD;
    END IF;
    INSERT INTO outbox (event_id, type, version, user_id, occurred_at, data)
    VALUES (gen_random_uuid()::text, kind, 1, r.user_id,
            CASE WHEN TG_OP = 'DELETE' THEN now_micros() ELSE r.updated_at END,
            json_build_object('id', r.id, 'type', r.activity_type, 'start', r.start_s,
                              'end', r.end_s, 'revision', r.revision)::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER activity_events AFTER INSERT OR UPDATE OR DELETE ON activities
    FOR EACH ROW EXECUTE FUNCTION activity_events();

CREATE FUNCTION import_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (event_id, type, version, user_id, occurred_at, data)
    VALUES (gen_random_uuid()::text,
            CASE NEW.status WHEN 'done' THEN 'import.completed' ELSE 'import.failed' END, 1, NEW.user_id,
            COALESCE(NEW.finished_at, now_micros()),
            json_build_object('id', NEW.id, 'format', NEW.format, 'file_name', NEW.file_name,
                              'imported', NEW.imported, 'duplicates', NEW.duplicates,
                              'activities', NEW.activities)::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER import_events AFTER UPDATE OF status ON imports
    FOR EACH ROW WHEN (NEW.status IN ('done', 'failed') AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION import_events();

CREATE FUNCTION profile_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (event_id, type, version, user_id, occurred_at, data)
    VALUES (gen_random_uuid()::text, 'profile.updated', 1, NEW.id, now_micros(),
            json_build_object('time_zone', NEW.time_zone, 'unit_system', NEW.unit_system,
                              'first_weekday', NEW.first_weekday)::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER profile_events AFTER UPDATE ON users
    FOR EACH ROW WHEN (NEW.display_name IS DISTINCT FROM OLD.display_name OR NEW.bio IS DISTINCT FROM OLD.bio
        OR NEW.time_zone IS DISTINCT FROM OLD.time_zone OR NEW.unit_system IS DISTINCT FROM OLD.unit_system
        OR NEW.birth_year IS DISTINCT FROM OLD.birth_year OR NEW.sex IS DISTINCT FROM OLD.sex
        OR NEW.height_cm IS DISTINCT FROM OLD.height_cm OR NEW.first_weekday IS DISTINCT FROM OLD.first_weekday)
    EXECUTE FUNCTION profile_events();

-- An account's events go with it.
CREATE FUNCTION forget_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM outbox WHERE user_id = OLD.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_delete_events AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION forget_events();
