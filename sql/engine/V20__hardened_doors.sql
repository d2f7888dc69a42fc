-- The doors, hardened (the simulator is never the gateway by accident; refusals cannot flood the audit trail; sign-in
-- locks per source address; an enrolment link opened again reuses its reference).

-- Every ledger row says which gateway it went to: 'simulator' (the built-in one) or the gateway's host (with its port
-- when not the default). The engine names it on every insert; rows written before this version, or by a node of an
-- earlier version during a rolling upgrade, say 'unrecorded'.
ALTER TABLE payment_attempts ADD COLUMN gateway VARCHAR(255) NOT NULL DEFAULT 'unrecorded';
-- Settlement matching never takes a movement sent to the simulator for real money.
ALTER TABLE settlement_ledger_rows ADD COLUMN simulated BOOLEAN NOT NULL DEFAULT false;

-- The audit trail keeps the source address of web requests, and counts the refusals of anonymous visitors: one row per
-- source, action and minute, whose count grows (the only change the trail allows).
ALTER TABLE audit_log ADD COLUMN source VARCHAR(64),
                      ADD COLUMN count  INT NOT NULL DEFAULT 1 CHECK (count >= 1),
                      ADD COLUMN minute TIMESTAMPTZ;
CREATE UNIQUE INDEX audit_log_counted ON audit_log (minute, source, action) WHERE minute IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.minute IS NOT NULL AND NEW.count > OLD.count
       AND (NEW.id, NEW.at, NEW.actor, NEW.action, NEW.target, NEW.result, NEW.source, NEW.minute)
           IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor, OLD.action, OLD.target, OLD.result, OLD.source, OLD.minute) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END $$;

-- Failed sign-ins per source address: per user name (five in a row lock that name from that address for a minute) and
-- per address as a whole (name '': twenty in a minute stop every sign-in from it for a minute). A lock set from one
-- address never locks the user out from another.
CREATE TABLE sign_in_failures (
    source        VARCHAR(64) NOT NULL,
    name          VARCHAR(64) NOT NULL,
    failures      INT         NOT NULL,
    since         TIMESTAMPTZ NOT NULL,
    locked_until  TIMESTAMPTZ,
    PRIMARY KEY (source, name)
);
ALTER TABLE console_users DROP COLUMN failed_sign_ins, DROP COLUMN locked_until;

-- An enrolment link opened again, while it is valid and its enrolment not used, gets the same merchant reference.
ALTER TABLE enrolments ADD COLUMN link_key CHAR(64);
CREATE UNIQUE INDEX enrolments_issued_link ON enrolments (link_key) WHERE state = 'ISSUED';
