-- The minimum visitation requirement (MVR) a supervisor sets for a case
-- (CP&P-III-C-5-500, Establishing and Monitoring the Minimum Visitation
-- Requirement): visits a calendar month with the child, the parents and the
-- placement provider, from a date, so that it can change with risk or as
-- reunification nears. Each row holds from its date until the next; rows are
-- kept (a change is a new row), and each is audited.
CREATE TABLE case_mvr (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id   bigint NOT NULL REFERENCES cases (id),
    from_on   date NOT NULL,
    child     int NOT NULL CHECK (child BETWEEN 0 AND 31),
    parents   int NOT NULL CHECK (parents BETWEEN 0 AND 31),
    provider  int NOT NULL CHECK (provider BETWEEN 0 AND 31),
    set_by    bigint REFERENCES people (id),
    set_at    timestamptz NOT NULL,
    UNIQUE (case_id, from_on)
);

-- Visit plans import from CSV too (docs/import.md, kind mvr).
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN ('facts', 'staff', 'cases', 'assignments', 'risk', 'events', 'mvr'));
