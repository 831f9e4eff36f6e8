DROP INDEX audit_log_sso_refused_idx;
DROP TABLE oidc_subjects;
