-- The supervisor's monthly review of each worker's MVR compliance
-- (CP&P-III-C-5-500, Establishing and Monitoring the Minimum Visitation
-- Requirement: "The Supervisor reviews MVR compliance for each Worker on a
-- monthly basis"). The supervisor marks it on the worker page; it counts for
-- the calendar month of reviewed_on (rule mvr.review_monthly, docs/rules.md).
-- Append-only: a review is a record of something done, never changed; a
-- later one is a new row.
CREATE TABLE mvr_reviews (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker_id    bigint NOT NULL REFERENCES people (id),
    reviewed_by  bigint NOT NULL REFERENCES people (id),
    reviewed_on  date NOT NULL,
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 10000),
    recorded_at  timestamptz NOT NULL
);
CREATE INDEX mvr_reviews_worker_idx ON mvr_reviews (worker_id, reviewed_on);

GRANT SELECT, INSERT ON mvr_reviews TO casework_app;
REVOKE UPDATE, DELETE, TRUNCATE ON mvr_reviews FROM casework_app;
CREATE TRIGGER mvr_reviews_append_only BEFORE UPDATE OR DELETE ON mvr_reviews
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a later review is a new record');
CREATE TRIGGER mvr_reviews_no_truncate BEFORE TRUNCATE ON mvr_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a later review is a new record');

-- A review changes the worker's unit dashboard.
CREATE FUNCTION bump_by_mvr_review() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_units(units_of_workers(ARRAY(SELECT DISTINCT worker_id FROM changed)));
    RETURN NULL;
END $$;
CREATE TRIGGER mvr_reviews_version_ins AFTER INSERT ON mvr_reviews
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_by_mvr_review();
