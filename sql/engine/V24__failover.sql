-- Failover between serve nodes (issue 27).
-- A night run by a serve node is resumed by another live serve node when its node dies or hands it over; one run
-- from the command line is left to its operator ('jobs recover', 'jobs restart').
ALTER TABLE running_jobs ADD COLUMN serve BOOLEAN NOT NULL DEFAULT false;

-- A night a serve node stopped on SIGTERM while other serve nodes were live: one of them restarts it as soon as it
-- has stopped (the row goes when the restart has begun).
CREATE TABLE job_handovers (
    job_execution_id BIGINT       PRIMARY KEY,
    from_node        VARCHAR(300) NOT NULL,
    handed_over_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
