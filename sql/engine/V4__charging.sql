-- Charging: what a run decided not to charge, and more detail on each ledger row.

ALTER TABLE payment_attempts ADD COLUMN detail TEXT;               -- why an outcome is unknown (timeout, bad signature, ...)
ALTER TABLE payment_attempts ADD COLUMN job_execution_id BIGINT;   -- the execution that prepared the attempt

-- Orders that were due on a business date but not charged, and why (token not usable, card-network limit).
CREATE TABLE charge_holds (
    business_date    DATE         NOT NULL,
    order_id         VARCHAR(30)  NOT NULL REFERENCES orders (order_id),
    token_name       VARCHAR(100) NOT NULL,
    reason           TEXT         NOT NULL,
    job_execution_id BIGINT,
    held_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (business_date, order_id)
);

CREATE INDEX payment_attempts_order ON payment_attempts (order_id);
