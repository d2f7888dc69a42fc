-- Token verification: a stable number per token for its gateway references (a token name may be 100 characters,
-- a merchant reference at most 40).
ALTER TABLE tokens ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY;
CREATE UNIQUE INDEX tokens_id ON tokens (id);
CREATE INDEX payment_attempts_merchant_reference ON payment_attempts (merchant_reference);
