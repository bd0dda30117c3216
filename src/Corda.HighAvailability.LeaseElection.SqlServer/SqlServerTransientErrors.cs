using Microsoft.Data.SqlClient;

namespace Corda.HighAvailability.LeaseElection.SqlServer;

/// <summary>What a store operation is, for the retry decision: only some are safe to send twice.</summary>
internal enum SqlServerLeaseOperation
{
    /// <summary>A read of the row (or of its revision): no effect, always safe.</summary>
    Read,

    /// <summary>Creating the table: <c>IF OBJECT_ID(...) IS NULL CREATE TABLE</c> under an app lock, idempotent.</summary>
    EnsureSchema,

    /// <summary>One compare-and-set on the revision (see <see cref="SqlServerLeaseStore"/> for the retried case).</summary>
    Acquire,

    /// <summary>One update on holder and epoch: a second application moves the revision again, nothing else.</summary>
    Renew,

    /// <summary>One update on holder and epoch: a second application finds the grant gone and changes nothing.</summary>
    Release,

    /// <summary>Never retried: a second application would release a grant taken between the two.</summary>
    ForceRelease,

    /// <summary>Never retried: the work and its commit belong to the caller, and a commit may have applied.</summary>
    FencedTransaction,
}

/// <summary>
/// Classifies SQL Server and Azure SQL errors that mean "try again" rather than "this is wrong", and decides
/// whether an operation that failed with one may be sent again.
/// </summary>
internal static class SqlServerTransientErrors
{
    /// <summary>The error numbers treated as transient.</summary>
    /// <remarks>
    /// 40613 database unavailable (Azure SQL reconfiguration or failover), 40197 service error processing the
    /// request (failover), 40501 service busy (throttling), 49918 not enough resources to process the request,
    /// 4060 cannot open database (during failover), 10928 and 10929 resource (worker or session) limits, and 1205
    /// deadlock victim (the server rolled the victim's transaction back, so nothing applied).
    /// </remarks>
    public static readonly IReadOnlySet<int> Numbers = new HashSet<int> { 40613, 40197, 40501, 49918, 4060, 10928, 10929, 1205 };

    /// <summary>Whether any error carried by <paramref name="exception"/> is transient.</summary>
    public static bool IsTransient(SqlException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        foreach (SqlError error in exception.Errors)
        {
            if (Numbers.Contains(error.Number))
            {
                return true;
            }
        }

        return Numbers.Contains(exception.Number);
    }

    /// <summary>
    /// Whether <paramref name="operation"/>, which failed with <paramref name="exception"/> on attempt
    /// <paramref name="attempt"/> (1 for the first), may be sent again within <paramref name="retryCount"/> retries.
    /// </summary>
    public static bool ShouldRetry(SqlServerLeaseOperation operation, Exception exception, int attempt, int retryCount) =>
        attempt <= retryCount
        && IsRetriable(operation)
        && exception is SqlException sql
        && IsTransient(sql);

    /// <summary>
    /// Reads are safe to send again. Acquire, renew and release are safe only because each is ONE atomic
    /// compare-and-set on the server: it applied entirely or not at all, and applying it again either changes
    /// nothing or does what the first would have done. Forced releases and fenced transactions are never sent
    /// again (see <see cref="SqlServerLeaseOperation"/>).
    /// </summary>
    public static bool IsRetriable(SqlServerLeaseOperation operation) => operation is not (SqlServerLeaseOperation.ForceRelease or SqlServerLeaseOperation.FencedTransaction);

    /// <summary>The wait before retry <paramref name="attempt"/>: 100 ms, then 200 ms, then 400 ms, at most 1 s.</summary>
    public static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(1000, 100 * (1 << Math.Clamp(attempt - 1, 0, 4))));
}
