using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Tests.Infrastructure;

/// <summary>
/// One candidate host built through the real DI registration, over a shared in-memory store and fake clock.
/// </summary>
internal sealed class ElectionHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _run;

    public ElectionHarness(InMemoryLeaseStore store, FakeTimeProvider time, string identity, Action<LeaseElectionOptions>? configure = null, params FailoverPolicy[] policies)
        : this(store, (TimeProvider)time, identity, configure, null, policies)
    {
    }

    public ElectionHarness(InMemoryLeaseStore store, TimeProvider time, string identity, Action<LeaseElectionOptions>? configure, Action<LeaseElectionBuilder>? build, params FailoverPolicy[] policies)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        var election = services.AddCordaHa().AddLeaseElection(options =>
        {
            options.Identity = identity;
            options.LeaseDuration = TimeSpan.FromSeconds(15);
            options.RenewDeadline = TimeSpan.FromSeconds(10);
            options.RetryPeriod = TimeSpan.FromSeconds(2);
            configure?.Invoke(options);
        }).UseStore(_ => store);
        build?.Invoke(election);
        foreach (var policy in policies)
        {
            election.AddFailoverPolicy(policy);
        }

        _provider = services.BuildServiceProvider();
        Elector = (LeaseElector)_provider.GetRequiredService<ILeaseElector>();
    }

    public LeaseElector Elector { get; }

    public IServiceProvider Services => _provider;

    public void Start() => _run = Task.Run(() => Elector.RunAsync(_stopping.Token));

    /// <summary>Stops the loop (graceful: the elector releases if configured to).</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        if (_run is not null)
        {
            await _run;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _provider.DisposeAsync();
        _stopping.Dispose();
    }
}
