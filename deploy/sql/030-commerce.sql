-- Commerce rows that would otherwise be one growing grain state per tenant: the searchable catalog, the map from
-- inventory item / variation ids to products, stock counts that arrived before their product, and the provider event
-- ids already processed (dedupe). Each change writes its own rows, whatever the size of the catalog. Idempotent.

CREATE TABLE IF NOT EXISTS catalog_products (
    tenant_id  text  NOT NULL,
    product_id text  NOT NULL,
    title      text  NOT NULL,
    skus       text  NOT NULL, -- newline-separated, for search
    entry      jsonb NOT NULL,
    PRIMARY KEY (tenant_id, product_id)
);

-- Search walks a tenant's products in title order and stops at the limit.
CREATE INDEX IF NOT EXISTS catalog_products_by_title
    ON catalog_products (tenant_id, (lower(title)) COLLATE "C", product_id COLLATE "C");

CREATE TABLE IF NOT EXISTS catalog_items (
    tenant_id  text NOT NULL,
    item_id    text NOT NULL,
    product_id text NOT NULL,
    variant_id text NOT NULL,
    PRIMARY KEY (tenant_id, item_id)
);

CREATE INDEX IF NOT EXISTS catalog_items_by_product ON catalog_items (tenant_id, product_id);

-- A stock count for an item no product names yet; the product reads these when its row first names the item, and
-- deletes them once applied. Retention forgets counts whose product never came.
CREATE TABLE IF NOT EXISTS parked_stock (
    tenant_id   text        NOT NULL,
    item_id     text        NOT NULL,
    location_id text        NOT NULL,
    available   integer     NOT NULL,
    updated_at  timestamptz NOT NULL,
    parked_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, item_id, location_id)
);

CREATE INDEX IF NOT EXISTS parked_stock_by_age ON parked_stock (parked_at);

CREATE TABLE IF NOT EXISTS inbound_events (
    tenant_id text        NOT NULL,
    event_id  text        NOT NULL,
    seen_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);

-- An inbox loads its tenant's recent ids when it activates.
CREATE INDEX IF NOT EXISTS inbound_events_by_tenant ON inbound_events (tenant_id, seen_at);
-- Retention deletes by age across tenants; rows arrive in time order, so a BRIN index is enough and nearly free.
CREATE INDEX IF NOT EXISTS inbound_events_by_age ON inbound_events USING brin (seen_at);

-- Orders, one row each, written by the order grain once its allocation is durable; listed newest first by the order's
-- own creation time with keyset paging (the id breaks ties, compared bytewise like the in-memory list).
CREATE TABLE IF NOT EXISTS commerce_orders (
    tenant_id  text        NOT NULL,
    order_id   text        NOT NULL,
    status     text        NOT NULL,
    source     text        NOT NULL,
    created_at timestamptz NOT NULL,
    entry      jsonb       NOT NULL,
    PRIMARY KEY (tenant_id, order_id)
);

CREATE INDEX IF NOT EXISTS commerce_orders_newest
    ON commerce_orders (tenant_id, created_at DESC, order_id COLLATE "C" DESC);
