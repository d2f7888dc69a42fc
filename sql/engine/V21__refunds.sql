-- Refunds of real charges (dev.billing.refunds, issue 25). A refund is a request (who asked, why, who approved) and,
-- once sent, a ledger row of kind REFUND committed before the call: attempt_reference RF-<order_id>-<n> is its
-- maintenance_reference at the gateway, merchant_reference the charge it refunds (as APS keys it), order_id its order.

ALTER TABLE payment_attempts DROP CONSTRAINT payment_attempts_kind_check;
ALTER TABLE payment_attempts ADD CONSTRAINT payment_attempts_kind_check CHECK (kind IN ('CHARGE', 'VERIFICATION_CHARGE',
    'VERIFICATION_REFUND', 'VERIFICATION_AUTHORIZATION', 'VERIFICATION_VOID', 'TOKEN_DEACTIVATION', 'REFUND'));
-- a charge and a refund belong to an order; a verification or a deactivation to a token only
ALTER TABLE payment_attempts DROP CONSTRAINT payment_attempts_check;
ALTER TABLE payment_attempts ADD CONSTRAINT payment_attempts_order_check CHECK ((kind IN ('CHARGE', 'REFUND')) = (order_id IS NOT NULL));

-- one refund of a charge in flight at a time: a lost reply is then settled without doubt by the charge's
-- refunded_amount at the gateway (what the ledger's successful refunds sum to, or that plus this one)
CREATE UNIQUE INDEX one_open_refund_per_charge ON payment_attempts (merchant_reference)
    WHERE kind = 'REFUND' AND state IN ('PREPARED', 'UNKNOWN');
CREATE UNIQUE INDEX one_refund_number_per_order ON payment_attempts (order_id, attempt) WHERE kind = 'REFUND';
CREATE INDEX refunds_of_charge ON payment_attempts (merchant_reference) WHERE kind = 'REFUND';

-- The database refuses a refund of no successful charge, in another currency, or beyond what was captured (the refunds
-- not failed, this one included). The charge's row is locked first, so that two refunds written at once are counted
-- one after the other.
CREATE FUNCTION refunds_within_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    captured BIGINT;
    charge_currency CHAR(3);
    refunded BIGINT;
BEGIN
    SELECT amount_minor, currency INTO captured, charge_currency FROM payment_attempts
    WHERE attempt_reference = NEW.merchant_reference AND kind = 'CHARGE' AND state = 'SUCCEEDED' AND order_id = NEW.order_id
    FOR UPDATE;
    IF captured IS NULL THEN
        RAISE EXCEPTION 'refund % refunds no successful charge of order %', NEW.attempt_reference, NEW.order_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF charge_currency <> NEW.currency THEN
        RAISE EXCEPTION 'refund % is in %, its charge in %', NEW.attempt_reference, NEW.currency, charge_currency
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT COALESCE(sum(amount_minor), 0) INTO refunded FROM payment_attempts
    WHERE merchant_reference = NEW.merchant_reference AND kind = 'REFUND' AND state IN ('PREPARED', 'UNKNOWN', 'SUCCEEDED');
    IF refunded + NEW.amount_minor > captured THEN
        RAISE EXCEPTION 'refund % of % would make % refunded of % captured', NEW.attempt_reference, NEW.amount_minor,
            refunded + NEW.amount_minor, captured USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER refunds_within_capture BEFORE INSERT ON payment_attempts
    FOR EACH ROW WHEN (NEW.kind = 'REFUND') EXECUTE FUNCTION refunds_within_capture();

ALTER TABLE orders ALTER COLUMN status TYPE VARCHAR(20);
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('PENDING', 'SHIPPED', 'DEFERRED', 'CANCELLED', 'PAID',
    'PAYMENT_FAILED', 'PARTIALLY_REFUNDED', 'REFUNDED'));

-- What a person (or a file's row) asked for. A request above the approval threshold waits for a second person; the
-- database itself refuses an approval by the one who asked. A file's row is known by the file's SHA-256 and its line,
-- so that the same file run again asks nothing twice.
CREATE TABLE refund_requests (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id          VARCHAR(30)  NOT NULL REFERENCES orders (order_id),
    amount_minor      BIGINT       NOT NULL CHECK (amount_minor > 0),
    currency          CHAR(3)      NOT NULL,
    reason            VARCHAR(500) NOT NULL CHECK (length(trim(reason)) > 0),
    requested_by      VARCHAR(64)  NOT NULL,
    requested_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    status            VARCHAR(20)  NOT NULL CHECK (status IN ('AWAITING_APPROVAL', 'APPROVED', 'REJECTED', 'EXPIRED', 'SENT')),
    decided_by        VARCHAR(64),
    decided_at        TIMESTAMPTZ,
    decision_note     VARCHAR(500),
    attempt_reference VARCHAR(40)  UNIQUE,
    file_sha256       CHAR(64),
    line_number       BIGINT,
    UNIQUE (file_sha256, line_number),
    CHECK ((file_sha256 IS NULL) = (line_number IS NULL)),
    CHECK (decided_by IS NULL OR decided_by <> requested_by),
    CHECK ((status = 'SENT') = (attempt_reference IS NOT NULL))
);
CREATE INDEX refund_requests_order ON refund_requests (order_id);
CREATE INDEX refund_requests_waiting ON refund_requests (id) WHERE status IN ('AWAITING_APPROVAL', 'APPROVED');
