-- The built-in Amazon Payment Services simulator keeps its own records here, like a gateway would on its side.
-- The engine never reads this schema; tests ask the simulator (over its protocol or this schema) what it holds.

CREATE TABLE orders (
    merchant_identifier     VARCHAR(20)  NOT NULL,
    merchant_reference      VARCHAR(40)  NOT NULL,
    fort_id                 VARCHAR(20)  NOT NULL UNIQUE,
    command                 VARCHAR(16)  NOT NULL,
    token_name              VARCHAR(100) NOT NULL,
    customer_email          VARCHAR(254) NOT NULL,
    amount                  BIGINT       NOT NULL,
    currency                CHAR(3)      NOT NULL,
    response_code           CHAR(5)      NOT NULL,
    response_message        VARCHAR(255) NOT NULL,
    acquirer_response_code  VARCHAR(4),
    authorization_code      VARCHAR(10),
    authorized_amount       BIGINT       NOT NULL DEFAULT 0,
    captured_amount         BIGINT       NOT NULL DEFAULT 0,
    refunded_amount         BIGINT       NOT NULL DEFAULT 0,
    voided                  BOOLEAN      NOT NULL DEFAULT FALSE,
    last_code               CHAR(5)      NOT NULL,
    last_message            VARCHAR(255) NOT NULL,
    created_at              TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_identifier, merchant_reference)
);

CREATE TABLE maintenance (
    merchant_identifier     VARCHAR(20)  NOT NULL,
    maintenance_reference   VARCHAR(40)  NOT NULL,
    merchant_reference      VARCHAR(40)  NOT NULL,
    command                 VARCHAR(24)  NOT NULL,
    amount                  BIGINT       NOT NULL,
    currency                CHAR(3)      NOT NULL,
    fort_id                 VARCHAR(20)  NOT NULL,
    response_code           CHAR(5)      NOT NULL,
    created_at              TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_identifier, maintenance_reference)
);
CREATE INDEX maintenance_order ON maintenance (merchant_identifier, merchant_reference);

CREATE SEQUENCE fort_id_seq START 1000001;
