-- Unit versions: what lets a web instance keep a unit's evaluated dashboard
-- between views without ever showing a stale one (docs/performance.md).
--
-- Each unit has a version that every change to what its dashboard is computed
-- from moves on, in the transaction of the change: its cases, their events,
-- risk assessments and assignments, its members and supervisor, the
-- conferences of its workers and supervisor and the cases they discussed.
-- Changes that reach every unit (a person's name or post, the profile, the
-- agency's zone) move the one agency-wide epoch instead. A page reads the
-- versions it depends on in the transaction that records the view, and uses
-- a kept evaluation only if they are the ones it was computed at.
--
-- The mapping from a changed row to units is deliberately wide: a case counts
-- for the unit of every worker who ever held it, a worker for every unit they
-- were ever in, and a change of post (a member, a unit's supervisor, whom a
-- supervisor reports to) moves the epoch, since people appear in other
-- units' facts through the conferences they took part in. A spurious bump
-- costs one recomputation; a missed one would show a stale page.
--
-- The bumps are statement-level triggers over transition tables (one UPDATE
-- per statement, whatever its size, COPY included), and take the units' rows
-- in id order, so concurrent statements wait for one another, never deadlock
-- on each other's units within a statement.

CREATE TABLE unit_versions (
    unit_id     bigint PRIMARY KEY,
    version     bigint NOT NULL
);

CREATE TABLE data_epoch (
    id      smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    epoch   bigint NOT NULL DEFAULT 0
);
INSERT INTO data_epoch DEFAULT VALUES;

CREATE FUNCTION bump_units(units bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO unit_versions AS v (unit_id, version)
    SELECT DISTINCT u, 1 FROM unnest(units) u WHERE u IS NOT NULL ORDER BY u
    ON CONFLICT (unit_id) DO UPDATE SET version = v.version + 1
$$;

CREATE FUNCTION units_of_workers(ids bigint[]) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT unit_id), '{}') FROM unit_members WHERE worker_id = ANY(ids)
$$;

CREATE FUNCTION units_of_supervisors(ids bigint[]) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT unit_id), '{}') FROM unit_supervisors WHERE supervisor_id = ANY(ids)
$$;

CREATE FUNCTION units_of_cases(ids bigint[]) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT m.unit_id), '{}')
    FROM case_assignments a JOIN unit_members m ON m.worker_id = a.worker_id
    WHERE a.case_id = ANY(ids)
$$;

CREATE FUNCTION units_of_conferences(ids bigint[]) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT units_of_workers(array_agg(w)) || units_of_supervisors(array_agg(s))
    FROM (SELECT unnest(ARRAY[k.worker_id, k.invited_worker_id]) AS w, k.supervisor_id AS s
          FROM conferences k WHERE k.id = ANY(ids)) x
$$;

-- One trigger function per shape of row; each reads the transition table
-- "changed" (the new rows, or the old ones, as the trigger says).
CREATE FUNCTION bump_by_case_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_units(units_of_cases(ARRAY(SELECT DISTINCT case_id FROM changed)));
    RETURN NULL;
END $$;

CREATE FUNCTION bump_by_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_units(units_of_cases(ARRAY(SELECT id FROM changed)));
    RETURN NULL;
END $$;

CREATE FUNCTION bump_by_assignment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_units(units_of_workers(ARRAY(SELECT DISTINCT worker_id FROM changed))
        || units_of_cases(ARRAY(SELECT DISTINCT case_id FROM changed)));
    RETURN NULL;
END $$;

CREATE FUNCTION bump_by_conference() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_units(
        units_of_workers(ARRAY(SELECT worker_id FROM changed UNION SELECT invited_worker_id FROM changed))
        || units_of_supervisors(ARRAY(SELECT DISTINCT supervisor_id FROM changed))
        || units_of_cases(ARRAY(SELECT cc.case_id FROM conference_cases cc WHERE cc.conference_id IN (SELECT id FROM changed))));
    RETURN NULL;
END $$;

CREATE FUNCTION bump_by_conference_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_units(units_of_conferences(ARRAY(SELECT DISTINCT conference_id FROM changed))
        || units_of_cases(ARRAY(SELECT DISTINCT case_id FROM changed)));
    RETURN NULL;
END $$;

CREATE FUNCTION bump_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_epoch SET epoch = epoch + 1;
    RETURN NULL;
END $$;

-- Four triggers per table: inserted rows, updated rows before and after,
-- deleted rows.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('events', 'bump_by_case_id'), ('risk_assessments', 'bump_by_case_id'), ('cases', 'bump_by_case'),
        ('case_assignments', 'bump_by_assignment'),
        ('conferences', 'bump_by_conference'), ('conference_cases', 'bump_by_conference_case')) AS x(tbl, fn)
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION %I()', t.tbl || '_version_ins', t.tbl, t.fn);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION %I()', t.tbl || '_version_upd_new', t.tbl, t.fn);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION %I()', t.tbl || '_version_upd_old', t.tbl, t.fn);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION %I()', t.tbl || '_version_del', t.tbl, t.fn);
    END LOOP;
END $$;

-- Agency-wide: who people are (names, experience), their posts, the profile
-- and its calendar, the agency's zone.
CREATE TRIGGER unit_members_epoch AFTER INSERT OR UPDATE OR DELETE ON unit_members
    FOR EACH STATEMENT EXECUTE FUNCTION bump_epoch();
CREATE TRIGGER unit_supervisors_epoch AFTER INSERT OR UPDATE OR DELETE ON unit_supervisors
    FOR EACH STATEMENT EXECUTE FUNCTION bump_epoch();
CREATE TRIGGER supervisor_reports_epoch AFTER INSERT OR UPDATE OR DELETE ON supervisor_reports
    FOR EACH STATEMENT EXECUTE FUNCTION bump_epoch();
CREATE TRIGGER people_epoch AFTER INSERT OR DELETE OR UPDATE OF full_name, role, experience_start, source_id, active ON people
    FOR EACH STATEMENT EXECUTE FUNCTION bump_epoch();
CREATE TRIGGER profile_choices_epoch AFTER INSERT OR UPDATE OR DELETE ON profile_choices
    FOR EACH STATEMENT EXECUTE FUNCTION bump_epoch();
CREATE TRIGGER agency_epoch AFTER INSERT OR UPDATE OR DELETE ON agency
    FOR EACH STATEMENT EXECUTE FUNCTION bump_epoch();
