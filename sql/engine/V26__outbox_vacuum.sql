-- A night adds an outbox event per charge and, with serve, marks each fanned out (and writes a delivery per endpoint):
-- as many dead rows as a night has charges (issue 27, item 6). With autovacuum's defaults these tables were vacuumed
-- when a fifth of them had changed: over a month of nights, a vacuum of a gigabyte of outbox, with every one of its
-- indexes scanned, could start in the middle of a night's charging. The charge flow's vacuum-ledger step vacuums them
-- with the ledger, at the night's end, instead (as V18 does for orders and payment_attempts); autovacuum still steps in
-- for bursts no night explains, and always against transaction id wraparound.
ALTER TABLE outbox SET (
    autovacuum_vacuum_threshold = 2000000, autovacuum_vacuum_scale_factor = 1.0,
    autovacuum_vacuum_insert_threshold = 2000000, autovacuum_vacuum_insert_scale_factor = 1.0);
ALTER TABLE event_deliveries SET (
    autovacuum_vacuum_threshold = 2000000, autovacuum_vacuum_scale_factor = 1.0,
    autovacuum_vacuum_insert_threshold = 2000000, autovacuum_vacuum_insert_scale_factor = 1.0);
