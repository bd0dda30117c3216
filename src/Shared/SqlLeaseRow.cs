using System.Data.Common;
using System.Globalization;
using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Sql;

/// <summary>
/// The lease row as every SQL provider selects it: <c>succeeded, <see cref="Columns"/>, database now</c>. Compiled
/// into each SQL provider package (a linked source file, not public API), so that the column order and the mapping
/// are written once; each provider only says how it stores a time.
/// </summary>
internal static class SqlLeaseRow
{
    /// <summary>The lease columns, in the order the mapper reads them.</summary>
    public const string Columns = "lease_name, holder_id, epoch, revision, acquired_at, renewed_at, expires_at, holder_machine, holder_pid, holder_version, holder_instance";

    /// <summary>The succeeded flag, the eleven columns and the database's clock.</summary>
    public const int FieldCount = 13;

    /// <summary>Maps the current row of <paramref name="reader"/>.</summary>
    /// <param name="reader">Positioned on a row of <c>succeeded, columns..., database now</c>.</param>
    /// <param name="readTime">Reads a time column the way the provider stores it.</param>
    /// <returns>Whether the write applied (a boolean or a row count), and the lease row.</returns>
    public static (bool Succeeded, LeaseRecord Record) Read(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> readTime)
    {
        var holderId = Text(reader, 2);
        var holder = holderId is null
            ? null
            : new LeaseHolder(holderId, Text(reader, 8), reader.IsDBNull(9) ? null : reader.GetInt32(9), Text(reader, 10), Text(reader, 11));
        var record = new LeaseRecord(
            reader.GetString(1),
            holder,
            reader.GetInt64(3),
            reader.IsDBNull(5) ? null : readTime(reader, 5),
            reader.IsDBNull(6) ? null : readTime(reader, 6),
            readTime(reader, 7),
            readTime(reader, 12),
            reader.GetInt64(4));

        // PostgreSQL answers a boolean, SQLite a row count from changes().
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) == 1, record);
    }

    /// <summary>Runs <paramref name="command"/> and maps its first row; <c>(false, null)</c> when it returns none.</summary>
    /// <param name="command">A statement returning <c>succeeded, columns..., database now</c>.</param>
    /// <param name="readTime">Reads a time column the way the provider stores it.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Whether the write applied, and the row.</returns>
    public static async Task<(bool Succeeded, LeaseRecord? Record)> ReadFirstAsync(DbCommand command, Func<DbDataReader, int, DateTimeOffset> readTime, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return (false, null);
            }

            var (succeeded, record) = Read(reader, readTime);
            return (succeeded, record);
        }
    }

    /// <summary>
    /// The end of a fenced transaction's check: when <paramref name="check"/> (the last statement, taking its lock on
    /// the lease row) finds no current grant, the transaction is rolled back and <see cref="LeaseFencedException"/>
    /// thrown, with the row as <paramref name="read"/> sees it when that read succeeds (best effort: the refusal
    /// stands either way).
    /// </summary>
    public static async Task RequireCurrentGrantAsync(DbCommand check, DbCommand read, DbTransaction transaction, LeaseToken token, Func<DbDataReader, int, DateTimeOffset> readTime, CancellationToken cancellationToken)
    {
        if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        LeaseRecord? current = null;
        try
        {
            (_, current) = await ReadFirstAsync(read, readTime, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // Only for the message.
        }

        await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        throw new LeaseFencedException(token, current);
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
