-- A password an administrator resets is told to its owner by e-mail, at once
-- and whatever their settings (docs/security.md, "An administrator's reset"):
-- a new kind of message, password_reset.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('digest', 'emergent_request', 'high_risk', 'shared_record', 'escalation', 'password_reset'));
ALTER TABLE notification_preferences DROP CONSTRAINT notification_preferences_kind_check;
ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_kind_check
    CHECK (kind IN ('digest', 'emergent_request', 'high_risk', 'shared_record', 'escalation', 'password_reset'));
ALTER TABLE notification_policy DROP CONSTRAINT notification_policy_kind_check;
ALTER TABLE notification_policy ADD CONSTRAINT notification_policy_kind_check
    CHECK (kind IN ('digest', 'emergent_request', 'high_risk', 'shared_record', 'escalation', 'password_reset'));
INSERT INTO notification_policy (kind, mandatory) VALUES ('password_reset', true);
