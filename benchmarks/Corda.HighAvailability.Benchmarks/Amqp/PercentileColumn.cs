using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Corda.HighAvailability.Benchmarks.Amqp;

/// <summary>A percentile of the measured iterations in µs (BenchmarkDotNet's own columns stop at P95 and P100).</summary>
internal sealed class PercentileColumn(int percentile) : IColumn
{
    public string Id => "Percentile" + percentile.ToString(CultureInfo.InvariantCulture);

    public string ColumnName => "P" + percentile.ToString(CultureInfo.InvariantCulture) + " [us]";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 100 + percentile;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"{percentile}th percentile of the measured iterations, in microseconds";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.ResultStatistics is { } statistics
            ? (statistics.Percentiles.Percentile(percentile) / 1000).ToString("N1", CultureInfo.InvariantCulture)
            : "-";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
