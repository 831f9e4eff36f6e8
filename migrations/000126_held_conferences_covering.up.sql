-- The held conferences with every column the state-wide load reads of them
-- (store.readHeldConferences), in id order, so that the load's read of half
-- a million of them is an index-only scan of about 40 MB instead of a
-- sequential scan of the whole table (170 MB at state scale, notes and all):
-- 100-150 ms of PostgreSQL's time against 220-330 ms. The predicate is the
-- held statuses (conference.HeldStatuses; TestHeldConferencesIndexMatchesTheHeldStatuses
-- fails if they part); the load asks for its rows in id order, which this
-- index gives without a sort.
CREATE INDEX conferences_held_load_idx ON conferences (id)
    INCLUDE (source_id, kind, held_on, supervisor_id, worker_id, invited_worker_id, casework_supervisor_id, shared_on)
    WHERE status IN ('signed', 'shared', 'acknowledged');
