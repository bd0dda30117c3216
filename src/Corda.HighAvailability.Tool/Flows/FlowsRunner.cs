using Corda.HighAvailability.Checkpoints.Flows;
using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Tool.Flows;

/// <summary>
/// Runs the <c>flows</c> commands through the library's own DI wiring (<c>AddCordaHa().AddFlowHospitalView()</c> plus
/// the provider), so the tool reads exactly as hosts do, and prints in text or JSON.
/// </summary>
internal static class FlowsRunner
{
    public static Task<int> ListAsync(FlowsSettings settings, FlowsListFilter filter, CancellationToken cancellationToken) =>
        WithReaderAsync(settings, async (reader, schema) =>
        {
            var query = new FlowQuery { OlderThan = filter.OlderThan, Limit = filter.Limit + 1 };
            foreach (var status in filter.Statuses)
            {
                query.Statuses.Add(status);
            }

            // Streamed to stdout as read (one row past the limit tells whether the list was cut), so that a large
            // --limit costs output, not memory.
            var flows = reader.ReadFlowsAsync(query, cancellationToken);
            var context = Context(settings, schema);
            if (settings.Format == OutputFormat.Json)
            {
                await FlowsJson.WriteListAsync(context, flows, filter, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await FlowsText.WriteListAsync(Console.Out, context, flows, filter, cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, cancellationToken);

    public static Task<int> ShowAsync(FlowsSettings settings, string flowId, CancellationToken cancellationToken) =>
        WithReaderAsync(settings, async (reader, schema) =>
        {
            var flow = await reader.FindAsync(flowId, cancellationToken).ConfigureAwait(false)
                ?? throw new ToolException(ExitCodes.FlowNotFound, $"No flow '{flowId}' in {schema}.{Corda.HighAvailability.Checkpoints.CheckpointTables.Checkpoints}.");
            if (settings.Format == OutputFormat.Json)
            {
                FlowsJson.WriteFlow(Context(settings, schema), flow);
            }
            else
            {
                FlowsText.WriteFlow(Console.Out, flow);
            }

            return ExitCodes.Success;
        }, cancellationToken);

    public static Task<int> SummaryAsync(FlowsSettings settings, CancellationToken cancellationToken) =>
        WithReaderAsync(settings, async (reader, schema) =>
        {
            var summary = await reader.GetSummaryAsync(cancellationToken).ConfigureAwait(false);
            var context = Context(settings, schema);
            if (settings.Format == OutputFormat.Json)
            {
                FlowsJson.WriteSummary(context, summary);
            }
            else
            {
                FlowsText.WriteSummary(Console.Out, context, summary);
            }

            return ExitCodes.Success;
        }, cancellationToken);

    private static FlowsContext Context(FlowsSettings settings, string schema) => new(ProviderTable.Get(settings.Provider).Name, schema);

    private static async Task<int> WithReaderAsync(FlowsSettings settings, Func<IFlowHospitalReader, string, Task<int>> body, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var services = new ServiceCollection();
        services.AddCordaHa(ha => ha
            .AddFlowHospitalView(o =>
            {
                o.SchemaName = settings.Schema;
                o.NodeTimeZone = settings.NodeTimeZone;
                o.MaxTextLength = settings.MaxText;
            })
            .UseProvider(settings.Provider, settings.ConnectionString));

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await using (provider.ConfigureAwait(false))
        {
            IFlowHospitalReader reader;
            CheckpointDatabase database;
            try
            {
                reader = provider.GetRequiredService<IFlowHospitalReader>();
                database = provider.GetRequiredService<CheckpointDatabase>();
            }
            catch (OptionsValidationException ex)
            {
                // The command line validates each option already; this is the library's second opinion, still a usage error.
                throw new ToolException(ExitCodes.UsageOrConnection, string.Join(" ", ex.Failures), ex);
            }

            return await body(reader, settings.Schema ?? database.DefaultSchema).ConfigureAwait(false);
        }
    }
}

/// <summary>Where the flows were read from, for the output's header.</summary>
internal sealed record FlowsContext(string Provider, string DatabaseSchema);
