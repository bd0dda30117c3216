using Corda.HighAvailability.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Corda.HighAvailability.LeaseElection.PostgreSql;

internal sealed class PostgreSqlLeaseStoreOptionsValidator : IValidateOptions<PostgreSqlLeaseStoreOptions>
{
    private const string Prefix = nameof(PostgreSqlLeaseStoreOptions) + ".";

    public ValidateOptionsResult Validate(string? name, PostgreSqlLeaseStoreOptions options) => Check(options) is { Count: > 0 } errors
        ? ValidateOptionsResult.Fail(errors)
        : ValidateOptionsResult.Success;

    public static List<string> Check(PostgreSqlLeaseStoreOptions options)
    {
        var errors = new List<string>();
        if (ConnectionStringCheck.Check(options.ConnectionString, Prefix + nameof(options.ConnectionString), "Npgsql", static value => _ = new NpgsqlConnectionStringBuilder(value)) is { } connectionError)
        {
            errors.Add(connectionError);
        }

        AddIdentifierError(errors, options.SchemaName, nameof(options.SchemaName));
        AddIdentifierError(errors, options.TableName, nameof(options.TableName));
        AddIdentifierError(errors, options.NotificationChannel, nameof(options.NotificationChannel));

        if (options.CommandTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{Prefix}{nameof(options.CommandTimeout)} must be at least 1 second (was {options.CommandTimeout}).");
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
