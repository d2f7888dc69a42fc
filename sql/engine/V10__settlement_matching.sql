-- Settlement matching streams both sides through the database, so that a gateway report of any size reconciles in
-- flat memory: the report's rows and the date's ledger movements are staged per matching run, joined by one query,
-- and deleted when the run ends. Unlogged: they are scratch, rebuilt by the next run.
CREATE UNLOGGED TABLE settlement_gateway_rows (
    run_id              UUID        NOT NULL,
    seq                 BIGINT      NOT NULL,
    merchant_reference  TEXT        NOT NULL,
    operation           TEXT        NOT NULL,
    fort_id             TEXT,
    amount_minor        BIGINT,
    amount_text         TEXT        NOT NULL,
    currency            TEXT        NOT NULL,
    succeeded           BOOLEAN     NOT NULL,
    status              TEXT        NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX settlement_gateway_rows_key ON settlement_gateway_rows (run_id, merchant_reference, operation, seq);
CREATE UNLOGGED TABLE settlement_ledger_rows (
    run_id              UUID        NOT NULL,
    seq                 BIGINT      NOT NULL,
    merchant_reference  TEXT        NOT NULL,
    operation           TEXT        NOT NULL,
    fort_id             TEXT,
    amount_minor        BIGINT      NOT NULL,
    currency            TEXT        NOT NULL,
    outcome             TEXT        NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX settlement_ledger_rows_key ON settlement_ledger_rows (run_id, merchant_reference, operation, seq);
