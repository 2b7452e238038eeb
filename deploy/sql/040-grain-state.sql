-- State of the grains that are activated once per item of work (products): read when a grain activates and written
-- on every change, by the batched provider in Grains/Hosting/BatchedGrainStorage.cs (many grains per round trip).
-- Other grains keep Orleans' ADO.NET storage (OrleansStorage, 003-orleans-persistence.sql). Idempotent.

CREATE TABLE IF NOT EXISTS grain_state (
    state_name text        NOT NULL,
    grain_id   text        NOT NULL, -- Orleans GrainId, "type/key"
    version    bigint      NOT NULL, -- the ETag: 1 on insert, +1 per write; a write names the version it read
    payload    bytea       NOT NULL, -- Orleans' binary serializer, like OrleansStorage.payloadbinary
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (state_name, grain_id)
);
