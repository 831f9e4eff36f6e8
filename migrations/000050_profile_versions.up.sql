-- Profile versions an administrator uploads on the policy page: a profile
-- file (docs/rules.md, "Profile files") in force from its date. Every
-- version is kept: rows are never changed or removed, and each upload is
-- audited. For a date, the version in force is the latest effective on or
-- before it; of two uploads effective the same day, the later one.
CREATE TABLE profile_versions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    profile      text NOT NULL CHECK (profile <> ''),
    effective_on date NOT NULL,
    file         text NOT NULL CHECK (file <> ''),
    uploaded_at  timestamptz NOT NULL,
    uploaded_by  text NOT NULL
);
CREATE INDEX profile_versions_profile_idx ON profile_versions (profile, effective_on, id);

CREATE FUNCTION profile_versions_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'profile versions are kept: upload a new version instead' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER profile_versions_kept BEFORE UPDATE OR DELETE ON profile_versions
    FOR EACH ROW EXECUTE FUNCTION profile_versions_kept();
CREATE TRIGGER profile_versions_no_truncate BEFORE TRUNCATE ON profile_versions
    FOR EACH STATEMENT EXECUTE FUNCTION profile_versions_kept();

-- A new version changes every evaluation from its date: kept dashboards
-- are computed afresh (migration 000021).
CREATE TRIGGER profile_versions_epoch AFTER INSERT ON profile_versions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_epoch();

GRANT SELECT, INSERT ON profile_versions TO casework_app;
REVOKE UPDATE, DELETE ON profile_versions FROM casework_app;
