CREATE INDEX conferences_held_load_idx ON conferences (id)
    INCLUDE (source_id, kind, held_on, supervisor_id, worker_id, invited_worker_id, casework_supervisor_id, shared_on)
    WHERE status IN ('signed', 'shared', 'acknowledged');
DROP TRIGGER discussed_case_packs_conferences_truncate ON discussed_case_packs;
DROP TRIGGER discussed_case_packs_conferences_del ON discussed_case_packs;
DROP TRIGGER discussed_case_packs_conferences_upd ON discussed_case_packs;
DROP TRIGGER discussed_case_packs_conferences_ins ON discussed_case_packs;
DROP FUNCTION repack_all_conferences();
DROP FUNCTION repack_conferences_of_discussed();
DROP TRIGGER conferences_pack_truncate ON conferences;
DROP TRIGGER conferences_pack_del ON conferences;
DROP TRIGGER conferences_pack_upd ON conferences;
DROP TRIGGER conferences_pack_ins ON conferences;
DROP FUNCTION repack_truncated_conferences();
DROP FUNCTION repack_updated_conferences();
DROP FUNCTION repack_changed_conferences();
DROP FUNCTION repack_supervisor_conferences(bigint[]);
DROP FUNCTION held_conference_pack_entry(bigint, date, text, bigint, bigint, date, text, bytea);
DROP TABLE held_conference_packs;
