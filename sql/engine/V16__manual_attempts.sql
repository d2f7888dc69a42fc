-- A charge a person started from the console ("charge again now") carries the user's name; the nightly run's are NULL.
ALTER TABLE payment_attempts ADD COLUMN initiated_by VARCHAR(64);

-- The console's search and order history read these by a single value: an index each, so that a page stays fast
-- with a million orders.
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX payment_attempts_fort_id ON payment_attempts (fort_id) WHERE fort_id IS NOT NULL;
CREATE INDEX charge_holds_order ON charge_holds (order_id);
-- Spring Batch's schema has no index on its foreign keys: the console reads an execution's steps and parameters,
-- and the executions of a business date.
CREATE INDEX batch_step_execution_job ON batch_step_execution (job_execution_id);
CREATE INDEX batch_job_execution_params_job ON batch_job_execution_params (job_execution_id);
CREATE INDEX batch_job_execution_params_value ON batch_job_execution_params (parameter_name, parameter_value);
-- verification_charges_owed (the give-back step, the exceptions report and page) reads the successful verification
-- charges only: without this index, every charge of every night is read to find them.
CREATE INDEX payment_attempts_verification_charges ON payment_attempts (id)
    WHERE kind IN ('VERIFICATION_CHARGE', 'VERIFICATION_AUTHORIZATION') AND state = 'SUCCEEDED';
