-- The engine's own tables. All times are timestamptz (written in UTC); money is bigint minor units + ISO 4217 code.

CREATE TABLE tokens (
    token_name      VARCHAR(100) PRIMARY KEY,
    customer_id     VARCHAR(64)  NOT NULL,
    customer_email  VARCHAR(254) NOT NULL,
    card_mask       VARCHAR(19)  NOT NULL CHECK (card_mask ~ '^[0-9]{6}[*]{2,9}[0-9]{4}$'),
    card_expiry     CHAR(5)      NOT NULL CHECK (card_expiry ~ '^(0[1-9]|1[0-2])/[0-9]{2}$'),
    created_at      TIMESTAMPTZ  NOT NULL,
    status          VARCHAR(16)  NOT NULL CHECK (status IN ('NEW', 'VERIFYING', 'VERIFIED', 'INVALID')),
    status_reason   TEXT,
    verification_attempts INT    NOT NULL DEFAULT 0,
    imported_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX tokens_new ON tokens (token_name) WHERE status IN ('NEW', 'VERIFYING');

CREATE TABLE orders (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id        VARCHAR(30)  NOT NULL UNIQUE CHECK (order_id ~ '^[A-Za-z0-9._-]{1,30}$'),
    customer_id     VARCHAR(64)  NOT NULL,
    token_name      VARCHAR(100) NOT NULL REFERENCES tokens (token_name),
    amount_minor    BIGINT       NOT NULL CHECK (amount_minor > 0),
    currency        CHAR(3)      NOT NULL,
    status          VARCHAR(16)  NOT NULL CHECK (status IN ('PENDING', 'SHIPPED', 'DEFERRED', 'CANCELLED', 'PAID', 'PAYMENT_FAILED')),
    charge_on       DATE,
    attempt_count   INT          NOT NULL DEFAULT 0,
    next_attempt_on DATE,
    failure_reason  TEXT,
    paid_at         TIMESTAMPTZ,
    imported_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CHECK (status <> 'DEFERRED' OR charge_on IS NOT NULL)
);
CREATE INDEX orders_due ON orders (id) WHERE status IN ('SHIPPED', 'DEFERRED');
CREATE INDEX orders_token ON orders (token_name);

-- The payment ledger: every money movement is a row here before it is sent to the gateway.
-- attempt_reference is this movement's own key at the gateway: the merchant_reference of a charge or
-- authorization, the maintenance_reference of a refund or void. merchant_reference is the gateway order the
-- movement belongs to (a refund carries the reference of the charge it refunds).
CREATE TABLE payment_attempts (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attempt_reference   VARCHAR(40)  NOT NULL UNIQUE CHECK (attempt_reference ~ '^[A-Za-z0-9._-]{1,40}$'),
    merchant_reference  VARCHAR(40)  NOT NULL CHECK (merchant_reference ~ '^[A-Za-z0-9._-]{1,40}$'),
    kind                VARCHAR(32)  NOT NULL CHECK (kind IN ('CHARGE', 'VERIFICATION_CHARGE', 'VERIFICATION_REFUND',
                                                              'VERIFICATION_AUTHORIZATION', 'VERIFICATION_VOID')),
    order_id            VARCHAR(30)  REFERENCES orders (order_id),
    token_name          VARCHAR(100) NOT NULL REFERENCES tokens (token_name),
    attempt             INT          NOT NULL CHECK (attempt >= 1),
    amount_minor        BIGINT       NOT NULL CHECK (amount_minor > 0),
    currency            CHAR(3)      NOT NULL,
    business_date       DATE         NOT NULL,
    state               VARCHAR(16)  NOT NULL CHECK (state IN ('PREPARED', 'SENT', 'SUCCEEDED', 'DECLINED', 'FAILED', 'UNKNOWN')),
    outcome_class       VARCHAR(24),
    response_code       VARCHAR(5),
    response_message    VARCHAR(255),
    acquirer_response_code VARCHAR(8),
    fort_id             VARCHAR(40),
    authorization_code  VARCHAR(16),
    status_checks       INT          NOT NULL DEFAULT 0,
    created_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    sent_at             TIMESTAMPTZ,
    resolved_at         TIMESTAMPTZ,
    updated_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CHECK ((kind = 'CHARGE') = (order_id IS NOT NULL))
);
-- The database itself refuses a second successful charge of an order, or two charges of one order in flight.
CREATE UNIQUE INDEX one_successful_charge_per_order ON payment_attempts (order_id)
    WHERE kind = 'CHARGE' AND state = 'SUCCEEDED';
CREATE UNIQUE INDEX one_open_charge_per_order ON payment_attempts (order_id)
    WHERE kind = 'CHARGE' AND state IN ('PREPARED', 'SENT', 'UNKNOWN');
CREATE UNIQUE INDEX one_attempt_number_per_order ON payment_attempts (order_id, attempt) WHERE kind = 'CHARGE';
-- At most one successful refund or void of a verification, and one in flight.
CREATE UNIQUE INDEX one_successful_reversal_per_verification ON payment_attempts (merchant_reference)
    WHERE kind IN ('VERIFICATION_REFUND', 'VERIFICATION_VOID') AND state = 'SUCCEEDED';
CREATE UNIQUE INDEX one_open_reversal_per_verification ON payment_attempts (merchant_reference)
    WHERE kind IN ('VERIFICATION_REFUND', 'VERIFICATION_VOID') AND state IN ('PREPARED', 'SENT', 'UNKNOWN');
CREATE INDEX payment_attempts_unresolved ON payment_attempts (id) WHERE state IN ('PREPARED', 'SENT', 'UNKNOWN');
CREATE INDEX payment_attempts_business_date ON payment_attempts (business_date);
CREATE INDEX payment_attempts_token_created ON payment_attempts (token_name, created_at);

-- Rows refused by an import, with the reason. row_text is the original line with any card number masked.
CREATE TABLE import_rejects (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_instance_id BIGINT       NOT NULL,
    file_kind       VARCHAR(8)   NOT NULL CHECK (file_kind IN ('tokens', 'orders')),
    file_name       TEXT         NOT NULL,
    line_number     BIGINT       NOT NULL,
    reason          TEXT         NOT NULL,
    row_text        TEXT         NOT NULL,
    rejected_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (job_instance_id, file_kind, line_number)
);
CREATE INDEX import_rejects_rejected_at ON import_rejects (rejected_at);
