using BenchmarkDotNet.Configs;

namespace Corda.HighAvailability.Benchmarks.Checkpoints;

/// <summary>Adds the flows/s and MB/s columns to the checkpoint benchmarks' summary.</summary>
internal sealed class CheckpointBenchmarkConfig : ManualConfig
{
    public CheckpointBenchmarkConfig() => AddColumn(new ThroughputColumn(megabytes: false), new ThroughputColumn(megabytes: true));
}
