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
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"{Prefix}{nameof(options.ConnectionString)} is required.");
        }
        else if (!IsParseable(options.ConnectionString))
        {
            // Neither the value nor the parser's message is echoed: either may contain the password.
            errors.Add($"{Prefix}{nameof(options.ConnectionString)} is not a valid Npgsql connection string.");
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

    private static bool IsParseable(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (InvalidCastException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
