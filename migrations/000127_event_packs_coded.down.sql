LOCK TABLE events IN SHARE MODE;

CREATE OR REPLACE FUNCTION event_pack_entry(occurred_on date, kind text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT int4send(occurred_on - date '2000-01-01') || set_byte('\x00'::bytea, 0, octet_length(kind)) || convert_to(kind, 'UTF8')
$$;

-- Updated in place, not truncated and filled again: TRUNCATE is not
-- MVCC-safe, and a state-wide load (or the day's digests) whose snapshot
-- was taken before this commits would read no packs at all. The update
-- leaves the old packs' space in the table (82 MB at state scale) for the
-- new packs to reuse; `VACUUM FULL case_event_packs` at a quiet time gives
-- it back (docs/deploy.md, upgrading).
UPDATE case_event_packs p SET events = x.events
FROM (SELECT case_id, string_agg(event_pack_entry(occurred_on, kind), ''::bytea ORDER BY id) AS events
      FROM events GROUP BY case_id) x
WHERE p.case_id = x.case_id;
