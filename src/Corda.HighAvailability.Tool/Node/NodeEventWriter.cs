using System.Text;
using System.Text.Json;
using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Supervision;
using Microsoft.Extensions.Hosting;

namespace Corda.HighAvailability.Tool.Node;

/// <summary>
/// With <c>--events</c>: one JSON object per line on stdout for each leadership and node change, stamped with the
/// monotonic clock (CLOCK_MONOTONIC, shared by the host's processes), for tests and the figures harness.
/// </summary>
internal sealed class NodeEventWriter(ILeaseElector elector, INodeSupervisor supervisor) : IHostedService
{
    private readonly object _sync = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        elector.StartedLeading += (_, e) => Write("leading", e.Token.Epoch, null, null, null, Now());
        elector.StoppedLeading += (_, e) => Write("stopped-leading", e.Token.Epoch, null, null, e.Kind.ToString(), Now());
        elector.NewLeaderObserved += (_, e) => Write("observed", e.Lease.Epoch, null, null, e.Lease.Holder?.Id, Now());
        supervisor.ProcessStarted += (_, e) => Write("node-started", e.Epoch, e.ProcessId, null, null, e.MonotonicNanoseconds);
        supervisor.ProcessReady += (_, e) => Write("node-ready", e.Epoch, e.ProcessId, null, null, e.MonotonicNanoseconds);
        supervisor.ProcessExited += (_, e) => Write("node-exited", e.Epoch, e.ProcessId, e.ExitCode, e.Reason, e.MonotonicNanoseconds);
        supervisor.PreStartGateWarned += (_, e) => Write("gate-warning", e.Epoch, null, null, e.Reason, Now());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static long Now() => Cli.MonotonicClock.NowNanoseconds();

    private void Write(string name, long epoch, int? pid, int? code, string? reason, long ns)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event", name);
            writer.WriteNumber("epoch", epoch);
            writer.WriteNumber("t", ns);
            if (pid is { } p)
            {
                writer.WriteNumber("pid", p);
            }

            if (code is { } c)
            {
                writer.WriteNumber("code", c);
            }

            if (reason is not null)
            {
                writer.WriteString("reason", reason);
            }

            writer.WriteEndObject();
        }

        lock (_sync)
        {
            Console.Out.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
            Console.Out.Flush();
        }
    }
}
