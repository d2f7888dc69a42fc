-- Token lifecycle at the gateway (dev.billing.tokens). A token the customer removed is DELETED (set by the import);
-- an INVALID or DELETED token is deactivated at APS once (UPDATE_TOKEN, token_status=INACTIVE), each call a ledger
-- row of kind TOKEN_DEACTIVATION committed before it is sent. It moves no money: amount 0 in XXX, ISO 4217's code
-- for "no currency involved". deactivated_at is stamped in the transaction that records the success.
ALTER TABLE tokens DROP CONSTRAINT tokens_status_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_status_check CHECK (status IN ('NEW', 'VERIFYING', 'VERIFIED', 'INVALID', 'DELETED'));
ALTER TABLE tokens ADD COLUMN deactivated_at TIMESTAMPTZ;
CREATE INDEX tokens_to_deactivate ON tokens (id) WHERE status IN ('INVALID', 'DELETED') AND deactivated_at IS NULL;

ALTER TABLE payment_attempts DROP CONSTRAINT payment_attempts_kind_check;
ALTER TABLE payment_attempts ADD CONSTRAINT payment_attempts_kind_check CHECK (kind IN ('CHARGE', 'VERIFICATION_CHARGE',
    'VERIFICATION_REFUND', 'VERIFICATION_AUTHORIZATION', 'VERIFICATION_VOID', 'TOKEN_DEACTIVATION'));
ALTER TABLE payment_attempts DROP CONSTRAINT payment_attempts_amount_minor_check;
ALTER TABLE payment_attempts ADD CONSTRAINT payment_attempts_amount_minor_check CHECK (
    CASE WHEN kind = 'TOKEN_DEACTIVATION' THEN amount_minor = 0 AND currency = 'XXX' ELSE amount_minor > 0 AND currency <> 'XXX' END);

CREATE UNIQUE INDEX one_open_deactivation_per_token ON payment_attempts (token_name)
    WHERE kind = 'TOKEN_DEACTIVATION' AND state IN ('PREPARED', 'UNKNOWN');
CREATE UNIQUE INDEX one_successful_deactivation_per_token ON payment_attempts (token_name)
    WHERE kind = 'TOKEN_DEACTIVATION' AND state = 'SUCCEEDED';
CREATE UNIQUE INDEX one_deactivation_attempt_number_per_token ON payment_attempts (token_name, attempt)
    WHERE kind = 'TOKEN_DEACTIVATION';
