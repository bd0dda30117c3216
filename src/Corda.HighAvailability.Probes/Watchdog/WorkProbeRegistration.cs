namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>A user's work probe, as registered on <see cref="WatchdogBuilder"/>: its name and how to run it in a scope.</summary>
internal sealed record WorkProbeRegistration(string Name, Func<IServiceProvider, CancellationToken, ValueTask> Run);

/// <summary>The name of a health check registration that publishes the watchdog's verdict, so that it is never watched itself.</summary>
internal sealed record WatchdogVerdictRegistration(string Name);
