-- The simulator serves APS's Reporting API from its own records: a time window of a merchant's transactions.
CREATE INDEX orders_made ON orders (merchant_identifier, created_at);
CREATE INDEX maintenance_made ON maintenance (merchant_identifier, created_at);
