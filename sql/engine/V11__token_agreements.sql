-- The customer's standing agreement for merchant-initiated charges: APS requires token_name and agreement_id on
-- every recurring (eci=RECURRING) request. NULL: the merchant has not given one.
ALTER TABLE tokens ADD COLUMN agreement_id VARCHAR(100) CHECK (agreement_id ~ '^[A-Za-z0-9._-]{1,100}$');
