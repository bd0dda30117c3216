using Corda.HighAvailability.LeaseElection.SqlServer;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Data.SqlClient;

namespace Corda.HighAvailability.IntegrationTests.SqlServer;

/// <summary>
/// The transient-error classifier and the retry decisions of the SQL Server lease store, on real SqlException
/// instances (no server needed), and the rules that let a retried acquire or release recognise its own first attempt.
/// </summary>
public sealed class SqlServerTransientErrorTests
{
    [Theory]
    [InlineData(40613)]
    [InlineData(40197)]
    [InlineData(40501)]
    [InlineData(49918)]
    [InlineData(4060)]
    [InlineData(10928)]
    [InlineData(10929)]
    [InlineData(1205)]
    public void Azure_sql_failover_throttling_and_deadlock_errors_are_transient(int number)
    {
        var exception = SqlExceptionFactory.Create(number);

        Assert.Equal(number, exception.Number);
        Assert.True(SqlServerTransientErrors.IsTransient(exception));
    }

    [Theory]
    [InlineData(208)]
    [InlineData(2627)]
    [InlineData(1222)]
    [InlineData(18456)]
    [InlineData(547)]
    public void Missing_objects_key_violations_lock_timeouts_and_login_failures_are_not(int number) =>
        Assert.False(SqlServerTransientErrors.IsTransient(SqlExceptionFactory.Create(number)));

    [Fact]
    public void A_transient_error_anywhere_in_the_collection_counts()
    {
        var exception = SqlExceptionFactory.Create(3621, 1205);

        Assert.Equal(3621, exception.Number);
        Assert.True(SqlServerTransientErrors.IsTransient(exception));
    }

    [Theory]
    [InlineData(nameof(SqlServerLeaseOperation.Read))]
    [InlineData(nameof(SqlServerLeaseOperation.EnsureSchema))]
    [InlineData(nameof(SqlServerLeaseOperation.Acquire))]
    [InlineData(nameof(SqlServerLeaseOperation.Renew))]
    [InlineData(nameof(SqlServerLeaseOperation.Release))]
    public void Reads_and_the_single_compare_and_set_writes_are_retried_on_a_transient_error(string name)
    {
        var operation = Enum.Parse<SqlServerLeaseOperation>(name);
        var failover = SqlExceptionFactory.Create(40613);

        Assert.True(SqlServerTransientErrors.ShouldRetry(operation, failover, attempt: 1, retryCount: 2));
        Assert.True(SqlServerTransientErrors.ShouldRetry(operation, failover, attempt: 2, retryCount: 2));
        Assert.False(SqlServerTransientErrors.ShouldRetry(operation, failover, attempt: 3, retryCount: 2));
        Assert.False(SqlServerTransientErrors.ShouldRetry(operation, failover, attempt: 1, retryCount: 0));
        Assert.False(SqlServerTransientErrors.ShouldRetry(operation, SqlExceptionFactory.Create(208), attempt: 1, retryCount: 2));
        Assert.False(SqlServerTransientErrors.ShouldRetry(operation, new TimeoutException(), attempt: 1, retryCount: 2));
    }

    [Theory]
    [InlineData(nameof(SqlServerLeaseOperation.FencedTransaction))]
    [InlineData(nameof(SqlServerLeaseOperation.ForceRelease))]
    public void A_fenced_transaction_and_a_forced_release_are_never_retried(string name)
    {
        var operation = Enum.Parse<SqlServerLeaseOperation>(name);
        Assert.False(SqlServerTransientErrors.ShouldRetry(operation, SqlExceptionFactory.Create(40613), attempt: 1, retryCount: 10));
        Assert.False(SqlServerTransientErrors.ShouldRetry(operation, SqlExceptionFactory.Create(1205), attempt: 1, retryCount: 10));
    }

    [Fact]
    public void Backoff_doubles_from_100_ms_up_to_one_second()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), SqlServerTransientErrors.Backoff(1));
        Assert.Equal(TimeSpan.FromMilliseconds(200), SqlServerTransientErrors.Backoff(2));
        Assert.Equal(TimeSpan.FromMilliseconds(400), SqlServerTransientErrors.Backoff(3));
        Assert.Equal(TimeSpan.FromSeconds(1), SqlServerTransientErrors.Backoff(10));
    }

    [Fact]
    public void Error_208_is_the_missing_table()
    {
        Assert.True(SqlServerLeaseStore.IsMissingTable(SqlExceptionFactory.Create(208)));
        Assert.False(SqlServerLeaseStore.IsMissingTable(SqlExceptionFactory.Create(207)));
    }

    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly LeaseHolder Me = new("node-1", "m1", 1, "1.0", "instance-1");

    private static LeaseRecord Row(string? holder, string? instance, long epoch, long revision, bool renewed = false) => new(
        "lease",
        holder is null ? null : new LeaseHolder(holder, "m", 1, "1.0", instance),
        epoch,
        T0,
        renewed ? T0.AddSeconds(2) : T0,
        T0.AddSeconds(15),
        T0.AddSeconds(3),
        revision);

    [Fact]
    public void A_retried_acquire_recognises_the_fresh_grant_its_first_attempt_wrote()
    {
        // Expected revision 7: the first attempt moved it to 8 and gave this instance a new epoch.
        Assert.True(SqlServerLeaseStore.IsGrantOfEarlierAttempt(Row("node-1", "instance-1", 4, 8), Me, 7));

        // A free lease (no expected revision): a fresh grant carrying this instance id can only be its own.
        Assert.True(SqlServerLeaseStore.IsGrantOfEarlierAttempt(Row("node-1", "instance-1", 1, 1), Me, null));
    }

    [Fact]
    public void A_retried_acquire_never_claims_a_grant_it_cannot_prove_is_its_first_attempt()
    {
        // Another candidate won.
        Assert.False(SqlServerLeaseStore.IsGrantOfEarlierAttempt(Row("node-2", "instance-9", 4, 8), Me, 7));

        // A twin with the same identity (another instance id) won: never inherited.
        Assert.False(SqlServerLeaseStore.IsGrantOfEarlierAttempt(Row("node-1", "instance-2", 4, 8), Me, 7));

        // Without an instance id a twin cannot be told apart.
        Assert.False(SqlServerLeaseStore.IsGrantOfEarlierAttempt(Row("node-1", null, 4, 8), new LeaseHolder("node-1"), 7));

        // An older grant of this elector that was renewed since: written before this call started.
        Assert.False(SqlServerLeaseStore.IsGrantOfEarlierAttempt(Row("node-1", "instance-1", 3, 8, renewed: true), Me, 7));

        // Written, then moved on by someone else's write: not the revision the first attempt would have left.
        Assert.False(SqlServerLeaseStore.IsGrantOfEarlierAttempt(Row("node-1", "instance-1", 4, 9), Me, 7));

        // Released, or no row at all.
        Assert.False(SqlServerLeaseStore.IsGrantOfEarlierAttempt(Row(null, null, 4, 8), Me, 7));
        Assert.False(SqlServerLeaseStore.IsGrantOfEarlierAttempt(null, Me, 7));
    }

    [Fact]
    public void A_retried_release_counts_as_done_only_when_the_row_was_vacated_under_its_own_epoch()
    {
        var token = new LeaseToken("lease", "node-1", 4);

        Assert.True(SqlServerLeaseStore.IsReleaseOfEarlierAttempt(Row(null, null, 4, 9), token));
        Assert.False(SqlServerLeaseStore.IsReleaseOfEarlierAttempt(Row(null, null, 5, 9), token));
        Assert.False(SqlServerLeaseStore.IsReleaseOfEarlierAttempt(Row("node-2", "i", 5, 9), token));
        Assert.False(SqlServerLeaseStore.IsReleaseOfEarlierAttempt(null, token));
    }

    [Fact]
    public void The_factory_builds_real_sql_exceptions()
    {
        var exception = SqlExceptionFactory.Create(40613);

        Assert.IsType<SqlException>(exception);
        Assert.Equal(40613, Assert.Single(exception.Errors.Cast<SqlError>()).Number);
    }
}
