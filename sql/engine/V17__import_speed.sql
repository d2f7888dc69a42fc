-- A night's import at a million orders (issue 16). Measured with COPY of 1,000,000 orders into this table on the
-- 2-core build machine, fsync on.
--
-- Which import and which line of its file last wrote an order. The import's rule that an order_id appears once per
-- file is kept in the order itself for the orders it writes (import_keys only holds the claims of rows that change
-- nothing), so the usual night, all new orders, writes each order once and nothing beside it.
ALTER TABLE orders ADD COLUMN import_job_instance BIGINT, ADD COLUMN import_line BIGINT;

-- The order_id pattern is checked by the import for every row (the only way orders arrive), and again, for every
-- request, by payment_attempts' own checks on attempt_reference and merchant_reference, which hold the order id:
-- nothing outside the pattern can reach the gateway. Checked a third time here, by a regular expression, it was a
-- fifth of the cost of storing an order.
ALTER TABLE orders DROP CONSTRAINT orders_order_id_check;

-- Every order names a token in tokens: checked once per statement over all the rows it inserted, instead of the
-- foreign key's one lookup and row lock per order (a third of the cost of storing an order). The guarantee stays
-- the database's: an insert or a change of an order's token that names no token fails; and since tokens are never
-- deleted nor renamed (a card the customer removed is marked DELETED), which the triggers on tokens enforce, a
-- token an order names cannot disappear afterwards, which is what the foreign key's row locks were for.
ALTER TABLE orders DROP CONSTRAINT orders_token_name_fkey;

CREATE FUNCTION orders_name_known_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_orders o WHERE NOT EXISTS (SELECT 1 FROM tokens t WHERE t.token_name = o.token_name)) THEN
        RAISE EXCEPTION 'an order names a token that is not in tokens' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER orders_name_known_tokens AFTER INSERT ON orders REFERENCING NEW TABLE AS new_orders
    FOR EACH STATEMENT EXECUTE FUNCTION orders_name_known_tokens();

CREATE FUNCTION order_names_known_token() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tokens WHERE token_name = NEW.token_name) THEN
        RAISE EXCEPTION 'order % names token %, which is not in tokens', NEW.order_id, NEW.token_name
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER order_names_known_token BEFORE UPDATE OF token_name ON orders
    FOR EACH ROW WHEN (OLD.token_name IS DISTINCT FROM NEW.token_name) EXECUTE FUNCTION order_names_known_token();

CREATE FUNCTION tokens_are_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'tokens are never deleted or renamed: orders name them; a card the customer removed is marked DELETED'
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER tokens_never_deleted BEFORE DELETE ON tokens FOR EACH STATEMENT EXECUTE FUNCTION tokens_are_kept();
CREATE TRIGGER tokens_never_renamed BEFORE UPDATE OF token_name ON tokens
    FOR EACH ROW WHEN (OLD.token_name IS DISTINCT FROM NEW.token_name) EXECUTE FUNCTION tokens_are_kept();


-- Tokens too carry the import and line that last wrote them, for the same rule (a token_name once per file).
ALTER TABLE tokens ADD COLUMN import_job_instance BIGINT, ADD COLUMN import_line BIGINT;
