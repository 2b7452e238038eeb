-- BetterData.Grains: Orleans ADO.NET reminder table schema for PostgreSQL (4 of 4).
-- Matches Microsoft.Orleans.Reminders.AdoNet 10.4.x (checked against the 10.4.2 assembly).
--
-- Used by UseAdoNetReminderService(...). Orleans 10.4.x refuses to start unless all 7 keys exist:
--   UpsertReminderRowKey, ReadReminderRowsKey, ReadReminderRowKey, ReadRangeRows1Key,
--   ReadRangeRows2Key, DeleteReminderRowKey, DeleteReminderRowsKey.
-- GrainId is GrainId.ToString() ("type/key"), Period is in milliseconds (sent as int or
-- bigint), GrainHash is the grain's uniform hash as a signed int, Version is the ETag.
-- 10.4.x has no cron reminders: the CronExpression/NextDueUtc/... columns of newer Orleans
-- main are not used and not created here.
--
-- Function argument types are spelled out (upstream writes Table.Column%TYPE); the resulting
-- signatures are identical, so CREATE OR REPLACE also replaces functions created upstream.
--
-- Idempotent: safe to run any number of times. Run after 001-orleans-main.sql,
-- as ONE command string; no psql meta-commands.

SELECT pg_advisory_xact_lock(7202604210001);

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId varchar(150) NOT NULL,
    GrainId varchar(150) NOT NULL,
    ReminderName varchar(150) NOT NULL,
    StartTime timestamptz(3) NOT NULL,
    Period bigint NOT NULL,
    GrainHash integer NOT NULL,
    Version integer NOT NULL,

    CONSTRAINT PK_RemindersTable_ServiceId_GrainId_ReminderName PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Scripts older than Orleans 3.6 created StartTime as "timestamp"; convert (no-op otherwise).
DO $upgrade$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = 'orleansreminderstable'
                 AND column_name = 'starttime' AND data_type = 'timestamp without time zone') THEN
        ALTER TABLE OrleansRemindersTable
            ALTER COLUMN StartTime TYPE timestamptz(3) USING StartTime AT TIME ZONE 'UTC';
    END IF;
END
$upgrade$;

-- Range reads (each silo reads the reminders of its hash range) filter on GrainHash.
CREATE INDEX IF NOT EXISTS ix_orleansreminderstable_servicegrainhash
    ON OrleansRemindersTable (ServiceId, GrainHash);

-- Insert or replace a reminder; returns its new version (0 for a new row).
CREATE OR REPLACE FUNCTION upsert_reminder_row(
    ServiceIdArg    varchar,
    GrainIdArg      varchar,
    ReminderNameArg varchar,
    StartTimeArg    timestamptz,
    PeriodArg       bigint,
    GrainHashArg    integer)
  RETURNS TABLE(version integer) AS
$func$
DECLARE
    VersionVar int := 0;
BEGIN
    INSERT INTO OrleansRemindersTable
    (
        ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version
    )
    SELECT
        ServiceIdArg, GrainIdArg, ReminderNameArg, StartTimeArg, PeriodArg, GrainHashArg, 0
    ON CONFLICT (ServiceId, GrainId, ReminderName)
        DO UPDATE SET
            StartTime = excluded.StartTime,
            Period = excluded.Period,
            GrainHash = excluded.GrainHash,
            Version = OrleansRemindersTable.Version + 1
    RETURNING
        OrleansRemindersTable.Version INTO STRICT VersionVar;

    RETURN QUERY SELECT VersionVar AS version;
END
$func$ LANGUAGE plpgsql;

-- Deletes a reminder if its version still matches; returns the number of rows deleted (0/1).
CREATE OR REPLACE FUNCTION delete_reminder_row(
    ServiceIdArg    varchar,
    GrainIdArg      varchar,
    ReminderNameArg varchar,
    VersionArg      integer)
  RETURNS TABLE(row_count integer) AS
$func$
DECLARE
    RowCountVar int := 0;
BEGIN
    DELETE FROM OrleansRemindersTable
    WHERE
        ServiceId = ServiceIdArg AND ServiceIdArg IS NOT NULL
        AND GrainId = GrainIdArg AND GrainIdArg IS NOT NULL
        AND ReminderName = ReminderNameArg AND ReminderNameArg IS NOT NULL
        AND Version = VersionArg AND VersionArg IS NOT NULL;

    GET DIAGNOSTICS RowCountVar = ROW_COUNT;

    RETURN QUERY SELECT RowCountVar;
END
$func$ LANGUAGE plpgsql;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Params: ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash. Result column: Version.
('UpsertReminderRowKey', $q$
    SELECT * FROM upsert_reminder_row(
        @ServiceId,
        @GrainId,
        @ReminderName,
        @StartTime,
        @Period::bigint,
        @GrainHash
    );
$q$),

-- Params: ServiceId, GrainId. Result columns: GrainId, ReminderName, StartTime, Period, Version.
('ReadReminderRowsKey', $q$
    SELECT
        GrainId,
        ReminderName,
        StartTime,
        Period,
        Version
    FROM OrleansRemindersTable
    WHERE
        ServiceId = @ServiceId AND @ServiceId IS NOT NULL
        AND GrainId = @GrainId AND @GrainId IS NOT NULL;
$q$),

-- Params: ServiceId, GrainId, ReminderName.
('ReadReminderRowKey', $q$
    SELECT
        GrainId,
        ReminderName,
        StartTime,
        Period,
        Version
    FROM OrleansRemindersTable
    WHERE
        ServiceId = @ServiceId AND @ServiceId IS NOT NULL
        AND GrainId = @GrainId AND @GrainId IS NOT NULL
        AND ReminderName = @ReminderName AND @ReminderName IS NOT NULL;
$q$),

-- Params: ServiceId, BeginHash, EndHash (signed ints). Used when BeginHash < EndHash.
('ReadRangeRows1Key', $q$
    SELECT
        GrainId,
        ReminderName,
        StartTime,
        Period,
        Version
    FROM OrleansRemindersTable
    WHERE
        ServiceId = @ServiceId AND @ServiceId IS NOT NULL
        AND GrainHash > @BeginHash AND @BeginHash IS NOT NULL
        AND GrainHash <= @EndHash AND @EndHash IS NOT NULL;
$q$),

-- Params: ServiceId, BeginHash, EndHash. Used for a range that wraps around.
('ReadRangeRows2Key', $q$
    SELECT
        GrainId,
        ReminderName,
        StartTime,
        Period,
        Version
    FROM OrleansRemindersTable
    WHERE
        ServiceId = @ServiceId AND @ServiceId IS NOT NULL
        AND ((GrainHash > @BeginHash AND @BeginHash IS NOT NULL)
             OR (GrainHash <= @EndHash AND @EndHash IS NOT NULL));
$q$),

-- Params: ServiceId, GrainId, ReminderName, Version. Result: one column, >0 = deleted.
('DeleteReminderRowKey', $q$
    SELECT * FROM delete_reminder_row(
        @ServiceId,
        @GrainId,
        @ReminderName,
        @Version
    );
$q$),

-- Params: ServiceId. Deletes every reminder of the service (tests / reset only).
('DeleteReminderRowsKey', $q$
    DELETE FROM OrleansRemindersTable
    WHERE
        ServiceId = @ServiceId AND @ServiceId IS NOT NULL;
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
