DROP TRIGGER conferences_sign_discussed ON conferences;
DROP FUNCTION conferences_sign_discussed();
DROP VIEW discussed_cases;
ALTER TABLE conference_cases DISABLE TRIGGER conference_cases_frozen;
ALTER TABLE conference_cases DROP COLUMN discussed;
ALTER TABLE conference_cases ENABLE TRIGGER conference_cases_frozen;
