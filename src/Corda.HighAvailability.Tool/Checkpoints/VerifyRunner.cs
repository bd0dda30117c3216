using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Tool.Checkpoints;

/// <summary>
/// Runs <c>checkpoints verify</c> through the library's own DI wiring (<c>AddCordaHa().AddCheckpointVerification()</c>
/// plus the provider), so the tool exercises what hosts use, then renders the report and maps it to an exit code.
/// </summary>
internal static class VerifyRunner
{
    // Progress every 250 flows keeps a bar moving on small tables; the bar throttles redraws itself.
    private const int ProgressInterval = 250;

    public static async Task<int> RunAsync(VerifySettings settings, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddCordaHa(ha => ha
            .AddCheckpointVerification(o =>
            {
                o.SchemaName = settings.Schema;
                o.MaxInflatedBytes = settings.MaxInflatedBytes;
                o.Parallelism = settings.Parallelism;
                o.MaxReportedFindings = settings.MaxFindings;
                o.ProgressInterval = ProgressInterval;
            })
            .UseProvider(settings.Provider, settings.ConnectionString));

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await using (provider.ConfigureAwait(false))
        {
            var (verifier, database) = Resolve(provider);
            var schema = settings.Schema ?? database.DefaultSchema;
            CheckpointVerificationReport report;
            using (var bar = await StartProgressAsync(settings, database, schema, cancellationToken).ConfigureAwait(false))
            {
                report = await verifier.VerifyToReportAsync(bar, cancellationToken).ConfigureAwait(false);
            }

            var result = new VerifyResult(report, ProviderTable.Get(settings.Provider).Name, schema, settings.FailOn);
            if (settings.Format == OutputFormat.Json)
            {
                var stdout = Console.OpenStandardOutput();
                await using (stdout.ConfigureAwait(false))
                {
                    VerifyJsonReport.Write(stdout, result);
                }
            }
            else
            {
                VerifyTextReport.Write(Console.Out, result);
            }

            return Verdict.ExitCode(report, settings.FailOn);
        }
    }

    private static (ICheckpointVerifier Verifier, CheckpointDatabase Database) Resolve(IServiceProvider provider)
    {
        try
        {
            return (provider.GetRequiredService<ICheckpointVerifier>(), provider.GetRequiredService<CheckpointDatabase>());
        }
        catch (OptionsValidationException ex)
        {
            // The command line validates each option already; this is the library's second opinion, still a usage error.
            throw new ToolException(ExitCodes.UsageOrConnection, string.Join(" ", ex.Failures), ex);
        }
    }

    /// <summary>
    /// A progress bar only for a person watching: stderr must be a terminal, and in json mode stdout must be
    /// redirected, so the bar never lands in a captured stream or mixes with the JSON on screen.
    /// </summary>
    private static async Task<ProgressBar?> StartProgressAsync(VerifySettings settings, CheckpointDatabase database, string schema, CancellationToken cancellationToken)
    {
        if (!settings.Progress || Console.IsErrorRedirected || (settings.Format == OutputFormat.Json && !Console.IsOutputRedirected))
        {
            return null;
        }

        var total = await FlowCounter.CountAsync(database, schema, cancellationToken).ConfigureAwait(false);
        return new ProgressBar(Console.Error, total);
    }
}
