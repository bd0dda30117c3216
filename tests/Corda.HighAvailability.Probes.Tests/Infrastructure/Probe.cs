using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Tests.Infrastructure;

/// <summary>Runs a check as the health check service would, under a registration with the given failure status.</summary>
internal static class Probe
{
    public static async Task<HealthCheckResult> RunAsync(IHealthCheck check, HealthStatus failureStatus = HealthStatus.Unhealthy, string name = "probe")
    {
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration(name, check, failureStatus, tags: null) };
        var result = await check.CheckHealthAsync(context, TestContext.Current.CancellationToken);
        // What an operator would read, in the test's output.
        TestContext.Current.TestOutputHelper?.WriteLine($"{result.Status}: {Everything(result)}");
        return result;
    }

    /// <summary>Every data value and the description, to check that a secret appears nowhere.</summary>
    public static string Everything(HealthCheckResult result) =>
        result.Description + "\n" + string.Join("\n", result.Data.Select(kv => $"{kv.Key}={kv.Value}"));
}
