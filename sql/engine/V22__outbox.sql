-- The transactional outbox (dev.billing.events, issue 26). What the outside world must hear of is a row written in the
-- same transaction as the change it reports, and delivered afterwards, at least once, with its stable event_id.

CREATE TABLE outbox (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    VARCHAR(40)  NOT NULL UNIQUE,
    type        VARCHAR(40)  NOT NULL CHECK (type IN ('charge.succeeded', 'charge.declined', 'charge.failed', 'order.held',
                                                    'token.invalid', 'token.deactivated', 'token.expiring', 'refund.succeeded',
                                                    'refund.failed', 'night.completed', 'night.failed')),
    occurred_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    body        TEXT         NOT NULL,
    -- false until the dispatcher has written the event's deliveries (one per endpoint that takes its type)
    fanned_out  BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX outbox_not_fanned_out ON outbox (id) WHERE NOT fanned_out;

-- One event to one webhook endpoint (by its configured name). A node delivering it holds its row locked (FOR UPDATE, and
-- the others SKIP LOCKED): no two nodes deliver it at the same time; a node that dies releases it at once.
CREATE TABLE event_deliveries (
    event_id        VARCHAR(40)  NOT NULL REFERENCES outbox (event_id),
    endpoint        VARCHAR(64)  NOT NULL,
    status          VARCHAR(12)  NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'GAVE_UP')),
    attempts        INT          NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_status     INT,
    last_error      VARCHAR(300),
    delivered_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, endpoint)
);
CREATE INDEX event_deliveries_due ON event_deliveries (endpoint, next_attempt_at) WHERE status = 'PENDING';
