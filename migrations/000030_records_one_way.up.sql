-- Records that must not change, held by the database whoever writes (issue
-- 14). Each table of the schema was reviewed for the hole the outside test
-- found (the app's role could delete an addendum and un-revoke a token):
--
--   conference_addenda   append-only: never updated or deleted
--   performance_notes    append-only: never updated or deleted
--   imports              append-only: the record of what an import wrote
--   api_tokens           the token, its scope and its issuer fixed; revoked once, for good
--   calendar_tokens      the same: a revoked feed address stays revoked
--   emergent_requests    the request fixed; answered once, for good
--   conferences          shared and acknowledged once, for good (the content
--                        of a signed record was frozen already, 000003/000011)
--
-- Left mutable on purpose: the structure (offices, units, people,
-- positions, assignments), the system of record's data (cases, events, risk
-- assessments: imports correct them), drafts, next steps' done dates,
-- sessions, sign-in failures, caches (unit_versions, data_epoch). audit_log
-- and audit_case_refs were append-only already (000002, 000022).
--
-- The grants take the rights away from the app's role; the triggers refuse
-- the statement for every role that has not disabled triggers, the owner
-- included (only a superuser or the owner can disable them: docs/security.md).

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: its rows are never % (%)', TG_TABLE_NAME, lower(TG_OP) || 'd', TG_ARGV[0]
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

REVOKE UPDATE, DELETE, TRUNCATE ON conference_addenda, performance_notes, imports FROM casework_app;
CREATE TRIGGER conference_addenda_append_only BEFORE UPDATE OR DELETE ON conference_addenda
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a correction is a new addendum');
CREATE TRIGGER conference_addenda_no_truncate BEFORE TRUNCATE ON conference_addenda
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a correction is a new addendum');
CREATE TRIGGER performance_notes_append_only BEFORE UPDATE OR DELETE ON performance_notes
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a later note corrects an earlier one');
CREATE TRIGGER performance_notes_no_truncate BEFORE TRUNCATE ON performance_notes
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a later note corrects an earlier one');
CREATE TRIGGER imports_append_only BEFORE UPDATE OR DELETE ON imports
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the record of an import');
CREATE TRIGGER imports_no_truncate BEFORE TRUNCATE ON imports
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the record of an import');

-- A token's identity never changes, and a revocation is for good: the app
-- may set revoked_at (and its revoker) once, and last_used_at any time.
CREATE FUNCTION api_tokens_one_way() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.id, OLD.name, OLD.token_hash, OLD.scope_kind, OLD.scope_id, OLD.created_by, OLD.created_at)
        IS DISTINCT FROM (NEW.id, NEW.name, NEW.token_hash, NEW.scope_kind, NEW.scope_id, NEW.created_by, NEW.created_at) THEN
        RAISE EXCEPTION 'API token %: a token, its name and its scope never change (issue a new one)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.revoked_at IS NOT NULL AND (OLD.revoked_at, OLD.revoked_by) IS DISTINCT FROM (NEW.revoked_at, NEW.revoked_by) THEN
        RAISE EXCEPTION 'API token % is revoked: a revocation cannot be undone or changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER api_tokens_one_way BEFORE UPDATE ON api_tokens FOR EACH ROW EXECUTE FUNCTION api_tokens_one_way();
CREATE TRIGGER api_tokens_no_delete BEFORE DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION refuse_change('revoke a token instead');

CREATE FUNCTION calendar_tokens_one_way() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.id, OLD.person_id, OLD.token_hash, OLD.created_at) IS DISTINCT FROM (NEW.id, NEW.person_id, NEW.token_hash, NEW.created_at) THEN
        RAISE EXCEPTION 'calendar feed %: its address never changes (make a new one)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
        RAISE EXCEPTION 'calendar feed % is revoked: a revocation cannot be undone or changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
REVOKE DELETE, TRUNCATE ON calendar_tokens FROM casework_app;
CREATE TRIGGER calendar_tokens_one_way BEFORE UPDATE ON calendar_tokens FOR EACH ROW EXECUTE FUNCTION calendar_tokens_one_way();
CREATE TRIGGER calendar_tokens_no_delete BEFORE DELETE ON calendar_tokens
    FOR EACH ROW EXECUTE FUNCTION refuse_change('revoke the feed instead');

-- An emergent request is what was asked, when, by whom: fixed. Its answer
-- is given once. (Columns added later by other migrations are not covered.)
CREATE FUNCTION emergent_requests_one_way() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.id, OLD.case_id, OLD.requested_by, OLD.casework_supervisor_id, OLD.reason, OLD.details, OLD.requested_at)
        IS DISTINCT FROM (NEW.id, NEW.case_id, NEW.requested_by, NEW.casework_supervisor_id, NEW.reason, NEW.details, NEW.requested_at) THEN
        RAISE EXCEPTION 'emergent request %: what was asked never changes', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.answered_at IS NOT NULL AND (OLD.answered_at, OLD.answered_by, OLD.answer) IS DISTINCT FROM (NEW.answered_at, NEW.answered_by, NEW.answer) THEN
        RAISE EXCEPTION 'emergent request % is answered: the answer cannot be undone or changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
REVOKE DELETE, TRUNCATE ON emergent_requests FROM casework_app;
CREATE TRIGGER emergent_requests_one_way BEFORE UPDATE ON emergent_requests FOR EACH ROW EXECUTE FUNCTION emergent_requests_one_way();
CREATE TRIGGER emergent_requests_no_delete BEFORE DELETE ON emergent_requests
    FOR EACH ROW EXECUTE FUNCTION refuse_change('answer the request instead');

-- Shared and acknowledged are facts of a date: set once, never moved or
-- cleared (a moved shared date is a false "notes shared on time"). A trigger
-- of its own, beside conferences_frozen.
CREATE FUNCTION conferences_lifecycle_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.shared_at IS NOT NULL AND (OLD.shared_at, OLD.shared_by) IS DISTINCT FROM (NEW.shared_at, NEW.shared_by))
        OR (OLD.acknowledged_at IS NOT NULL AND (OLD.acknowledged_at, OLD.acknowledged_by) IS DISTINCT FROM (NEW.acknowledged_at, NEW.acknowledged_by)) THEN
        RAISE EXCEPTION 'conference %: when it was shared and acknowledged, and by whom, never change once recorded', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER conferences_lifecycle_once BEFORE UPDATE ON conferences FOR EACH ROW EXECUTE FUNCTION conferences_lifecycle_once();
