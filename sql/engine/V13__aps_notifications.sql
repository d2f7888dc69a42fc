-- Signed notifications APS posts to the merchant's Direct Transaction Feedback and Notification URLs
-- (dev.billing.notifications). Each is stored once, keyed by a SHA-256 of its content (duplicates are normal), with
-- its fields as received except the access code, which is never stored. outcome: what it did to the ledger.
CREATE TABLE aps_notifications (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content_sha256      CHAR(64)     NOT NULL UNIQUE,
    received_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    command             VARCHAR(32),
    merchant_reference  VARCHAR(100),
    response_code       VARCHAR(16),
    fields              JSONB        NOT NULL,
    outcome             VARCHAR(32)  NOT NULL CHECK (outcome IN ('SETTLED', 'AGREES', 'NOT_FINAL', 'CONFLICT', 'UNKNOWN_REFERENCE')),
    attempt_reference   VARCHAR(40)
);
CREATE INDEX aps_notifications_attempt_reference ON aps_notifications (attempt_reference);
