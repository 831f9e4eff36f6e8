DELETE FROM notification_policy WHERE kind = 'password_reset';
DELETE FROM notification_preferences WHERE kind = 'password_reset';
UPDATE outbox SET digest_id = NULL WHERE digest_id IN (SELECT id FROM outbox WHERE kind = 'password_reset');
DELETE FROM outbox WHERE kind = 'password_reset';
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('digest', 'emergent_request', 'high_risk', 'shared_record', 'escalation'));
ALTER TABLE notification_preferences DROP CONSTRAINT notification_preferences_kind_check;
ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_kind_check
    CHECK (kind IN ('digest', 'emergent_request', 'high_risk', 'shared_record', 'escalation'));
ALTER TABLE notification_policy DROP CONSTRAINT notification_policy_kind_check;
ALTER TABLE notification_policy ADD CONSTRAINT notification_policy_kind_check
    CHECK (kind IN ('digest', 'emergent_request', 'high_risk', 'shared_record', 'escalation'));
