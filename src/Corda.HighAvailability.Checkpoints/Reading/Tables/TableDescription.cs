using System.Data.Common;
using Corda.HighAvailability.Checkpoints.Reading.Rows;

namespace Corda.HighAvailability.Checkpoints.Reading.Tables;

/// <summary>
/// One Corda table as the verifier reads it: its columns, each named once, in SELECT order (the first is the key the
/// tables are merged on). The SELECT list, the ordinals rows are read by and the columns the schema detector requires
/// all come from here, so that they cannot drift apart.
/// </summary>
internal abstract class TableDescription
{
    private readonly List<TableColumn> _columns = [];

    protected TableDescription(string table, string key)
    {
        Table = table;
        Key = Column(key);
    }

    public string Table { get; }

    /// <summary>The flow id column (<c>flow_id</c>, or <c>checkpoint_id</c> before Corda 4.6): rows are ordered and merged by it.</summary>
    public TableColumn Key { get; }

    public IReadOnlyList<TableColumn> Columns => _columns;

    /// <summary>The column names in order, for a SELECT list.</summary>
    public string SelectList => string.Join(", ", _columns.Select(c => c.Name));

    /// <summary>Appends a column; call in SELECT order.</summary>
    protected TableColumn Column(string name) => Add(new TableColumn(Table, name, _columns.Count));

    /// <summary>Appends a blob column; call in SELECT order.</summary>
    protected BlobColumn Blob(string name, Blobs.BlobKind kind) => Add(new BlobColumn(Table, name, _columns.Count, kind));

    private T Add<T>(T column)
        where T : TableColumn
    {
        _columns.Add(column);
        return column;
    }
}

/// <summary>A table description that also reads its rows into <typeparamref name="TRow"/>.</summary>
internal abstract class TableDescription<TRow>(string table, string key) : TableDescription(table, key)
    where TRow : FlowRow
{
    /// <summary>Reads the reader's current row, column by column in SELECT order (sequential access).</summary>
    public abstract ValueTask<TRow> ReadRowAsync(DbDataReader reader, BlobColumnReader blobs, CancellationToken cancellationToken);

    protected string ReadKey(DbDataReader reader) => reader.GetString(Key.Ordinal);
}
