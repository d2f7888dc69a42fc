-- Tokens the merchant set INACTIVE or ACTIVE with UPDATE_TOKEN (a token not here is active), and each UPDATE_TOKEN
-- request as the gateway answered it (a request repeated with the same merchant_reference is answered the same).
CREATE TABLE aps_simulator.token_status (
    merchant_identifier VARCHAR(20)  NOT NULL,
    token_name          VARCHAR(100) NOT NULL,
    token_status        VARCHAR(8)   NOT NULL,
    updated_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_identifier, token_name)
);

CREATE TABLE aps_simulator.token_updates (
    merchant_identifier VARCHAR(20)  NOT NULL,
    merchant_reference  VARCHAR(40)  NOT NULL,
    token_name          VARCHAR(100) NOT NULL,
    token_status        VARCHAR(8)   NOT NULL,
    response_code       CHAR(5)      NOT NULL,
    created_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_identifier, merchant_reference)
);
CREATE INDEX token_updates_token ON aps_simulator.token_updates (merchant_identifier, token_name);
