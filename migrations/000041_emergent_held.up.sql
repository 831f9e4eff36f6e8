-- An emergent request is answered by holding the conference it asks for
-- (docs/workspace.md): a signed casework review that discusses its case, or
-- an answer recorded with the day the conference was held. Answers recorded
-- before this change keep no such day; they read as held the day answered.
ALTER TABLE emergent_requests ADD COLUMN held_on date;
ALTER TABLE emergent_requests ADD CONSTRAINT emergent_requests_held_check
    CHECK (held_on IS NULL OR answered_at IS NOT NULL);
