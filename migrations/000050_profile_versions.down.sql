DROP TABLE IF EXISTS profile_versions;
DROP FUNCTION IF EXISTS profile_versions_kept();
