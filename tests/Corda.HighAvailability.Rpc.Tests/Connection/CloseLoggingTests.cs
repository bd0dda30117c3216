using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Corda.HighAvailability.Rpc.Tests.Connection;

/// <summary>Closing is logged by cause: the application's own close is routine, a connection that gave up is an error.</summary>
public sealed class CloseLoggingTests
{
    [Fact]
    public async Task A_close_the_application_asked_for_is_information_not_an_error()
    {
        var logger = new FakeLogger();
        var h = new Harness(logger: logger);
        await h.Connection.ConnectAsync();
        await h.DisposeAsync();

        var closed = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id is 4005 or 4009);
        Assert.Equal((4009, LogLevel.Information), (closed.Id.Id, closed.Level));
        Assert.Contains("closed by the application", closed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_whose_policy_gave_up_is_logged_as_an_error_with_the_reason()
    {
        var logger = new FakeLogger();
        await using var h = new Harness(o => o.ReconnectPolicy = new FixedDelaysRetryPolicy([TimeSpan.Zero]), logger: logger);
        await h.Connection.ConnectAsync();
        h.Transport.SetDown("a");
        h.Transport.SetDown("b");
        h.Transport.Current!.Drop();
        await h.Time.AdvanceUntil(() => h.Connection.State.Status == RpcConnectionStatus.Closed, TimeSpan.FromSeconds(1), "gave up");

        var closed = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id is 4005 or 4009);
        Assert.Equal((4005, LogLevel.Error), (closed.Id.Id, closed.Level));
        Assert.Contains("gave up", closed.Message, StringComparison.Ordinal);
    }
}
