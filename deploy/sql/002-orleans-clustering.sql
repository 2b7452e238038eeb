-- BetterData.Grains: Orleans ADO.NET clustering (membership) schema for PostgreSQL (2 of 4).
-- Matches Microsoft.Orleans.Clustering.AdoNet 10.4.x (checked against the 10.4.2 assembly).
--
-- Used by silos (UseAdoNetClustering) and by clients (gateway discovery). Orleans 10.4.x
-- refuses to start unless all 9 required keys exist:
--   UpdateIAmAlivetimeKey, InsertMembershipVersionKey, InsertMembershipKey,
--   UpdateMembershipKey, MembershipReadRowKey, MembershipReadAllKey,
--   DeleteMembershipTableEntriesKey, GatewaysQueryKey, CleanupDefunctSiloEntriesKey.
-- The optional key CleanupDefunctSiloEntryKey (read by 10.4.x when present) enables
-- per-row pruning of Dead silos guarded by the values captured when the row was read.
--
-- 10.4.x does NOT send @MetadataJson (newer Orleans main does), so there is no
-- MetadataJson column or argument here. All times are timestamptz (Orleans sends UTC).
--
-- Function argument types are spelled out (upstream writes Table.Column%TYPE); the resulting
-- signatures are identical, so CREATE OR REPLACE also replaces functions created upstream.
--
-- Idempotent: safe to run any number of times. Run after 001-orleans-main.sql,
-- as ONE command string; no psql meta-commands.

SELECT pg_advisory_xact_lock(7202604210001);

-- One row per cluster (DeploymentId holds the Orleans ClusterId); Version is the
-- membership table's optimistic-concurrency token.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL,
    Timestamp timestamptz(3) NOT NULL DEFAULT now(),
    Version integer NOT NULL DEFAULT 0,

    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

-- One row per silo incarnation (address, port, generation).
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL,
    Address varchar(45) NOT NULL,
    Port integer NOT NULL,
    Generation integer NOT NULL,
    SiloName varchar(150) NOT NULL,
    HostName varchar(150) NOT NULL,
    Status integer NOT NULL,
    ProxyPort integer NULL,
    SuspectTimes varchar(8000) NULL,
    StartTime timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,

    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Tables created by Orleans scripts older than 3.6 used "timestamp" (without time zone),
-- which Npgsql 6+ rejects for UTC DateTimes. Convert them in place (no-op otherwise).
DO $upgrade$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = 'orleansmembershipversiontable'
                 AND column_name = 'timestamp' AND data_type = 'timestamp without time zone') THEN
        ALTER TABLE OrleansMembershipVersionTable
            ALTER COLUMN Timestamp TYPE timestamptz(3) USING Timestamp AT TIME ZONE 'UTC';
    END IF;
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = 'orleansmembershiptable'
                 AND column_name = 'starttime' AND data_type = 'timestamp without time zone') THEN
        ALTER TABLE OrleansMembershipTable
            ALTER COLUMN StartTime TYPE timestamptz(3) USING StartTime AT TIME ZONE 'UTC',
            ALTER COLUMN IAmAliveTime TYPE timestamptz(3) USING IAmAliveTime AT TIME ZONE 'UTC';
    END IF;
END
$upgrade$;

-- Heartbeat. Never moves IAmAliveTime backwards. Orleans ignores the result.
CREATE OR REPLACE FUNCTION update_i_am_alive_time(
    deployment_id   varchar,
    address_arg     varchar,
    port_arg        integer,
    generation_arg  integer,
    i_am_alive_time timestamptz)
  RETURNS void AS
$func$
BEGIN
    UPDATE OrleansMembershipTable AS d
    SET
        IAmAliveTime = GREATEST(d.IAmAliveTime, i_am_alive_time)
    WHERE
        d.DeploymentId = deployment_id AND deployment_id IS NOT NULL
        AND d.Address = address_arg AND address_arg IS NOT NULL
        AND d.Port = port_arg AND port_arg IS NOT NULL
        AND d.Generation = generation_arg AND generation_arg IS NOT NULL;
END
$func$ LANGUAGE plpgsql;

-- Creates the cluster's version row if missing. Returns 1 if inserted, 0 if it existed.
CREATE OR REPLACE FUNCTION insert_membership_version(
    DeploymentIdArg varchar)
  RETURNS TABLE(row_count integer) AS
$func$
DECLARE
    RowCountVar int := 0;
BEGIN
    BEGIN
        INSERT INTO OrleansMembershipVersionTable (DeploymentId)
        SELECT DeploymentIdArg
        ON CONFLICT (DeploymentId) DO NOTHING;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;

        IF RowCountVar = 0 THEN
            RAISE EXCEPTION 'no rows affected, rollback' USING ERRCODE = 'assert_failure';
        END IF;

        RETURN QUERY SELECT RowCountVar;
    EXCEPTION
    WHEN assert_failure THEN
        RETURN QUERY SELECT RowCountVar;
    END;
END
$func$ LANGUAGE plpgsql;

-- Conditional insert: bumps the table version only if it still equals VersionArg, then
-- inserts the silo row. Both happen or neither (the inner block is a subtransaction).
-- Returns 1 on success, 0 on version conflict or duplicate row.
CREATE OR REPLACE FUNCTION insert_membership(
    DeploymentIdArg varchar,
    AddressArg      varchar,
    PortArg         integer,
    GenerationArg   integer,
    SiloNameArg     varchar,
    HostNameArg     varchar,
    StatusArg       integer,
    ProxyPortArg    integer,
    StartTimeArg    timestamptz,
    IAmAliveTimeArg timestamptz,
    VersionArg      integer)
  RETURNS TABLE(row_count integer) AS
$func$
DECLARE
    RowCountVar int := 0;
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
        SET
            Timestamp = now(),
            Version = Version + 1
        WHERE
            DeploymentId = DeploymentIdArg AND DeploymentIdArg IS NOT NULL
            AND Version = VersionArg AND VersionArg IS NOT NULL
            AND Version < 2147483647;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;

        INSERT INTO OrleansMembershipTable
        (
            DeploymentId, Address, Port, Generation, SiloName, HostName,
            Status, ProxyPort, StartTime, IAmAliveTime
        )
        SELECT
            DeploymentIdArg, AddressArg, PortArg, GenerationArg, SiloNameArg, HostNameArg,
            StatusArg, ProxyPortArg, StartTimeArg, IAmAliveTimeArg
        WHERE RowCountVar > 0
        ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;

        IF RowCountVar = 0 THEN
            RAISE EXCEPTION 'no rows affected, rollback' USING ERRCODE = 'assert_failure';
        END IF;

        RETURN QUERY SELECT RowCountVar;
    EXCEPTION
    WHEN assert_failure THEN
        RETURN QUERY SELECT RowCountVar;
    END;
END
$func$ LANGUAGE plpgsql;

-- Conditional update: bumps the table version only if it still equals VersionArg, then
-- updates the silo row. Both happen or neither. Returns 1 on success, 0 otherwise.
CREATE OR REPLACE FUNCTION update_membership(
    DeploymentIdArg varchar,
    AddressArg      varchar,
    PortArg         integer,
    GenerationArg   integer,
    StatusArg       integer,
    SuspectTimesArg varchar,
    IAmAliveTimeArg timestamptz,
    VersionArg      integer)
  RETURNS TABLE(row_count integer) AS
$func$
DECLARE
    RowCountVar int := 0;
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
        SET
            Timestamp = now(),
            Version = Version + 1
        WHERE
            DeploymentId = DeploymentIdArg AND DeploymentIdArg IS NOT NULL
            AND Version = VersionArg AND VersionArg IS NOT NULL
            AND Version < 2147483647;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;

        UPDATE OrleansMembershipTable
        SET
            Status = StatusArg,
            SuspectTimes = SuspectTimesArg,
            IAmAliveTime = GREATEST(IAmAliveTime, IAmAliveTimeArg)
        WHERE
            DeploymentId = DeploymentIdArg AND DeploymentIdArg IS NOT NULL
            AND Address = AddressArg AND AddressArg IS NOT NULL
            AND Port = PortArg AND PortArg IS NOT NULL
            AND Generation = GenerationArg AND GenerationArg IS NOT NULL
            AND RowCountVar > 0;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;

        IF RowCountVar = 0 THEN
            RAISE EXCEPTION 'no rows affected, rollback' USING ERRCODE = 'assert_failure';
        END IF;

        RETURN QUERY SELECT RowCountVar;
    EXCEPTION
    WHEN assert_failure THEN
        RETURN QUERY SELECT RowCountVar;
    END;
END
$func$ LANGUAGE plpgsql;

-- Named queries. Parameters (sent by 10.4.x) and result columns (read by name) are the contract.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Params: DeploymentId, Address, Port, Generation, IAmAliveTime. Result ignored.
('UpdateIAmAlivetimeKey', $q$
    SELECT * FROM update_i_am_alive_time(
        @DeploymentId,
        @Address,
        @Port,
        @Generation,
        @IAmAliveTime
    );
$q$),

-- Params: DeploymentId. Result: one column, >0 = inserted.
('InsertMembershipVersionKey', $q$
    SELECT * FROM insert_membership_version(
        @DeploymentId
    );
$q$),

-- Params: DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort,
-- StartTime, IAmAliveTime, Version. Result: one column, >0 = success.
('InsertMembershipKey', $q$
    SELECT * FROM insert_membership(
        @DeploymentId,
        @Address,
        @Port,
        @Generation,
        @SiloName,
        @HostName,
        @Status,
        @ProxyPort,
        @StartTime,
        @IAmAliveTime,
        @Version
    );
$q$),

-- Params: DeploymentId, Address, Port, Generation, Status, SuspectTimes, IAmAliveTime, Version.
-- Result: one column, >0 = success.
('UpdateMembershipKey', $q$
    SELECT * FROM update_membership(
        @DeploymentId,
        @Address,
        @Port,
        @Generation,
        @Status,
        @SuspectTimes,
        @IAmAliveTime,
        @Version
    );
$q$),

-- Params: DeploymentId, Address, Port, Generation. The LEFT JOIN returns the version row
-- even when the silo row does not exist (then StartTime is NULL and Orleans sees no entry).
('MembershipReadRowKey', $q$
    SELECT
        v.DeploymentId,
        m.Address,
        m.Port,
        m.Generation,
        m.SiloName,
        m.HostName,
        m.Status,
        m.ProxyPort,
        m.SuspectTimes,
        m.StartTime,
        m.IAmAliveTime,
        v.Version
    FROM
        OrleansMembershipVersionTable v
        LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
            AND m.Address = @Address AND @Address IS NOT NULL
            AND m.Port = @Port AND @Port IS NOT NULL
            AND m.Generation = @Generation AND @Generation IS NOT NULL
    WHERE
        v.DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
$q$),

-- Params: DeploymentId.
('MembershipReadAllKey', $q$
    SELECT
        v.DeploymentId,
        m.Address,
        m.Port,
        m.Generation,
        m.SiloName,
        m.HostName,
        m.Status,
        m.ProxyPort,
        m.SuspectTimes,
        m.StartTime,
        m.IAmAliveTime,
        v.Version
    FROM
        OrleansMembershipVersionTable v
        LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
    WHERE
        v.DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
$q$),

-- Params: DeploymentId. Used by tests / cluster reset only.
('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
    DELETE FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
$q$),

-- Params: DeploymentId, Status (= 3, Active). Used by clients to find gateways.
('GatewaysQueryKey', $q$
    SELECT
        Address,
        ProxyPort,
        Generation
    FROM
        OrleansMembershipTable
    WHERE
        DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL
        AND Status = @Status AND @Status IS NOT NULL
        AND ProxyPort > 0;
$q$),

-- Required, but 10.4.x only runs it when CleanupDefunctSiloEntryKey is absent.
-- Params: DeploymentId, IAmAliveTime (the cut-off). Deletes Dead (6) rows only.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL
        AND IAmAliveTime < @IAmAliveTime
        AND StartTime < @IAmAliveTime
        AND COALESCE(SuspectTimes, '') = ''
        AND Status = 6;
$q$),

-- Optional (10.4.x uses it when present). Deletes one Dead row only if it is unchanged
-- since Orleans read it. Params: DeploymentId, Address, Port, Generation, SuspectTimes,
-- StartTime, IAmAliveTime.
('CleanupDefunctSiloEntryKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND Status = 6
        AND Address = @Address AND Port = @Port AND Generation = @Generation
        AND IAmAliveTime = @IAmAliveTime AND StartTime = @StartTime
        AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes, '');
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
