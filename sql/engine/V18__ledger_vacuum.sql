-- A night changes most of the rows of orders and adds as many to payment_attempts (issue 16). With autovacuum's
-- defaults (a table is vacuumed once a fifth of it, or 1,000 inserted rows into an empty one, has changed) it
-- vacuumed these two tables again and again while the charge step ran, each time scanning every index of a table
-- that kept growing, on the same cores as the charging: at 1,000,000 orders, charging ran at a third of its rate
-- while payment_attempts was vacuumed, and a night's last tenth fell to 59% of its first.
--
-- The engine vacuums them itself at a quiet point instead: the charge flow ends with a vacuum-ledger step (after
-- the night's attempts are all written). Autovacuum still steps in for what no night explains, a burst of changes
-- of more than 2,000,000 rows plus the table's size, and always, whatever these settings, to prevent transaction id
-- wraparound. Analyze thresholds keep their defaults: the charge step analyzes the tables it reads when it starts.
ALTER TABLE orders SET (
    autovacuum_vacuum_threshold = 2000000, autovacuum_vacuum_scale_factor = 1.0,
    autovacuum_vacuum_insert_threshold = 2000000, autovacuum_vacuum_insert_scale_factor = 1.0);
ALTER TABLE payment_attempts SET (
    autovacuum_vacuum_threshold = 2000000, autovacuum_vacuum_scale_factor = 1.0,
    autovacuum_vacuum_insert_threshold = 2000000, autovacuum_vacuum_insert_scale_factor = 1.0);
