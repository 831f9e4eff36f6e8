-- The state-wide facts read every discussed case (store.rawDiscussed): since
-- every case's discussion is written topic by topic, the table is several
-- times wider than the three columns read. A covering partial index lets
-- PostgreSQL answer from the index alone (an index-only scan, 62 MB against
-- the table's 737 MB at state size): the whole state's rules run went from
-- 3.2 s to 2.55 s (docs/performance.md).
CREATE INDEX conference_cases_discussed_idx ON conference_cases (conference_id) INCLUDE (case_id, position) WHERE discussed;
