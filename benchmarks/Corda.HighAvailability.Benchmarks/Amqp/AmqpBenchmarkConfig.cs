using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace Corda.HighAvailability.Benchmarks.Amqp;

/// <summary>Median, P95 and P99 next to the mean: the goal is stated for the probe's P99.</summary>
internal sealed class AmqpBenchmarkConfig : ManualConfig
{
    public AmqpBenchmarkConfig() => AddColumn(StatisticColumn.P50, StatisticColumn.P95, new PercentileColumn(99));
}
