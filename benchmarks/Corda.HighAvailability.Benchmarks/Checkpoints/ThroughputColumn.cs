using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Corda.HighAvailability.Benchmarks.Checkpoints;

/// <summary>
/// Flows per second or blob megabytes (10^6 bytes) per second of one checkpoint benchmark, from its mean time and the
/// deterministic size of its data set (the host process rebuilds the same <see cref="CheckpointBenchmarkData"/>).
/// </summary>
internal sealed class ThroughputColumn(bool megabytes) : IColumn
{
    public string Id => nameof(ThroughputColumn) + (megabytes ? "MB" : "Rows");

    public string ColumnName => megabytes ? "Blob MB/s" : "Flows/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => megabytes ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => megabytes
        ? "Blob bytes the benchmark reads (10^6 bytes) per second of its mean"
        : "Flows (one row per table) per second of the mean";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (mean is not > 0 || benchmarkCase.Parameters[nameof(CheckpointVerificationBenchmarks.Flows)] is not int flows)
        {
            return "-";
        }

        var seconds = mean.Value / 1e9;
        if (!megabytes)
        {
            return (flows / seconds).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        }

        var data = CheckpointBenchmarkData.For(flows);
        var bytes = benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(CheckpointVerificationBenchmarks.PlainReadBlobTable)
            ? data.BlobTableBytes
            : data.AllBlobBytes;
        return (bytes / 1e6 / seconds).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
