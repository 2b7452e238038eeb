-- Catalog imports: the raw upload in chunks, durable before the API answers 202, so that an import resumes after a
-- restart from its recorded row offset. Rows are deleted when the import finishes. Idempotent.

CREATE TABLE IF NOT EXISTS import_chunks (
    import_key text    NOT NULL,
    seq        integer NOT NULL,
    data       bytea   NOT NULL,
    PRIMARY KEY (import_key, seq)
);
