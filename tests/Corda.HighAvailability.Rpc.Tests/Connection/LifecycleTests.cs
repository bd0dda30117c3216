using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Tests.Infrastructure;

namespace Corda.HighAvailability.Rpc.Tests.Connection;

/// <summary>Start is idempotent (one supervising loop however often and from however many threads it is called), and a closed connection never starts again.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task Start_called_from_many_threads_at_once_runs_one_supervising_loop()
    {
        await using var h = new Harness();
        var gate = new TaskCompletionSource();
        h.Transport.ConnectGate = gate.Task;

        using var go = new ManualResetEventSlim();
        var starters = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            go.Wait();
            h.Connection.Start();
        })).ToArray();
        go.Set();
        await Task.WhenAll(starters);
        h.Connection.Start();

        // Every loop would be held at the gate with its own attempt: exactly one is there.
        await Eventually.True(() => !h.Transport.ConnectAttempts.IsEmpty, "the first connect attempt");
        await Task.Delay(100);
        Assert.Single(h.Transport.ConnectAttempts);

        gate.SetResult();
        await h.WaitForStatus(RpcConnectionStatus.Connected);
        Assert.Single(h.Transport.ConnectAttempts);
        Assert.Single(h.Transport.Connections);
    }

    [Fact]
    public async Task A_closed_connection_does_not_start_again()
    {
        var h = new Harness();
        await h.Connection.CloseAsync();
        h.Connection.Start();
        await Task.Delay(100);

        Assert.Empty(h.Transport.ConnectAttempts);
        Assert.Equal(RpcConnectionStatus.Closed, h.Connection.State.Status);
    }
}
