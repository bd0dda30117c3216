using Corda.HighAvailability.Data;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.LeaseElection.SqlServer;

/// <summary>Refuses unusable options at start-up with messages that name the option and never echo the connection string.</summary>
internal sealed class SqlServerLeaseStoreOptionsValidator : IValidateOptions<SqlServerLeaseStoreOptions>
{
    private const string Prefix = nameof(SqlServerLeaseStoreOptions) + ".";

    public ValidateOptionsResult Validate(string? name, SqlServerLeaseStoreOptions options) => Check(options) is { Count: > 0 } errors
        ? ValidateOptionsResult.Fail(errors)
        : ValidateOptionsResult.Success;

    public static List<string> Check(SqlServerLeaseStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (ConnectionStringCheck.Check(options.ConnectionString, Prefix + nameof(options.ConnectionString), "Microsoft.Data.SqlClient", static value => _ = new SqlConnectionStringBuilder(value)) is { } connectionError)
        {
            errors.Add(connectionError);
        }

        AddIdentifierError(errors, options.SchemaName, nameof(options.SchemaName));
        AddIdentifierError(errors, options.TableName, nameof(options.TableName));

        if (options.CommandTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{Prefix}{nameof(options.CommandTimeout)} must be at least 1 second (was {options.CommandTimeout}).");
        }

        if (options.ChangePollInterval < TimeSpan.FromMilliseconds(10) || options.ChangePollInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Prefix}{nameof(options.ChangePollInterval)} must be between 10 ms and 1 minute (was {options.ChangePollInterval}).");
        }

        if (options.TransientRetryCount is < 0 or > 10)
        {
            errors.Add($"{Prefix}{nameof(options.TransientRetryCount)} must be between 0 and 10 (was {options.TransientRetryCount}).");
        }

        return errors;
    }

    private static void AddIdentifierError(List<string> errors, string? value, string option)
    {
        if (SqlIdentifier.Check(value, Prefix + option) is { } error)
        {
            errors.Add(error);
        }
    }
}
