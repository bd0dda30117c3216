using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Corda.HighAvailability.IntegrationTests.Infrastructure;
using Corda.HighAvailability.LeaseElection.SqlServer;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Data.SqlClient;
using static Corda.HighAvailability.IntegrationTests.SqlServer.SqlServerTestEnvironment;

namespace Corda.HighAvailability.IntegrationTests.SqlServer;

/// <summary>
/// The lease store contract on a real SQL Server or Azure SQL database. SQL Server cannot run on the development
/// machine, so these run only when CORDA_HA_TEST_SQLSERVER holds a connection string, and are reported as skipped,
/// with the reason, otherwise. Each test uses its own schema for the lease table, created here and dropped afterwards.
/// </summary>
public sealed class SqlServerLeaseStoreTests : LeaseStoreContractTests
{
    private readonly string _schema = "corda_ha_test_" + Guid.NewGuid().ToString("N")[..10];

    protected override string OptionsName => nameof(SqlServerLeaseStoreOptions);

    public override async ValueTask InitializeAsync()
    {
        // Before any test of the contract touches a database: each is reported as skipped, with the reason.
        Assert.SkipUnless(IsAvailable, SkipReason);
        await base.InitializeAsync();
        await ExecuteAsync($"CREATE SCHEMA {_schema}");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (IsAvailable)
        {
            await ExecuteAsync($"""
                DECLARE @drop nvarchar(max) = N'';
                SELECT @drop += N'DROP TABLE {_schema}.' + name + N';' FROM sys.tables WHERE schema_id = SCHEMA_ID(N'{_schema}');
                EXEC sp_executesql @drop;
                DROP SCHEMA {_schema};
                IF OBJECT_ID(N'fenced_effect', N'U') IS NOT NULL DROP TABLE fenced_effect;
                """);
        }
    }

    protected override ISqlLeaseStore NewStore(string tableName) => NewStore(options => options.TableName = tableName);

    protected override async Task<DbConnection> OpenConnectionAsync()
    {
        var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync(Ct);
        return new TestSchemaConnection(connection);
    }

    [Fact]
    public async Task A_wait_sees_a_renewal_too_since_the_poll_watches_the_revision()
    {
        var leader = await CreateStoreAsync();
        var standby = await CreateStoreAsync();
        var token = (await leader.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;
        await standby.ReadAsync(LeaseName, Ct);

        var wait = standby.WaitForChangeAsync(LeaseName, TimeSpan.FromSeconds(20), Ct);
        Assert.True((await leader.TryRenewAsync(token, LongLease, Ct)).Succeeded);

        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }

    [Fact]
    public async Task A_fenced_check_waits_for_a_takeover_in_flight_no_longer_than_the_limit()
    {
        var a = await CreateStoreAsync();
        await CreateEffectTableAsync();
        var token = (await a.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;

        // Another session holds an exclusive lock on the lease row (an update not yet committed): the check must
        // give up at the limit, not wait for that session.
        await using var blocker = new SqlConnection(ConnectionString);
        await blocker.OpenAsync(Ct);
        await using var transaction = (SqlTransaction)await blocker.BeginTransactionAsync(Ct);
        await using (var command = blocker.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"UPDATE {_schema}.corda_ha_lease SET revision = revision WHERE lease_name = @name";
            command.Parameters.AddWithValue("@name", LeaseName);
            await command.ExecuteNonQueryAsync(Ct);
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<LeaseElection.Fencing.FencedWriteTimeoutException>(() => a.ExecuteFencedAsync(
            token,
            TimeSpan.FromSeconds(1),
            async (fenced, ct) =>
            {
                await using var command = fenced.CreateCommand();
                command.CommandText = "INSERT INTO fenced_effect (id) VALUES ('blocked')";
                return await command.ExecuteNonQueryAsync(ct);
            },
            Ct));

        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), $"the check waited {waited.Elapsed}");
        await transaction.RollbackAsync(Ct);
        Assert.Equal(0, await CountEffectAsync("blocked"));
    }

    private SqlServerLeaseStore NewStore(Action<SqlServerLeaseStoreOptions> configure)
    {
        var options = new SqlServerLeaseStoreOptions { ConnectionString = ConnectionString ?? "Server=127.0.0.1,1", SchemaName = _schema };
        configure(options);
        return new SqlServerLeaseStore(options);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>
    /// A plain connection for the contract's own checks. The contract creates its marker table in PostgreSQL and
    /// SQLite syntax (<c>CREATE TABLE IF NOT EXISTS</c>); this rewrites that one statement for T-SQL and passes
    /// everything else through unchanged. The marker table is unqualified (the fenced writes name it so), so it
    /// lives in the login's default schema and is dropped after each test.
    /// </summary>
    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Test code.")]
    private sealed class TestSchemaConnection(SqlConnection inner) : DbConnection
    {
        [AllowNull]
        public override string ConnectionString { get => inner.ConnectionString; set => inner.ConnectionString = value; }

        public override string Database => inner.Database;

        public override string DataSource => inner.DataSource;

        public override string ServerVersion => inner.ServerVersion;

        public override ConnectionState State => inner.State;

        public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);

        public override void Close() => inner.Close();

        public override void Open() => inner.Open();

        public override ValueTask DisposeAsync() => inner.DisposeAsync();

        protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);

        protected override DbCommand CreateDbCommand() => new TranslatingCommand(inner.CreateCommand());

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Test code.")]
    private sealed class TranslatingCommand(SqlCommand inner) : DbCommand
    {
        [AllowNull]
        public override string CommandText
        {
            get => inner.CommandText;
            set => inner.CommandText = Translate(value ?? string.Empty);
        }

        public override int CommandTimeout { get => inner.CommandTimeout; set => inner.CommandTimeout = value; }

        public override CommandType CommandType { get => inner.CommandType; set => inner.CommandType = value; }

        public override bool DesignTimeVisible { get => inner.DesignTimeVisible; set => inner.DesignTimeVisible = value; }

        public override UpdateRowSource UpdatedRowSource { get => inner.UpdatedRowSource; set => inner.UpdatedRowSource = value; }

        protected override DbConnection? DbConnection { get => inner.Connection; set => inner.Connection = (SqlConnection?)value; }

        protected override DbParameterCollection DbParameterCollection => inner.Parameters;

        protected override DbTransaction? DbTransaction { get => inner.Transaction; set => inner.Transaction = (SqlTransaction?)value; }

        public override void Cancel() => inner.Cancel();

        public override int ExecuteNonQuery() => inner.ExecuteNonQuery();

        public override object? ExecuteScalar() => inner.ExecuteScalar();

        public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken) => inner.ExecuteNonQueryAsync(cancellationToken);

        public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken) => inner.ExecuteScalarAsync(cancellationToken);

        public override void Prepare() => inner.Prepare();

        public override ValueTask DisposeAsync() => inner.DisposeAsync();

        protected override DbParameter CreateDbParameter() => inner.CreateParameter();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => inner.ExecuteReader(behavior);

        protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) =>
            inner.ExecuteReaderAsync(behavior, cancellationToken).ContinueWith(t => (DbDataReader)t.Result, cancellationToken, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private string Translate(string sql) => sql
            .Replace(
                "CREATE TABLE IF NOT EXISTS fenced_effect (id VARCHAR(100) NOT NULL PRIMARY KEY)",
                "IF OBJECT_ID(N'fenced_effect', N'U') IS NULL CREATE TABLE fenced_effect (id VARCHAR(100) NOT NULL PRIMARY KEY)",
                StringComparison.Ordinal);
    }
}
