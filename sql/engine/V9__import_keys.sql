-- Keys an import has loaded from a file, so that a second row with the same order_id (or token_name) in one file is
-- a rejected row rather than "last wins". Written in the chunk's transaction, so a restart sees exactly the keys of
-- the committed chunks; emptied when the import's last step runs.
CREATE TABLE import_keys (
    job_instance_id BIGINT      NOT NULL,
    file_kind       VARCHAR(8)  NOT NULL,
    key             TEXT        NOT NULL,
    line_number     BIGINT      NOT NULL,
    PRIMARY KEY (job_instance_id, file_kind, key)
);
