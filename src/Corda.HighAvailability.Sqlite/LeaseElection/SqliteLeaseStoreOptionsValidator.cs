using Corda.HighAvailability.Data;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Sqlite.LeaseElection;

internal sealed class SqliteLeaseStoreOptionsValidator : IValidateOptions<SqliteLeaseStoreOptions>
{
    private const string Prefix = nameof(SqliteLeaseStoreOptions) + ".";

    public ValidateOptionsResult Validate(string? name, SqliteLeaseStoreOptions options) => Check(options) is { Count: > 0 } errors
        ? ValidateOptionsResult.Fail(errors)
        : ValidateOptionsResult.Success;

    public static List<string> Check(SqliteLeaseStoreOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"{Prefix}{nameof(options.ConnectionString)} is required.");
        }

        if (SqlIdentifier.Check(options.TableName, Prefix + nameof(options.TableName)) is { } tableError)
        {
            errors.Add(tableError);
        }

        if (options.CommandTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{Prefix}{nameof(options.CommandTimeout)} must be at least 1 second (was {options.CommandTimeout}).");
        }

        if (options.ChangePollInterval <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{nameof(options.ChangePollInterval)} must be positive (was {options.ChangePollInterval}).");
        }

        return errors;
    }
}
