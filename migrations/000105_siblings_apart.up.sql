-- Siblings placed apart (CP&P-III-C-5-500, Children in an Out-of-Home
-- Placement: "weekly visits occur with parents, siblings and other
-- interested parties"): the time a case's child has siblings placed apart,
-- from its start until its end, the day they are together again (none: still
-- apart). While the child is placed out of home apart from siblings, a
-- sibling visit is owed weekly. One range a case, like the Safety Protection
-- Plan; each change is audited (before and after), so an earlier range is
-- kept in the audit log.
CREATE TABLE case_siblings_apart (
    case_id   bigint PRIMARY KEY REFERENCES cases (id),
    start_on  date NOT NULL,
    end_on    date CHECK (end_on IS NULL OR end_on >= start_on),
    set_by    bigint REFERENCES people (id),
    set_at    timestamptz NOT NULL
);

-- A change moves the versions of the case's units (migration 000021), so a
-- kept evaluation is never shown after it.
CREATE TRIGGER case_siblings_apart_version_ins AFTER INSERT ON case_siblings_apart REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_by_case_id();
CREATE TRIGGER case_siblings_apart_version_upd_new AFTER UPDATE ON case_siblings_apart REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_by_case_id();
CREATE TRIGGER case_siblings_apart_version_upd_old AFTER UPDATE ON case_siblings_apart REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_by_case_id();
CREATE TRIGGER case_siblings_apart_version_del AFTER DELETE ON case_siblings_apart REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_by_case_id();

-- Siblings placed apart import from CSV too (docs/import.md, kind siblings).
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN ('facts', 'staff', 'cases', 'assignments', 'risk', 'events', 'mvr', 'siblings'));
