using System.Globalization;
using Corda.HighAvailability.Probes.Internal;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>
/// Refuses unusable <see cref="WatchdogOptions"/> at start-up with messages that name the option: bounds, thresholds
/// out of order, and probes that do not exist or clash.
/// </summary>
internal sealed class WatchdogOptionsValidator(
    IOptions<HealthCheckServiceOptions> healthChecks,
    IEnumerable<WorkProbeRegistration> workProbes,
    IEnumerable<WatchdogVerdictRegistration> verdicts) : IValidateOptions<WatchdogOptions>
{
    private const string Prefix = nameof(WatchdogOptions) + ".";

    /// <summary>The longest period accepted: a watchdog that looks less often than this watches nothing.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, WatchdogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        CheckTimings(errors, options);
        CheckThresholds(errors, options);
        CheckProbes(errors, options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckTimings(List<string> errors, WatchdogOptions options)
    {
        if (options.Period <= TimeSpan.Zero || options.Period > MaxPeriod)
        {
            errors.Add($"{Prefix}{nameof(options.Period)} must be positive and at most {MaxPeriod} (was {options.Period}).");
        }

        if (options.ProbeTimeout <= TimeSpan.Zero || options.ProbeTimeout > options.Period)
        {
            errors.Add($"{Prefix}{nameof(options.ProbeTimeout)} must be positive and at most {nameof(options.Period)} ({options.Period}) (was {options.ProbeTimeout}).");
        }

        if (options.WindowSize is < 1 or > WatchdogOptions.MaxWindowSize)
        {
            errors.Add($"{Prefix}{nameof(options.WindowSize)} must be 1-{WatchdogOptions.MaxWindowSize} (was {options.WindowSize}).");
        }

        if (options.WindowDuration < options.Period)
        {
            errors.Add($"{Prefix}{nameof(options.WindowDuration)} must be at least {nameof(options.Period)} ({options.Period}) (was {options.WindowDuration}).");
        }

        if (options.MinimumSamples < 1 || options.MinimumSamples > Math.Max(1, options.WindowSize))
        {
            errors.Add($"{Prefix}{nameof(options.MinimumSamples)} must be 1-{nameof(options.WindowSize)} ({options.WindowSize}) (was {options.MinimumSamples}).");
        }

        if (options.WorsenAfter < 1)
        {
            errors.Add($"{Prefix}{nameof(options.WorsenAfter)} must be at least 1 (was {options.WorsenAfter}).");
        }

        if (options.RecoverAfter < 1)
        {
            errors.Add($"{Prefix}{nameof(options.RecoverAfter)} must be at least 1 (was {options.RecoverAfter}).");
        }
    }

    private static void CheckThresholds(List<string> errors, WatchdogOptions options)
    {
        if (options.DegradedLatency <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{nameof(options.DegradedLatency)} must be positive (was {options.DegradedLatency}).");
        }

        if (options.UnhealthyLatency is { } unhealthy && (unhealthy <= options.DegradedLatency || unhealthy > options.ProbeTimeout))
        {
            errors.Add($"{Prefix}{nameof(options.UnhealthyLatency)} must be above {nameof(options.DegradedLatency)} ({options.DegradedLatency}) and at most {nameof(options.ProbeTimeout)} ({options.ProbeTimeout}) (was {unhealthy}).");
        }

        if (!(options.DegradedFailureRatio is > 0 and <= 1))
        {
            errors.Add($"{Prefix}{nameof(options.DegradedFailureRatio)} must be above 0 and at most 1 (was {Format(options.DegradedFailureRatio)}).");
        }

        if (!(options.UnhealthyFailureRatio is > 0 and <= 1) || options.UnhealthyFailureRatio < options.DegradedFailureRatio)
        {
            errors.Add($"{Prefix}{nameof(options.UnhealthyFailureRatio)} must be at least {nameof(options.DegradedFailureRatio)} ({Format(options.DegradedFailureRatio)}) and at most 1 (was {Format(options.UnhealthyFailureRatio)}).");
        }
    }

    private void CheckProbes(List<string> errors, WatchdogOptions options)
    {
        var registered = healthChecks.Value.Registrations.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var own = verdicts.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var check in options.HealthChecks.Order(StringComparer.Ordinal))
        {
            if (own.Contains(check))
            {
                errors.Add($"{Prefix}{nameof(options.HealthChecks)} names '{ProbeOptionChecks.Printable(check)}', the watchdog's own verdict; it cannot watch itself.");
            }
            else if (!registered.Contains(check))
            {
                errors.Add($"{Prefix}{nameof(options.HealthChecks)} names '{ProbeOptionChecks.Printable(check)}', which is not a registered health check (add it with services.AddHealthChecks()).");
            }
        }

        var watched = WatchdogSelection.Select(options, healthChecks.Value.Registrations, own).Select(r => r.Name).ToList();
        var names = new HashSet<string>(watched, StringComparer.Ordinal);
        foreach (var probe in workProbes)
        {
            if (!names.Add(probe.Name))
            {
                errors.Add($"Work probe '{ProbeOptionChecks.Printable(probe.Name)}' is registered twice, or has the name of a watched health check; give each probe its own name.");
            }
        }

        if (names.Count == 0)
        {
            errors.Add($"The watchdog has nothing to watch: set {Prefix}{nameof(options.HealthChecks)} or {Prefix}{nameof(options.HealthCheckTags)} to registered health checks, or add a work probe.");
        }
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
