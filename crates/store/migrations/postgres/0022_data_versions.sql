-- A counter per user that every change of what the user's summaries and series show advances, in the
-- same transaction as the change (see the SQLite migration). Statement triggers with transition tables:
-- a batch of marks or activities advances each of its users' counters once.
CREATE TABLE data_versions (
    user_id TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);

CREATE FUNCTION advance_data_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO data_versions (user_id, version)
    SELECT m.user_id, 1 FROM (SELECT DISTINCT user_id FROM changed_rows) m
    WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = m.user_id)
    ORDER BY m.user_id
    ON CONFLICT (user_id) DO UPDATE SET version = data_versions.version + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER rollup_dirty_version_insert AFTER INSERT ON rollup_dirty
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION advance_data_versions();
CREATE TRIGGER rollup_dirty_version_update AFTER UPDATE ON rollup_dirty
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION advance_data_versions();
CREATE TRIGGER activities_version_insert AFTER INSERT ON activities
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION advance_data_versions();
CREATE TRIGGER activities_version_update AFTER UPDATE ON activities
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION advance_data_versions();
CREATE TRIGGER activities_version_delete AFTER DELETE ON activities
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION advance_data_versions();
CREATE TRIGGER user_time_zones_version_insert AFTER INSERT ON user_time_zones
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION advance_data_versions();
CREATE TRIGGER user_time_zones_version_update AFTER UPDATE ON user_time_zones
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION advance_data_versions();
CREATE TRIGGER user_time_zones_version_delete AFTER DELETE ON user_time_zones
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION advance_data_versions();

CREATE FUNCTION forget_data_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM data_versions WHERE user_id = OLD.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_version_delete AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION forget_data_versions();
