using Corda.HighAvailability.Data;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Checkpoints.SqlServer;

/// <summary>Refuses unusable options at start-up with messages that name the option and never echo the connection string.</summary>
internal sealed class SqlServerCheckpointOptionsValidator : IValidateOptions<SqlServerCheckpointOptions>
{
    private const string Prefix = nameof(SqlServerCheckpointOptions) + ".";

    public ValidateOptionsResult Validate(string? name, SqlServerCheckpointOptions options) => Check(options) is { Count: > 0 } errors
        ? ValidateOptionsResult.Fail(errors)
        : ValidateOptionsResult.Success;

    public static List<string> Check(SqlServerCheckpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (ConnectionStringCheck.Check(options.ConnectionString, Prefix + nameof(options.ConnectionString), "Microsoft.Data.SqlClient", static value => _ = new SqlConnectionStringBuilder(value)) is { } connectionError)
        {
            errors.Add(connectionError);
        }

        if (SqlIdentifier.Check(options.BinaryCollation, Prefix + nameof(options.BinaryCollation)) is { } collationError)
        {
            errors.Add(collationError);
        }
        else if (!options.BinaryCollation.EndsWith("_BIN2", StringComparison.OrdinalIgnoreCase))
        {
            // Only _BIN2 collations compare NVARCHAR by code point, which is the verifier's ordinal order for flow ids.
            errors.Add($"{Prefix}{nameof(options.BinaryCollation)} '{options.BinaryCollation}' is not a binary code point collation: use one ending in _BIN2, such as {SqlServerCheckpointOptions.DefaultBinaryCollation}.");
        }

        return errors;
    }
}
