DROP TRIGGER conference_cases_pack_truncate ON conference_cases;
DROP TRIGGER conference_cases_pack_del ON conference_cases;
DROP TRIGGER conference_cases_pack_upd ON conference_cases;
DROP TRIGGER conference_cases_pack_ins ON conference_cases;
DROP FUNCTION repack_truncated_conference_cases();
DROP FUNCTION repack_updated_conference_cases();
DROP FUNCTION repack_changed_conference_cases();
DROP FUNCTION repack_discussed_cases(bigint[]);
DROP TABLE discussed_case_packs;
