-- The day a conference's notes were shared, in the agency's zone, kept on
-- the row: `(shared_at AT TIME ZONE agency.time_zone)::date`, which every
-- reader computed for every row it read (at state scale, half a million
-- conversions, the larger part of PostgreSQL's time for the conferences:
-- docs/performance.md). It is derived, never written: the trigger below sets
-- it from shared_at on every insert and update, whatever the statement
-- says, and a change of the agency's zone recomputes it for every shared
-- conference. A test compares it with the conversion.

ALTER TABLE conferences ADD COLUMN shared_on date;

CREATE FUNCTION conferences_shared_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.shared_on := (NEW.shared_at AT TIME ZONE (SELECT time_zone FROM agency))::date;
    RETURN NEW;
END $$;
CREATE TRIGGER conferences_shared_on BEFORE INSERT OR UPDATE ON conferences
    FOR EACH ROW EXECUTE FUNCTION conferences_shared_on();

-- A new zone: every shared day is read again in it (the trigger above
-- recomputes it on the touch; shared_at itself does not change). At state
-- scale this takes minutes, with every conference locked: the app never
-- changes the zone, which is set when the agency is loaded (docs/deploy.md).
CREATE FUNCTION agency_zone_reshares() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conferences SET shared_at = shared_at WHERE shared_at IS NOT NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER agency_zone_reshares AFTER UPDATE OF time_zone ON agency
    FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION agency_zone_reshares();

-- The days of the conferences already shared. The conferences' own
-- triggers are off for this one statement: it writes nothing but the new
-- column, which no check reads, and the kept dashboards' unit versions need
-- no bump (no fact changes). With them on, every signed record's checks and
-- a unit bump over 1.6 million discussed cases made it take minutes at state
-- scale.
ALTER TABLE conferences DISABLE TRIGGER USER;
UPDATE conferences SET shared_on = (shared_at AT TIME ZONE (SELECT time_zone FROM agency))::date WHERE shared_at IS NOT NULL;
ALTER TABLE conferences ENABLE TRIGGER USER;
