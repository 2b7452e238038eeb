-- Outbound delivery: messages, one delivery per message x endpoint, and every attempt. Idempotent.
-- Endpoint grain state stays small; the backlog and the log live here.
-- No foreign keys between these three tables: a checked reference costs a query (planned again on every row under
-- our pool's custom plans) for each delivery and each attempt, and measured as a third of the server's CPU under
-- delivery load. The store keeps the references: a message is written with its deliveries in one statement batch,
-- attempts only through an UPDATE of their delivery, and deleting deliveries deletes their attempts.

CREATE TABLE IF NOT EXISTS delivery_messages (
    id              text        PRIMARY KEY,
    tenant_id       text        NOT NULL,
    event_type      text        NOT NULL,
    body            text        NOT NULL,
    idempotency_key text        NULL,
    fanned_out      boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL
);
-- Publish looks up a tenant's idempotency key (24 h window enforced by the query).
CREATE INDEX IF NOT EXISTS ix_delivery_messages_key ON delivery_messages (tenant_id, idempotency_key, created_at DESC)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_delivery_messages_created ON delivery_messages (created_at);

CREATE TABLE IF NOT EXISTS deliveries (
    id              text        PRIMARY KEY,
    endpoint_id     text        NOT NULL,
    message_id      text        NOT NULL,
    event_type      text        NOT NULL,
    status          smallint    NOT NULL,          -- 0 pending, 1 retrying, 2 succeeded, 3 failed
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NULL,
    manual          boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
-- One delivery per message and endpoint (a repeated publish adds nothing); also finds a message's deliveries.
CREATE UNIQUE INDEX IF NOT EXISTS uq_deliveries_message_endpoint ON deliveries (message_id, endpoint_id);
-- The due query: O(log n) whatever the endpoint's backlog.
CREATE INDEX IF NOT EXISTS ix_deliveries_due ON deliveries (endpoint_id, next_attempt_at) WHERE status < 2;
-- The log: newest first, keyset paging, optional status filter. Filtered by status, every status but succeeded
-- has its own index entries, so the common case (a delivery that succeeds) costs no entry there; "succeeded", most of
-- a log, is read from the log index with a filter.
CREATE INDEX IF NOT EXISTS ix_deliveries_log ON deliveries (endpoint_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_deliveries_log_unsucceeded ON deliveries (endpoint_id, status, created_at DESC, id DESC) WHERE status <> 2;
CREATE INDEX IF NOT EXISTS ix_deliveries_retention ON deliveries (updated_at) WHERE status >= 2;

CREATE TABLE IF NOT EXISTS delivery_attempts (
    delivery_id      text        NOT NULL,
    attempt_number   integer     NOT NULL,
    at               timestamptz NOT NULL,
    trigger          text        NOT NULL,
    status_code      integer     NULL,
    duration_ms      bigint      NOT NULL,
    error_kind       text        NULL,
    response_excerpt text        NULL,
    PRIMARY KEY (delivery_id, attempt_number)
);

-- Databases created before the foreign keys were dropped and the indexes above replaced fewer, narrower ones.
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_message_id_fkey;
ALTER TABLE delivery_attempts DROP CONSTRAINT IF EXISTS delivery_attempts_delivery_id_fkey;
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS uq_deliveries_endpoint_message;
DROP INDEX IF EXISTS ix_deliveries_message;
DROP INDEX IF EXISTS ix_deliveries_log_status;
