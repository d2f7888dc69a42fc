-- Several APS accounts (issue 28). Every token belongs to one account (merchant identifier and its secrets); every
-- ledger row to the account its call went to. The single-account settings of before are the account 'default', so
-- every row of before is that account's.
ALTER TABLE tokens ADD COLUMN account VARCHAR(32) NOT NULL DEFAULT 'default';
ALTER TABLE payment_attempts ADD COLUMN account VARCHAR(32) NOT NULL DEFAULT 'default';
ALTER TABLE enrolments ADD COLUMN account VARCHAR(32) NOT NULL DEFAULT 'default';

-- The ledger's figures split by account too (never summed across accounts).
ALTER TABLE ledger_figures ADD COLUMN account VARCHAR(32) NOT NULL DEFAULT 'default';

CREATE OR REPLACE FUNCTION ledger_figures_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_figures (business_date, kind, gateway, currency, state, movements, amount_minor, account)
    SELECT business_date, kind, gateway, currency, state, count(*), sum(amount_minor), account FROM new_rows GROUP BY 1, 2, 3, 4, 5, 8;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION ledger_figures_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_figures (business_date, kind, gateway, currency, state, movements, amount_minor, account)
    SELECT business_date, kind, gateway, currency, state, sum(n), sum(m), account
    FROM (SELECT business_date, kind, gateway, currency, state, 1 AS n, amount_minor AS m, account FROM new_rows
          UNION ALL
          SELECT business_date, kind, gateway, currency, state, -1, -amount_minor, account FROM old_rows) AS change
    GROUP BY 1, 2, 3, 4, 5, 8 HAVING sum(n) <> 0 OR sum(m) <> 0;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION ledger_figures_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_figures (business_date, kind, gateway, currency, state, movements, amount_minor, account)
    SELECT business_date, kind, gateway, currency, state, -count(*), -sum(amount_minor), account FROM old_rows GROUP BY 1, 2, 3, 4, 5, 8;
    RETURN NULL;
END $$;

-- The gateway budget is an account's: the nodes calling each account share that account's slots.
ALTER TABLE gateway_budget_nodes ADD COLUMN account VARCHAR(32) NOT NULL DEFAULT 'default';
ALTER TABLE gateway_budget_nodes DROP CONSTRAINT gateway_budget_nodes_pkey;
ALTER TABLE gateway_budget_nodes ADD PRIMARY KEY (account, node);

-- Matching stages the date's movements with their account, so that matching-<date>.csv says whose each one is.
ALTER TABLE settlement_ledger_rows ADD COLUMN account VARCHAR(32) NOT NULL DEFAULT 'default';
