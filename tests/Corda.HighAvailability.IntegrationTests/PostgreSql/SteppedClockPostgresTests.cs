using Corda.HighAvailability.IntegrationTests.Infrastructure;
using Npgsql;

namespace Corda.HighAvailability.IntegrationTests.PostgreSql;

/// <summary>
/// The stepped-clock fixture itself: a clock-step test that passes proves nothing unless the step really reached the
/// server's clock, in backends that were already open as well as in new ones.
/// </summary>
public sealed class SteppedClockPostgresTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>Timestamps are microseconds in PostgreSQL and 100 ns in .NET; truncation must not fail a bound.</summary>
    private static readonly TimeSpan Rounding = TimeSpan.FromMilliseconds(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_step_moves_the_clock_of_an_open_backend_and_of_a_new_one()
    {
        await using var server = await SteppedClockPostgres.StartAsync();

        // No pooling: the second connection must be a new backend, not the first one handed back.
        var unpooled = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ToString();
        await using var open = new NpgsqlConnection(unpooled);
        await open.OpenAsync(Ct);
        var openPid = await ScalarAsync<int>(open, "SELECT pg_backend_pid()");

        var realBefore = DateTime.UtcNow;
        var before = await ScalarAsync<DateTime>(open, "SELECT clock_timestamp()");
        Assert.True((before - realBefore).Duration() < TimeSpan.FromSeconds(1), $"before any step the server's clock should be real: {before:O} vs {realBefore:O}");

        await server.StepForwardAsync(Step);
        Assert.Equal(Step, server.Offset);

        var after = await ScalarAsync<DateTime>(open, "SELECT clock_timestamp()");
        Assert.True(after - before >= Step, $"the open backend's clock moved by {after - before}, less than the {Step} step");
        Assert.True(after - before < TimeSpan.FromSeconds(12), $"the open backend's clock moved by {after - before}, far more than the {Step} step");

        var realStart = DateTime.UtcNow;
        await using var fresh = new NpgsqlConnection(unpooled);
        await fresh.OpenAsync(Ct);
        Assert.NotEqual(openPid, await ScalarAsync<int>(fresh, "SELECT pg_backend_pid()"));
        await using var command = new NpgsqlCommand("SELECT clock_timestamp(), now()", fresh);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        var clock = reader.GetDateTime(0);
        var now = reader.GetDateTime(1);
        var realEnd = DateTime.UtcNow;

        foreach (var (name, value) in new[] { ("clock_timestamp()", clock), ("now()", now) })
        {
            Assert.True(value >= realStart + Step - Rounding, $"a new backend's {name} {value:O} is not {Step} ahead of the real {realStart:O}");
            Assert.True(value <= realEnd + Step + Rounding, $"a new backend's {name} {value:O} is more than {Step} ahead of the real {realEnd:O}");
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
