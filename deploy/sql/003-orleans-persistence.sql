-- BetterData.Grains: Orleans ADO.NET grain-state storage schema for PostgreSQL (3 of 4).
-- Matches Microsoft.Orleans.Persistence.AdoNet 10.4.x (checked against the 10.4.2 assembly).
--
-- Used by AddAdoNetGrainStorage(...). Required keys: WriteToStorageKey, ReadFromStorageKey,
-- ClearStorageKey. DeleteStorageKey is required only with DeleteStateOnClear = true, but is
-- always installed here.
--
-- Every query receives: GrainIdHash int, GrainIdN0 bigint, GrainIdN1 bigint, GrainTypeHash int,
-- GrainTypeString (the state name), GrainIdExtensionString (string key / key extension, may be
-- NULL), ServiceId; writes/clears also GrainStateVersion (int, NULL = never written) and
-- writes PayloadBinary (bytea). The ETag is the integer Version column.
--
-- Deviation from the upstream script (contract unchanged): a UNIQUE index on the row identity,
-- and writetostorage inserts with ON CONFLICT DO NOTHING. Upstream relies on WHERE NOT EXISTS,
-- which under concurrent first writes (e.g. duplicate activations) can create two rows for one
-- grain, after which every read of that grain fails. With the index the loser gets a version
-- conflict (InconsistentStateException) instead.
--
-- Idempotent: safe to run any number of times. Run after 001-orleans-main.sql,
-- as ONE command string; no psql meta-commands.

SELECT pg_advisory_xact_lock(7202604210001);

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    grainidhash integer NOT NULL,
    grainidn0 bigint NOT NULL,
    grainidn1 bigint NOT NULL,
    graintypehash integer NOT NULL,
    graintypestring character varying(512) NOT NULL,
    grainidextensionstring character varying(512),
    serviceid character varying(150) NOT NULL,
    payloadbinary bytea,
    modifiedon timestamptz NOT NULL,
    version integer
);

-- Scripts older than Orleans 3.6 created modifiedon as "timestamp"; convert (no-op otherwise).
DO $upgrade$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = 'orleansstorage'
                 AND column_name = 'modifiedon' AND data_type = 'timestamp without time zone') THEN
        ALTER TABLE OrleansStorage
            ALTER COLUMN modifiedon TYPE timestamptz USING modifiedon AT TIME ZONE 'UTC';
    END IF;
END
$upgrade$;

-- The lookup index every query uses (same as upstream).
CREATE INDEX IF NOT EXISTS ix_orleansstorage
    ON OrleansStorage USING btree (grainidhash, graintypehash);

-- One row per grain state. The strings are hashed so that the key always fits in a btree
-- entry; md5 output is never '-', so NULL and '' extensions stay distinct.
CREATE UNIQUE INDEX IF NOT EXISTS ux_orleansstorage_identity
    ON OrleansStorage USING btree (
        grainidhash,
        graintypehash,
        grainidn0,
        grainidn1,
        serviceid,
        md5(graintypestring),
        COALESCE(md5(grainidextensionstring), '-'));

-- Returns the new version, or the unchanged _grainstateversion (NULL for a first write) when
-- the row was changed or created by someone else: Orleans then raises a version conflict.
CREATE OR REPLACE FUNCTION writetostorage(
    _grainidhash integer,
    _grainidn0 bigint,
    _grainidn1 bigint,
    _graintypehash integer,
    _graintypestring character varying,
    _grainidextensionstring character varying,
    _serviceid character varying,
    _grainstateversion integer,
    _payloadbinary bytea)
    RETURNS TABLE(newgrainstateversion integer)
    LANGUAGE plpgsql
AS $function$
DECLARE
    _newGrainStateVersion integer := _grainstateversion;
    RowCountVar integer := 0;
BEGIN
    IF _grainstateversion IS NOT NULL THEN
        -- The state was read (or written) before: update only if nobody changed it since.
        UPDATE OrleansStorage
        SET
            payloadbinary = _payloadbinary,
            modifiedon = now(),
            version = version + 1
        WHERE
            grainidhash = _grainidhash AND _grainidhash IS NOT NULL
            AND graintypehash = _graintypehash AND _graintypehash IS NOT NULL
            AND grainidn0 = _grainidn0 AND _grainidn0 IS NOT NULL
            AND grainidn1 = _grainidn1 AND _grainidn1 IS NOT NULL
            AND graintypestring = _graintypestring AND _graintypestring IS NOT NULL
            AND ((_grainidextensionstring IS NOT NULL AND grainidextensionstring IS NOT NULL
                  AND grainidextensionstring = _grainidextensionstring)
                 OR (_grainidextensionstring IS NULL AND grainidextensionstring IS NULL))
            AND serviceid = _serviceid AND _serviceid IS NOT NULL
            AND version IS NOT NULL AND version = _grainstateversion;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;
        IF RowCountVar > 0 THEN
            _newGrainStateVersion := _grainstateversion + 1;
        END IF;
    ELSE
        -- First write: insert version 1 unless a row for this grain state already exists.
        INSERT INTO OrleansStorage
        (
            grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
            grainidextensionstring, serviceid, payloadbinary, modifiedon, version
        )
        SELECT
            _grainidhash, _grainidn0, _grainidn1, _graintypehash, _graintypestring,
            _grainidextensionstring, _serviceid, _payloadbinary, now(), 1
        WHERE NOT EXISTS
        (
            SELECT 1
            FROM OrleansStorage
            WHERE
                grainidhash = _grainidhash AND _grainidhash IS NOT NULL
                AND graintypehash = _graintypehash AND _graintypehash IS NOT NULL
                AND grainidn0 = _grainidn0 AND _grainidn0 IS NOT NULL
                AND grainidn1 = _grainidn1 AND _grainidn1 IS NOT NULL
                AND graintypestring = _graintypestring AND _graintypestring IS NOT NULL
                AND ((_grainidextensionstring IS NOT NULL AND grainidextensionstring IS NOT NULL
                      AND grainidextensionstring = _grainidextensionstring)
                     OR (_grainidextensionstring IS NULL AND grainidextensionstring IS NULL))
                AND serviceid = _serviceid AND _serviceid IS NOT NULL
        )
        ON CONFLICT DO NOTHING;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;
        IF RowCountVar > 0 THEN
            _newGrainStateVersion := 1;
        END IF;
    END IF;

    RETURN QUERY SELECT _newGrainStateVersion AS newgrainstateversion;
END
$function$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Params: identity + GrainStateVersion + PayloadBinary. Result column: NewGrainStateVersion.
('WriteToStorageKey', $q$
    SELECT * FROM writetostorage(
        @GrainIdHash,
        @GrainIdN0,
        @GrainIdN1,
        @GrainTypeHash,
        @GrainTypeString,
        @GrainIdExtensionString,
        @ServiceId,
        @GrainStateVersion,
        @PayloadBinary
    );
$q$),

-- Params: identity. Result columns read by name: PayloadBinary, Version.
('ReadFromStorageKey', $q$
    SELECT
        PayloadBinary,
        ModifiedOn,
        Version
    FROM
        OrleansStorage
    WHERE
        GrainIdHash = @GrainIdHash AND @GrainIdHash IS NOT NULL
        AND GrainTypeHash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
        AND GrainIdN0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
        AND GrainIdN1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
        AND GrainTypeString = @GrainTypeString AND @GrainTypeString IS NOT NULL
        AND ((@GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL
              AND GrainIdExtensionString = @GrainIdExtensionString)
             OR (@GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
        AND ServiceId = @ServiceId AND @ServiceId IS NOT NULL;
$q$),

-- Params: identity + GrainStateVersion. Keeps the row (payload NULL) and returns the new
-- version in the first column; no row returned = version conflict.
('ClearStorageKey', $q$
    UPDATE OrleansStorage
    SET
        PayloadBinary = NULL,
        ModifiedOn = now(),
        Version = Version + 1
    WHERE
        GrainIdHash = @GrainIdHash AND @GrainIdHash IS NOT NULL
        AND GrainTypeHash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
        AND GrainIdN0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
        AND GrainIdN1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
        AND GrainTypeString = @GrainTypeString AND @GrainTypeString IS NOT NULL
        AND ((@GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL
              AND GrainIdExtensionString = @GrainIdExtensionString)
             OR (@GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
        AND ServiceId = @ServiceId AND @ServiceId IS NOT NULL
        AND Version IS NOT NULL AND Version = @GrainStateVersion AND @GrainStateVersion IS NOT NULL
    RETURNING Version AS NewGrainStateVersion;
$q$),

-- Used instead of ClearStorageKey when DeleteStateOnClear = true. Same params; deletes the
-- row and returns a non-null value (old version + 1); no row returned = version conflict.
('DeleteStorageKey', $q$
    DELETE FROM OrleansStorage
    WHERE
        GrainIdHash = @GrainIdHash AND @GrainIdHash IS NOT NULL
        AND GrainTypeHash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
        AND GrainIdN0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
        AND GrainIdN1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
        AND GrainTypeString = @GrainTypeString AND @GrainTypeString IS NOT NULL
        AND ((@GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL
              AND GrainIdExtensionString = @GrainIdExtensionString)
             OR (@GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
        AND ServiceId = @ServiceId AND @ServiceId IS NOT NULL
        AND Version IS NOT NULL AND Version = @GrainStateVersion AND @GrainStateVersion IS NOT NULL
    RETURNING Version + 1 AS NewGrainStateVersion;
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
