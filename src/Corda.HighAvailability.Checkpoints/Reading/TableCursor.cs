using System.Data;
using System.Data.Common;
using Corda.HighAvailability.Checkpoints.Reading.Rows;
using Corda.HighAvailability.Checkpoints.Reading.Tables;

namespace Corda.HighAvailability.Checkpoints.Reading;

/// <summary>
/// One table streamed in flow id order on its own connection, one row at a time (the merge needs all tables open
/// at once, and most drivers allow one active reader per connection). Refuses rows out of ordinal order, because the
/// merge join would silently pair the wrong rows.
/// </summary>
internal sealed class TableCursor<TRow> : IAsyncDisposable
    where TRow : FlowRow
{
    private readonly TableDescription<TRow> _description;
    private readonly BlobColumnReader _blobs;
    private readonly DbConnection _connection;
    private readonly DbCommand _command;
    private readonly DbDataReader _reader;
    private string? _previousKey;

    private TableCursor(TableDescription<TRow> description, BlobColumnReader blobs, DbConnection connection, DbCommand command, DbDataReader reader)
    {
        _description = description;
        _blobs = blobs;
        _connection = connection;
        _command = command;
        _reader = reader;
    }

    public string Table => _description.Table;

    /// <summary>The current row, or <see langword="null"/> after the last one.</summary>
    public TRow? Current { get; private set; }

    /// <summary>The current row's flow id, or <see langword="null"/> after the last one.</summary>
    public string? CurrentKey => Current?.FlowId;

    public long RowsRead { get; private set; }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Statements come from CheckpointSql: validated identifiers and constants, no values.")]
    public static async Task<TableCursor<TRow>> OpenAsync(
        CheckpointDatabase database,
        CheckpointSql sql,
        TableDescription<TRow> description,
        BlobColumnReader blobs,
        CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        DbCommand? command = null;
        try
        {
            command = connection.CreateCommand();
            command.CommandText = sql.Select(description);

            // A full scan of a large table may take long; the caller's cancellation token bounds it instead.
            command.CommandTimeout = 0;
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            return new TableCursor<TRow>(description, blobs, connection, command, reader);
        }
        catch
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Moves to the next row; false at the end.</summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        Current = null;
        if (!await _reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var row = await _description.ReadRowAsync(_reader, _blobs, cancellationToken).ConfigureAwait(false);
        if (_previousKey is not null && string.CompareOrdinal(_previousKey, row.FlowId) > 0)
        {
            row.Dispose();
            throw new InvalidOperationException(
                $"{Table} rows do not come in ordinal flow id order ('{_previousKey}' before '{row.FlowId}'): the provider's OrderByBinary must sort by binary comparison.");
        }

        _previousKey = row.FlowId;
        Current = row;
        RowsRead++;
        return true;
    }

    /// <summary>
    /// Takes the current row when its key is <paramref name="key"/>, and moves on. Rows repeating the key (impossible
    /// under Corda's unique indexes) are dropped and counted in <paramref name="duplicates"/>.
    /// </summary>
    public async ValueTask<TRow?> TakeAsync(string key, Action<string> duplicates, CancellationToken cancellationToken)
    {
        if (Current is not { } row || !string.Equals(row.FlowId, key, StringComparison.Ordinal))
        {
            return null;
        }

        while (await MoveNextAsync(cancellationToken).ConfigureAwait(false) && string.Equals(Current!.FlowId, key, StringComparison.Ordinal))
        {
            duplicates(Table);
            Current.Dispose();
        }

        return row;
    }

    public async ValueTask DisposeAsync()
    {
        Current?.Dispose();
        Current = null;
        await _reader.DisposeAsync().ConfigureAwait(false);
        await _command.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
