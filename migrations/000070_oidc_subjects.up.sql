-- Single sign-on through the agency's OpenID provider (docs/security.md,
-- "Single sign-on"). A person may be tied to the provider's subject (the
-- provider's own, never-reassigned id of an account) by an administrator;
-- otherwise they are matched by a verified e-mail. One subject of an issuer
-- is one person, and a person has at most one subject per issuer.
CREATE TABLE oidc_subjects (
    issuer     text NOT NULL CHECK (issuer <> ''),
    subject    text NOT NULL CHECK (subject <> '' AND length(subject) <= 255),
    person_id  bigint NOT NULL REFERENCES people (id),
    linked_by  bigint REFERENCES people (id),
    linked_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer, subject),
    UNIQUE (person_id, issuer)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON oidc_subjects TO casework_app;

-- An administrator's page of a person lists the sign-ins refused as unknown
-- with that person's e-mail (the subjects they may link): found by e-mail.
CREATE INDEX audit_log_sso_refused_idx ON audit_log ((detail ->> 'email'), (detail ->> 'issuer'))
    WHERE action = 'sign_in_refused';
