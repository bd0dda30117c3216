using Corda.HighAvailability.Checkpoints.Blobs;

namespace Corda.HighAvailability.Checkpoints.Reading.Tables;

/// <summary>
/// A column the verifier reads: its table, its name, and its position in the table's SELECT list. Rows are read with
/// sequential access, so a row reader must read its columns in ascending <see cref="Ordinal"/>.
/// </summary>
internal class TableColumn(string table, string name, int ordinal)
{
    public string Table { get; } = table;

    public string Name { get; } = name;

    public int Ordinal { get; } = ordinal;
}

/// <summary>A blob column: its values are Corda-serialized, and <see cref="Kind"/> says which magic they must start with.</summary>
internal sealed class BlobColumn(string table, string name, int ordinal, BlobKind kind) : TableColumn(table, name, ordinal)
{
    public BlobKind Kind { get; } = kind;
}
