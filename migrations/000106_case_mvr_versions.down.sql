DROP TRIGGER case_mvr_version_del ON case_mvr;
DROP TRIGGER case_mvr_version_upd_old ON case_mvr;
DROP TRIGGER case_mvr_version_upd_new ON case_mvr;
DROP TRIGGER case_mvr_version_ins ON case_mvr;
