namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>
/// A piece of real work the watchdog runs and times on every period, for example starting a no-op flow through RPC.
/// It succeeds by returning; any exception, and not returning within <see cref="WatchdogOptions.ProbeTimeout"/>,
/// count as a failure. Register one with <see cref="WatchdogBuilder.AddWorkProbe{TProbe}(string)"/>; it is resolved
/// from a new service scope on each run, so it may depend on scoped services.
/// </summary>
public interface IWorkProbe
{
    /// <summary>Does the work once.</summary>
    /// <param name="cancellationToken">Cancelled at <see cref="WatchdogOptions.ProbeTimeout"/> or when the host stops.</param>
    /// <returns>A task that completes when the work is done.</returns>
    ValueTask ProbeAsync(CancellationToken cancellationToken);
}
