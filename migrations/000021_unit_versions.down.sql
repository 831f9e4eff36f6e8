DROP TRIGGER IF EXISTS people_epoch ON people;
DROP TRIGGER IF EXISTS profile_choices_epoch ON profile_choices;
DROP TRIGGER IF EXISTS agency_epoch ON agency;
DROP TRIGGER IF EXISTS unit_members_epoch ON unit_members;
DROP TRIGGER IF EXISTS unit_supervisors_epoch ON unit_supervisors;
DROP TRIGGER IF EXISTS supervisor_reports_epoch ON supervisor_reports;
DO $$
DECLARE
    t text;
    s text;
BEGIN
    FOREACH t IN ARRAY ARRAY['events', 'risk_assessments', 'cases', 'case_assignments', 'conferences', 'conference_cases'] LOOP
        FOREACH s IN ARRAY ARRAY['_version_ins', '_version_upd_new', '_version_upd_old', '_version_del'] LOOP
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || s, t);
        END LOOP;
    END LOOP;
END $$;
DROP FUNCTION IF EXISTS bump_epoch();
DROP FUNCTION IF EXISTS bump_by_conference_case();
DROP FUNCTION IF EXISTS bump_by_conference();
DROP FUNCTION IF EXISTS bump_by_assignment();
DROP FUNCTION IF EXISTS bump_by_case();
DROP FUNCTION IF EXISTS bump_by_case_id();
DROP FUNCTION IF EXISTS units_of_conferences(bigint[]);
DROP FUNCTION IF EXISTS units_of_cases(bigint[]);
DROP FUNCTION IF EXISTS units_of_supervisors(bigint[]);
DROP FUNCTION IF EXISTS units_of_workers(bigint[]);
DROP FUNCTION IF EXISTS bump_units(bigint[]);
DROP TABLE IF EXISTS data_epoch;
DROP TABLE IF EXISTS unit_versions;
