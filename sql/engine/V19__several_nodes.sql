-- Several serve nodes on one database (issue 14).

-- The gateway budget: the nodes that called the gateway in the last seconds, so that each takes its share of the
-- account's call slots (the slots themselves are advisory locks, released when a node's session ends).
CREATE TABLE gateway_budget_nodes (
    node         TEXT        PRIMARY KEY,
    active_until TIMESTAMPTZ NOT NULL
);

-- Spring Integration's JDBC channel message store (its schema for PostgreSQL, spring-integration-jdbc 7.0): the
-- partition requests of a night wait here for a worker node; a worker deletes one in a transaction it keeps open
-- while it runs the partition, so a worker that dies gives it back to the others.
CREATE SEQUENCE int_message_seq START WITH 1 INCREMENT BY 1 NO CYCLE;

CREATE TABLE int_channel_message (
    message_id       CHAR(36)     NOT NULL,
    group_key        CHAR(36)     NOT NULL,
    created_date     BIGINT       NOT NULL,
    message_priority BIGINT,
    message_sequence BIGINT       NOT NULL DEFAULT nextval('int_message_seq'),
    message_content  BYTEA,
    region           VARCHAR(100) NOT NULL,
    CONSTRAINT int_channel_message_pk PRIMARY KEY (region, group_key, created_date, message_sequence)
);
CREATE INDEX int_channel_msg_delete_idx ON int_channel_message (region, group_key, message_id);

-- Wakes the workers at once (Spring Integration's PostgresChannelMessageTableSubscriber listens on this channel).
CREATE FUNCTION int_channel_message_notify_fct() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('int_channel_message_notify', NEW.region || ' ' || NEW.group_key);
    RETURN NEW;
END $$;
CREATE TRIGGER int_channel_message_notify_trg AFTER INSERT ON int_channel_message
    FOR EACH ROW EXECUTE FUNCTION int_channel_message_notify_fct();
