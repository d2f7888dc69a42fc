-- A charge a person started from the console ("charge again now") carries the user's name; the nightly run's are NULL.
ALTER TABLE payment_attempts ADD COLUMN initiated_by VARCHAR(64);

-- The console's search and order history read these by a single value: an index each, so that a page stays fast
-- with a million orders.
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX payment_attempts_fort_id ON payment_attempts (fort_id) WHERE fort_id IS NOT NULL;
CREATE INDEX charge_holds_order ON charge_holds (order_id);
