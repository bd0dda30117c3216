using System.Globalization;
using BenchmarkDotNet.Running;
using Corda.HighAvailability.Benchmarks.Amqp;
using Corda.HighAvailability.Benchmarks.Checkpoints;
using Corda.HighAvailability.Benchmarks.Rpc;

namespace Corda.HighAvailability.Benchmarks;

/// <summary>
/// Entry point: pass BenchmarkDotNet's own arguments, e.g. <c>--filter '*' --job short</c>; or
/// <c>--interleaved-checkpoints [rounds]</c> for the checkpoint read/verify pairs in one process; or
/// <c>--interleaved-amqp [calls]</c> for per-call latency percentiles of the raw AMQP round trip and the probe.
/// <c>--node-supervisor [rounds] [lease-seconds] [sqlite|postgres]</c> for the node supervisor's takeover figures.
/// <c>--grpc-reconnect [rounds] [default|fast] [outage-ms]</c> for the gRPC transport's reconnection figures.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--interleaved-checkpoints")
        {
            InterleavedCheckpointRun.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5);
            return;
        }

        if (args.Length > 0 && args[0] == "--interleaved-amqp")
        {
            InterleavedAmqpLatencyRun.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000);
            return;
        }

        if (args.Length > 0 && args[0] == "--node-supervisor")
        {
            NodeSupervisorFigures.Run(
                args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5,
                TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 15),
                args.Length > 3 ? args[3] : "sqlite");
            return;
        }

        if (args.Length > 0 && args[0] == "--grpc-reconnect")
        {
            GrpcReconnectFigures.Run(
                args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10,
                args.Length > 2 ? args[2] : "default",
                TimeSpan.FromMilliseconds(args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2000));
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
