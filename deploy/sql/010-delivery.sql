-- Outbound delivery: messages, one delivery per message x endpoint, and every attempt. Idempotent.
-- Endpoint grain state stays small; the backlog and the log live here.
-- No foreign keys between these three tables: a checked reference costs a query (planned again on every row under
-- our pool's custom plans) for each delivery and each attempt, and measured as a third of the server's CPU under
-- delivery load. The store keeps the references: a message is written with its deliveries in one statement batch,
-- attempts only through an UPDATE of their delivery, and deleting deliveries deletes their attempts.
-- Every index on deliveries is paid at least twice per delivery (its INSERT, then its attempt's UPDATE, which cannot
-- be a HOT update since it takes the row out of the open index; a claim's lease is one more), so there are as few as
-- the queries allow: the key, the open deliveries, the log, finished ones for retention, and a legacy index that no
-- new row enters.

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

-- A delivery's id is derived from its message and endpoint (NewDelivery.For): dlv_<message id without msg_>_<16 hex of
-- the endpoint>. The key therefore also keeps one delivery per message and endpoint (a repeated publish adds nothing),
-- and a message's deliveries are one key range, in byte order (COLLATE "C").
CREATE TABLE IF NOT EXISTS deliveries (
    id              text        COLLATE "C" PRIMARY KEY,
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
-- Open deliveries (pending, retrying, failed): the due query, O(log n) whatever the endpoint's backlog, reads it by
-- next_attempt_at (failed ones have none), and the log filtered by an open status reads the endpoint's open ones.
CREATE INDEX IF NOT EXISTS ix_deliveries_open ON deliveries (endpoint_id, next_attempt_at) WHERE status <> 2;
-- The log: newest first, keyset paging; filtered by "succeeded", most of a log, it reads this with a filter.
CREATE INDEX IF NOT EXISTS ix_deliveries_log ON deliveries (endpoint_id, created_at DESC, id DESC);
-- Retention: finished ones by when they finished (entered by the attempt's UPDATE, never by the INSERT).
CREATE INDEX IF NOT EXISTS ix_deliveries_retention ON deliveries (updated_at) WHERE status >= 2;
-- Deliveries written before ids were derived (dlv_ and 32 hex digits, no second underscore) are found by message
-- through this; no delivery written since has an entry.
CREATE INDEX IF NOT EXISTS ix_deliveries_legacy_message ON deliveries (message_id) WHERE strpos(substr(id, 5), '_') = 0;

CREATE TABLE IF NOT EXISTS delivery_attempts (
    delivery_id      text        COLLATE "C" NOT NULL,  -- as deliveries.id, so joins on it can use this key
    attempt_number   integer     NOT NULL,
    at               timestamptz NOT NULL,
    trigger          text        NOT NULL,
    status_code      integer     NULL,
    duration_ms      bigint      NOT NULL,
    error_kind       text        NULL,
    response_excerpt text        NULL,
    PRIMARY KEY (delivery_id, attempt_number)
);

-- Databases created by earlier versions: foreign keys, a unique (message, endpoint) index and narrower or more
-- indexes than the above. Dropped before the key's collation changes, so they are not rebuilt only to go.
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_message_id_fkey;
ALTER TABLE delivery_attempts DROP CONSTRAINT IF EXISTS delivery_attempts_delivery_id_fkey;
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS uq_deliveries_endpoint_message;
DROP INDEX IF EXISTS ix_deliveries_message;
DROP INDEX IF EXISTS ix_deliveries_log_status;
DROP INDEX IF EXISTS ix_deliveries_due;
DROP INDEX IF EXISTS ix_deliveries_log_unsucceeded;
DROP INDEX IF EXISTS ix_delivery_messages_created_brin;
DROP INDEX IF EXISTS ix_deliveries_created_brin;
-- Ids in byte order, whatever the database's collation, on both sides of the attempts join (once; this rebuilds the
-- indexes on those columns). The unique (message, endpoint) index of earlier versions is left for their silos while
-- they roll (they name it in ON CONFLICT); drop it once none is left: README, Operations, "Upgrade".
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
               WHERE a.attrelid = 'deliveries'::regclass AND a.attname = 'id' AND c.collname <> 'C') THEN
        ALTER TABLE deliveries ALTER COLUMN id TYPE text COLLATE "C";
    END IF;
    IF EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
               WHERE a.attrelid = 'delivery_attempts'::regclass AND a.attname = 'delivery_id' AND c.collname <> 'C') THEN
        ALTER TABLE delivery_attempts ALTER COLUMN delivery_id TYPE text COLLATE "C";
    END IF;
END $$;
