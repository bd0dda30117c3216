using Corda.HighAvailability.Data;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.LeaseElection.Sqlite;

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

        else if (DataSourceOf(options.ConnectionString) is { } dataSource && NetworkFileSystem.Detect(dataSource) is { } type)
        {
            errors.Add($"{Prefix}{nameof(options.ConnectionString)} puts the lease database '{dataSource}' on a network file system ({type}). SQLite's locking is unreliable there, so two hosts could both hold the lease: the SQLite store is for candidates on one host; use PostgreSQL (or SQL Server) for several hosts.");
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

    private static string? DataSourceOf(string connectionString)
    {
        try
        {
            return new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
