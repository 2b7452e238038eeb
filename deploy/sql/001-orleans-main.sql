-- BetterData.Grains: Orleans ADO.NET base schema for PostgreSQL (1 of 4).
-- Matches Microsoft.Orleans.*.AdoNet 10.4.x (checked against the 10.4.2 assemblies).
--
-- Creates OrleansQuery: the catalogue of named SQL statements the Orleans ADO.NET
-- providers load once at start-up ("SELECT QueryKey, QueryText FROM OrleansQuery").
-- Orleans binds parameters and reads result columns by NAME, so the query texts
-- installed by 002..004 are a contract with the runtime: keep names and types.
--
-- Idempotent: safe to run any number of times on an empty or initialised database.
-- Run as ONE command string (e.g. one NpgsqlCommand); no psql meta-commands.
-- Apply 001, 002, 003, 004 in that order.

-- Serialise concurrent schema runs (several silos starting at once). When the file is
-- sent as one Npgsql command all statements share one implicit transaction, so this
-- lock is held until the end of the file; in autocommit tools it is simply a no-op.
SELECT pg_advisory_xact_lock(7202604210001);

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey varchar(64) NOT NULL,
    QueryText varchar(8000) NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
