-- Card enrolment through APS's hosted tokenization (dev.billing.enrolment). Each page the engine shows posts a
-- TOKENIZATION with a merchant_reference recorded here first; the browser's return is honoured once per reference
-- (ISSUED -> USED in one statement). No card number, security code or expiry typed by the customer is ever here.
CREATE TABLE enrolments (
    merchant_reference  VARCHAR(40)  PRIMARY KEY CHECK (merchant_reference ~ '^[A-Za-z0-9._-]{1,40}$'),
    customer_id         VARCHAR(64)  NOT NULL,
    customer_email      VARCHAR(254) NOT NULL,
    return_to           TEXT         NOT NULL,
    link_query          TEXT         NOT NULL,
    link_expires_at     TIMESTAMPTZ  NOT NULL,
    state               VARCHAR(8)   NOT NULL CHECK (state IN ('ISSUED', 'USED')),
    response_code       VARCHAR(16),
    token_name          VARCHAR(100),
    created_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    used_at             TIMESTAMPTZ
);
