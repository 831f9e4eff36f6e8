-- Each event of a pack (000111) with its kind as a byte, not spelled out:
-- the packs fall from 82 MB to 23 MB at state scale, and the load's read of
-- them (PostgreSQL sending them, the load decoding them) from about 300 ms
-- to 190 ms. An event is now
--   4 bytes  the date, as before
--   1 byte   c: when c > 128, the kind is the (c - 128)-th of the list
--            below (store.packedEventKinds, the same list: append only,
--            never reordered, or every pack must be made again); when
--            c < 128, the kind follows spelled out in c bytes, as in
--            000111 (a kind this function does not code yet). So a pack of
--            either form reads the same: a reader never takes a length for
--            a code.
-- Every pack is made again here, with events locked against writers, so
-- that no pack is made with both forms.
LOCK TABLE events IN SHARE MODE;

CREATE OR REPLACE FUNCTION event_pack_entry(occurred_on date, kind text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT int4send(occurred_on - date '2000-01-01') || coalesce(
        set_byte('\x00'::bytea, 0, 128 + array_position(ARRAY[
            'child_visit', 'parent_visit', 'sibling_visit', 'provider_visit', 'collateral_contact',
            'family_team_meeting', 'relative_notification', 'cprb_notification', 'ninety_day_staffing',
            'risk_reassessment', 'mvr_established', 'contact_sheet_approved', 'diligent_search_started'
        ]::text[], kind)),
        set_byte('\x00'::bytea, 0, octet_length(kind)) || convert_to(kind, 'UTF8'))
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
