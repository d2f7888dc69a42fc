-- Figures of the ledger kept by the database itself (issue 27, item 6). The console's nights page showed, per business
-- date and currency, how many charges succeeded, were declined, failed or are still open, and their amounts, and which
-- dates went to the built-in simulator; it summed them from payment_attempts on each visit: over a month of
-- 100,000-order nights that read 3,000,000 rows, 2.3 s a page. Now every statement on payment_attempts adds what it
-- changed as rows of counts and minor units (+ for the rows it wrote, - for the rows it replaced or deleted) per date,
-- kind, gateway, currency and state, in its own transaction, whoever runs it (the engine or a person at psql). Rows are
-- only ever added, so no two writers wait on one counter; the charge flow's vacuum-ledger step folds them into one row
-- per key. The figures of a date are the sums of its rows: exact at any moment.
CREATE TABLE ledger_figures (
    business_date DATE         NOT NULL,
    kind          VARCHAR(32)  NOT NULL,
    gateway       VARCHAR(255) NOT NULL,
    currency      CHAR(3)      NOT NULL,
    state         VARCHAR(16)  NOT NULL,
    movements     BIGINT       NOT NULL,
    amount_minor  BIGINT       NOT NULL
);
CREATE INDEX ledger_figures_date ON ledger_figures (business_date);

CREATE FUNCTION ledger_figures_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_figures
    SELECT business_date, kind, gateway, currency, state, count(*), sum(amount_minor) FROM new_rows GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END $$;

CREATE FUNCTION ledger_figures_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_figures
    SELECT business_date, kind, gateway, currency, state, sum(n), sum(m)
    FROM (SELECT business_date, kind, gateway, currency, state, 1 AS n, amount_minor AS m FROM new_rows
          UNION ALL
          SELECT business_date, kind, gateway, currency, state, -1, -amount_minor FROM old_rows) AS change
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(m) <> 0;
    RETURN NULL;
END $$;

CREATE FUNCTION ledger_figures_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_figures
    SELECT business_date, kind, gateway, currency, state, -count(*), -sum(amount_minor) FROM old_rows GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END $$;

CREATE FUNCTION ledger_figures_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM ledger_figures;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_figures_on_insert AFTER INSERT ON payment_attempts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_figures_inserted();
CREATE TRIGGER ledger_figures_on_update AFTER UPDATE ON payment_attempts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_figures_updated();
CREATE TRIGGER ledger_figures_on_delete AFTER DELETE ON payment_attempts REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_figures_deleted();
CREATE TRIGGER ledger_figures_on_truncate AFTER TRUNCATE ON payment_attempts
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_figures_truncated();

INSERT INTO ledger_figures
SELECT business_date, kind, gateway, currency, state, count(*), sum(amount_minor) FROM payment_attempts GROUP BY 1, 2, 3, 4, 5;

-- The exceptions of a date list the orders whose last charge that day left them PAYMENT_FAILED: found from that day's
-- declined and failed charges (a few of its rows) instead of every charge of the day.
CREATE INDEX payment_attempts_charges_refused ON payment_attempts (business_date) WHERE kind = 'CHARGE' AND state IN ('DECLINED', 'FAILED');
-- ... and the webhook deliveries given up and the notices not sent, from those alone, not every delivery and notice.
CREATE INDEX event_deliveries_given_up ON event_deliveries (event_id) WHERE status = 'GAVE_UP';
CREATE INDEX notices_not_sent ON notices (created_at) WHERE status IN ('REFUSED', 'GAVE_UP');
