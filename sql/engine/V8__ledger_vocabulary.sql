-- The ledger's vocabulary made exact (AttemptState, AttemptKind in dev.billing.ledger).
-- SENT was never written: a row is PREPARED (committed before its call) until the gateway settles it, or UNKNOWN.
-- status_checks was never written either: each status check is a log line, not a counter on the row.
UPDATE payment_attempts SET state = 'UNKNOWN' WHERE state = 'SENT';
ALTER TABLE payment_attempts DROP CONSTRAINT payment_attempts_state_check;
ALTER TABLE payment_attempts ADD CONSTRAINT payment_attempts_state_check
    CHECK (state IN ('PREPARED', 'SUCCEEDED', 'DECLINED', 'FAILED', 'UNKNOWN'));
DROP VIEW verification_charges_owed;  -- it selects c.*, so it is made again without the column
ALTER TABLE payment_attempts DROP COLUMN status_checks;
CREATE VIEW verification_charges_owed AS
SELECT c.*
FROM payment_attempts c
WHERE c.kind IN ('VERIFICATION_CHARGE', 'VERIFICATION_AUTHORIZATION') AND c.state = 'SUCCEEDED'
  AND NOT EXISTS (SELECT 1 FROM payment_attempts s WHERE s.merchant_reference = c.attempt_reference
                  AND s.kind IN ('VERIFICATION_REFUND', 'VERIFICATION_VOID') AND s.state = 'SUCCEEDED');

DROP INDEX one_open_charge_per_order;
CREATE UNIQUE INDEX one_open_charge_per_order ON payment_attempts (order_id)
    WHERE kind = 'CHARGE' AND state IN ('PREPARED', 'UNKNOWN');
DROP INDEX one_open_reversal_per_verification;
CREATE UNIQUE INDEX one_open_reversal_per_verification ON payment_attempts (merchant_reference)
    WHERE kind IN ('VERIFICATION_REFUND', 'VERIFICATION_VOID') AND state IN ('PREPARED', 'UNKNOWN');
DROP INDEX payment_attempts_unresolved;
CREATE INDEX payment_attempts_unresolved ON payment_attempts (id) WHERE state IN ('PREPARED', 'UNKNOWN');

-- The card-network rule counts declines on a token by business date (Visa: reattempts of declined transactions).
DROP INDEX payment_attempts_token_created;
CREATE INDEX payment_attempts_token_declines ON payment_attempts (token_name, business_date)
    WHERE outcome_class IN ('SOFT_DECLINE', 'HARD_DECLINE');

-- The retry schedule counts soft declines since the order was (re)opened; the attempt number only ever grows,
-- so that a merchant reference is never reused.
ALTER TABLE orders ADD COLUMN soft_declines INT NOT NULL DEFAULT 0;
UPDATE orders o SET soft_declines = (SELECT count(*) FROM payment_attempts a
                                     WHERE a.order_id = o.order_id AND a.kind = 'CHARGE' AND a.state = 'DECLINED')
WHERE o.status IN ('SHIPPED', 'DEFERRED', 'PENDING');

-- Things a person must decide on, found by the engine (a success on an order the import cancelled, say).
-- Appended to, never updated: a decision is a new row or an action outside the engine.
CREATE TABLE ledger_exceptions (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    business_date      DATE         NOT NULL,
    type               VARCHAR(40)  NOT NULL,
    attempt_reference  VARCHAR(40),
    order_id           VARCHAR(30),
    token_name         VARCHAR(100),
    amount_minor       BIGINT,
    currency           CHAR(3),
    detail             TEXT         NOT NULL,
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (type, attempt_reference)
);
CREATE INDEX ledger_exceptions_business_date ON ledger_exceptions (business_date);
