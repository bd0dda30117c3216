using System.Globalization;
using BenchmarkDotNet.Running;
using Corda.HighAvailability.Benchmarks.Checkpoints;

namespace Corda.HighAvailability.Benchmarks;

/// <summary>
/// Entry point: pass BenchmarkDotNet's own arguments, e.g. <c>--filter '*' --job short</c>; or
/// <c>--interleaved-checkpoints [rounds]</c> for the checkpoint read/verify pairs in one process.
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

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
