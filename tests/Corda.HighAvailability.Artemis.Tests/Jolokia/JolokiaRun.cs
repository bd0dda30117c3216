using Corda.HighAvailability.Artemis.Jolokia;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Artemis.Tests.Jolokia;

/// <summary>Runs a check as the health check service would, under a registration with the given failure status.</summary>
internal static class JolokiaRun
{
    public static async Task<HealthCheckResult> OnceAsync(JolokiaProbeHealthCheck check, HealthStatus failureStatus = HealthStatus.Unhealthy)
    {
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration("jolokia", check, failureStatus, tags: null) };
        var result = await check.CheckHealthAsync(context, TestContext.Current.CancellationToken);
        // What an operator would read, in the test's output.
        TestContext.Current.TestOutputHelper?.WriteLine($"{result.Status}: {Everything(result)}");
        return result;
    }

    /// <summary>A fresh check with the options given, run once.</summary>
    public static async Task<HealthCheckResult> OnceAsync(JolokiaProbeOptions options)
    {
        using var check = new JolokiaProbeHealthCheck(options);
        return await OnceAsync(check);
    }

    /// <summary>Every data value and the description, to check that a secret appears nowhere.</summary>
    public static string Everything(HealthCheckResult result) =>
        result.Description + "\n" + string.Join("\n", result.Data.Select(kv => $"{kv.Key}={kv.Value}")) + "\n" + result.Exception;
}
