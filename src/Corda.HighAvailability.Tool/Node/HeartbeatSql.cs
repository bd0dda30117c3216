namespace Corda.HighAvailability.Tool.Node;

/// <summary>
/// The stand-in node's heartbeat table. As in the drill's log, a sequence number is assigned at insert, not at
/// commit, so each heartbeat instead bumps one counter row in its own transaction: the counter row stays locked to
/// the commit, so its numbers follow commit order. Reading the table in that order shows whether two nodes ever ran
/// at once: their heartbeats would interleave. The same SQL works on SQLite and PostgreSQL.
/// </summary>
internal static class HeartbeatSql
{
    public const string TableName = "corda_ha_node_heartbeat";
    public const string ClockTableName = "corda_ha_node_heartbeat_clock";

    public static string Create(bool postgres) => postgres
        ? $"""
          CREATE TABLE IF NOT EXISTS {TableName} (commit_seq bigint NOT NULL PRIMARY KEY, holder text NOT NULL, pid integer NOT NULL, mono_ns bigint NOT NULL);
          CREATE TABLE IF NOT EXISTS {ClockTableName} (id integer NOT NULL PRIMARY KEY, n bigint NOT NULL);
          """
        : $"""
          CREATE TABLE IF NOT EXISTS {TableName} (commit_seq INTEGER NOT NULL PRIMARY KEY, holder TEXT NOT NULL, pid INTEGER NOT NULL, mono_ns INTEGER NOT NULL);
          CREATE TABLE IF NOT EXISTS {ClockTableName} (id INTEGER NOT NULL PRIMARY KEY, n INTEGER NOT NULL);
          """;

    public const string Insert =
        $"INSERT INTO {ClockTableName} (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = {ClockTableName}.n + 1;\n"
        + $"INSERT INTO {TableName} (commit_seq, holder, pid, mono_ns) VALUES ((SELECT n FROM {ClockTableName} WHERE id = 1), @holder, @pid, @mono);";
}
