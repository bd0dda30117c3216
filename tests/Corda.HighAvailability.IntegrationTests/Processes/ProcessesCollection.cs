namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// The process tests run one after another: each starts several .NET processes and some assert on timings, which a
/// 2-core machine cannot keep honest while other process tests compete for it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessesCollection
{
    public const string Name = "Processes";
}
