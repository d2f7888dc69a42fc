-- Card-update notices to customers (dev.billing.notices, issue 26). A notice is taken from an outbox event in the
-- transaction that fans the event out, so that each event gives at most one notice; it is sent (SMTP, or an .eml file)
-- by a node that holds its row locked (FOR UPDATE SKIP LOCKED). notice_customers holds what is per customer: the last
-- notice sent (at most one per billing.notices.min-interval) and the opt-out, both read under the customer's row lock.

ALTER TABLE tokens ADD COLUMN language VARCHAR(2) NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ar'));
-- the card expiry (MM/YY) for which a token.expiring event was written, so that it is written once per card
ALTER TABLE tokens ADD COLUMN expiring_reported CHAR(5);

CREATE TABLE notices (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        VARCHAR(40)  NOT NULL UNIQUE REFERENCES outbox (event_id),
    kind            VARCHAR(16)  NOT NULL CHECK (kind IN ('SOFT_DECLINE', 'FINAL_DECLINE', 'TOKEN_INVALID', 'CARD_EXPIRING')),
    customer_id     VARCHAR(64)  NOT NULL,
    token_name      VARCHAR(100) NOT NULL REFERENCES tokens (token_name),
    order_id        VARCHAR(30),
    amount_minor    BIGINT,
    currency        CHAR(3),
    next_attempt_on DATE,
    status          VARCHAR(12)  NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'SKIPPED', 'REFUSED', 'GAVE_UP')),
    attempts        INT          NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    detail          VARCHAR(300),
    sent_to         VARCHAR(254),
    sent_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX notices_due ON notices (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX notices_of_customer ON notices (customer_id, created_at);

CREATE TABLE notice_customers (
    customer_id     VARCHAR(64)  PRIMARY KEY,
    last_sent_at    TIMESTAMPTZ,
    unsubscribed_at TIMESTAMPTZ
);

-- A card-update link names the token it replaces; enrolling through it moves the old token's open orders.
ALTER TABLE enrolments ADD COLUMN replaces VARCHAR(100);

CREATE TABLE order_token_moves (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id            VARCHAR(30)  NOT NULL REFERENCES orders (order_id),
    from_token          VARCHAR(100) NOT NULL,
    to_token            VARCHAR(100) NOT NULL,
    enrolment_reference VARCHAR(40)  NOT NULL,
    moved_at            TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX order_token_moves_order ON order_token_moves (order_id);
