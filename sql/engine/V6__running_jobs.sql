-- One run per job and business date at a time, guaranteed by the database and not only by the scheduler:
-- a job execution with a business date holds its row while it runs. Who runs it is kept for operators and recovery.
CREATE TABLE running_jobs (
    job_execution_id BIGINT       PRIMARY KEY,
    job_name         VARCHAR(100) NOT NULL,
    business_date    DATE         NOT NULL,
    host             VARCHAR(255) NOT NULL,
    pid              BIGINT       NOT NULL,
    started_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (job_name, business_date)
);
