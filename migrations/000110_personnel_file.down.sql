DROP TABLE personnel_steps;
DROP FUNCTION personnel_steps_one_way();
DROP TABLE personnel_filings;
DROP FUNCTION freeze_conference_tables(regclass[]);
DROP TABLE conference_frozen_tables;
DROP TABLE conference_standard_steps;
DROP TABLE conference_abilities;
DROP TABLE conference_personnel;
