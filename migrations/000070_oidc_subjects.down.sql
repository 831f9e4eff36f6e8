DROP TABLE oidc_subjects;
