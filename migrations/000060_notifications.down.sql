DROP TABLE digest_days;
DROP TABLE notification_policy;
DROP TABLE notification_preferences;
DROP TABLE outbox;
