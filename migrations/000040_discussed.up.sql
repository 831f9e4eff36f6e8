-- A case of a conference counts as discussed only when its discussion
-- records something for it: every topic of the checklist in force written,
-- or marked "does not apply" (docs/workspace.md, "What counts as discussed").
-- The app computes it from the profile's checklist on every save of a draft;
-- a record cannot be signed while one of its cases is blank. Everything that
-- counts discussions (the rules' facts, dashboards, trends, exports, the API)
-- reads discussed_cases, never conference_cases.
ALTER TABLE conference_cases ADD COLUMN discussed boolean NOT NULL DEFAULT false;

-- policy snapshot: the backfill below names each built-in profile's checklist
-- as it stood when this migration was written; it runs once, on old rows, and
-- the app (internal/rules) decides every record saved after it.
-- Records written before this change: a case counts when every topic of the
-- checklist then in force has text (the checklists as they stand today; an
-- unknown profile reads as nj-cpp's, as in the app). A conference imported
-- from the system of record is that system's record of the discussion and
-- keeps counting. A blank case of a signed record stops counting: it was
-- never discussed on the record.
ALTER TABLE conference_cases DISABLE TRIGGER conference_cases_frozen;
UPDATE conference_cases cc SET discussed = true
FROM conferences k
WHERE k.id = cc.conference_id
  AND (k.source_id IS NOT NULL
       OR NOT EXISTS (
           SELECT 1 FROM unnest(CASE
               WHEN k.kind = 'casework_review' THEN ARRAY['discussion', 'decisions']
               ELSE CASE coalesce((SELECT profile FROM profile_choices WHERE effective_on <= k.held_on ORDER BY effective_on DESC LIMIT 1), 'nj-cpp')
                   WHEN 'tx-dfps' THEN ARRAY['safety_risk', 'documentation', 'progress', 'services', 'court', 'obstacles']
                   WHEN 'policy-46100' THEN ARRAY['safety_risk', 'visits', 'permanency', 'well_being', 'services', 'closure']
                   ELSE ARRAY['safety_risk', 'visits', 'services', 'permanency', 'court', 'obstacles'] END
               END) AS topic
           WHERE btrim(coalesce(cc.discussion -> 'items' ->> topic, '')) = ''));
ALTER TABLE conference_cases ENABLE TRIGGER conference_cases_frozen;

-- The one place discussions are counted from.
CREATE VIEW discussed_cases AS
    SELECT conference_id, case_id, position FROM conference_cases WHERE discussed;
GRANT SELECT ON discussed_cases TO casework_app;

-- A record is not signed while a case of it is blank, whoever asks.
CREATE FUNCTION conferences_sign_discussed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'draft' AND NEW.status <> 'draft'
       AND EXISTS (SELECT 1 FROM conference_cases WHERE conference_id = NEW.id AND NOT discussed) THEN
        RAISE EXCEPTION 'conference %: a case of it is not discussed; write or remove it before signing', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER conferences_sign_discussed BEFORE UPDATE OF status ON conferences
    FOR EACH ROW EXECUTE FUNCTION conferences_sign_discussed();
