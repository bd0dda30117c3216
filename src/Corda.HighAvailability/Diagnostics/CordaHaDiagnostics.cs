namespace Corda.HighAvailability.Diagnostics;

/// <summary>
/// Names under which Corda.HighAvailability publishes telemetry. Subscribe to them with
/// OpenTelemetry (<c>AddMeter(CordaHaDiagnostics.MeterName)</c>, <c>AddSource(CordaHaDiagnostics.ActivitySourceName)</c>).
/// </summary>
public static class CordaHaDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> every capability reports to.</summary>
    public const string MeterName = "Corda.HighAvailability";

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> every capability traces to.</summary>
    public const string ActivitySourceName = "Corda.HighAvailability";
}
