-- The visit plans (case_mvr, migration 000083) are part of what a unit's
-- dashboard is computed from, but no trigger moved the units' versions when
-- one changed: a kept evaluation could be shown after a plan was set. The
-- same four triggers as the other tables of migration 000021.
CREATE TRIGGER case_mvr_version_ins AFTER INSERT ON case_mvr REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_by_case_id();
CREATE TRIGGER case_mvr_version_upd_new AFTER UPDATE ON case_mvr REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_by_case_id();
CREATE TRIGGER case_mvr_version_upd_old AFTER UPDATE ON case_mvr REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_by_case_id();
CREATE TRIGGER case_mvr_version_del AFTER DELETE ON case_mvr REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_by_case_id();
