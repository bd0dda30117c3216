using Corda.HighAvailability.Tool.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// Builds a drill candidate the way an application uses the library: a generic host, <c>AddCordaHa</c>, lease
/// election on the chosen provider, and the drill's writer as the "application".
/// </summary>
internal static class CandidateHost
{
    public static IHost Build(CandidateSettings settings)
    {
        // No defaults: no appsettings.json or environment configuration from whatever directory the drill runs in.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });

        // stdout belongs to the event stream; warnings and errors go to stderr, where the orchestrator keeps a tail.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<CandidateEventWriter>();

        // Before AddCordaHa on purpose: hosted services stop in reverse order, so the writer outlives the election
        // and can make its stale write after the lease was released.
        builder.Services.AddHostedService<DrillWriterService>();

        if (settings.SampleBelief)
        {
            builder.Services.AddHostedService<BeliefSampler>();
        }

        var duration = settings.LeaseDuration;
        builder.Services.AddCordaHa(ha => ha
            .AddLeaseElection(o =>
            {
                o.LeaseName = settings.LeaseName;
                o.Identity = settings.Identity;
                o.LeaseDuration = duration;
                o.RenewDeadline = DrillTimings.RenewDeadline(duration);
                o.RetryPeriod = DrillTimings.RetryPeriod(duration);
                o.AutoCreateSchema = true;
            })
            .UseProvider(settings.Provider, settings.ConnectionString, settings.TableName));
        return builder.Build();
    }
}
