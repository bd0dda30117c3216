using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Corda.HighAvailability.Diagnostics;

/// <summary>
/// The shared <see cref="Meter"/> and <see cref="ActivitySource"/> of one service provider. The meter comes
/// from the host's <see cref="IMeterFactory"/> when there is one, so that tests and hosts stay isolated.
/// </summary>
public sealed class CordaHaInstrumentation : IDisposable
{
    private readonly bool _ownsMeter;

    /// <summary>Creates the instrumentation, using <paramref name="meterFactory"/> when the host registered one.</summary>
    /// <param name="meterFactory">The host's meter factory, or <see langword="null"/>.</param>
    public CordaHaInstrumentation(IMeterFactory? meterFactory = null)
    {
        if (meterFactory is null)
        {
            Meter = new Meter(CordaHaDiagnostics.MeterName, ThisAssemblyVersion);
            _ownsMeter = true;
        }
        else
        {
            Meter = meterFactory.Create(CordaHaDiagnostics.MeterName, ThisAssemblyVersion);
        }

        ActivitySource = new ActivitySource(CordaHaDiagnostics.ActivitySourceName, ThisAssemblyVersion);
    }

    /// <summary>The meter that every capability creates its instruments on.</summary>
    public Meter Meter { get; }

    /// <summary>The activity source that every capability starts its activities from.</summary>
    public ActivitySource ActivitySource { get; }

    private static string? ThisAssemblyVersion => typeof(CordaHaInstrumentation).Assembly.GetName().Version?.ToString();

    /// <inheritdoc />
    public void Dispose()
    {
        ActivitySource.Dispose();
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
