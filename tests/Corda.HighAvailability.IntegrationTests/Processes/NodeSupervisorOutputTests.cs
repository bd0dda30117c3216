using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Supervision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// The node's stdout and stderr reach <c>ILogger</c> (event 1230) through the real guard process, from a real node
/// process on a real SQLite lease: every line, each tagged with its stream, none lost when the node exits right after
/// writing it, and a flood of output (a multi-megabyte line, tens of thousands of lines) drained so the node never
/// blocks on a full pipe.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class NodeSupervisorOutputTests(ITestOutputHelper output)
{
    private const int NodeOutputEvent = 1230;
    private const int LongLineLength = 3_000_000;
    private const int ShortLines = 50_000;
    private const int ExitCode = 7;

    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(45);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_nodes_stdout_and_stderr_are_logged_line_by_line_even_a_flood_and_the_last_line_before_exit()
    {
        using var database = new TempDatabase();

        // Known lines on both streams, then ~3.3 MB in one long line and many short ones (far more than a pipe
        // buffers), then a last line on each stream written immediately before the node exits.
        var script = $"echo out-first; echo err-first >&2; head -c {LongLineLength} /dev/zero | tr '\\0' x; echo; seq 1 {ShortLines}; echo err-last >&2; echo out-last; exit {ExitCode}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Services.AddFakeLogging();
        var guard = CordaHaTool.StartInfo(["node", "guard"]);
        builder.Services.AddCordaHa(ha => ha
            .AddLeaseElection(o =>
            {
                o.LeaseName = "output-lease";
                o.LeaseDuration = TimeSpan.FromSeconds(3);
                o.RenewDeadline = TimeSpan.FromSeconds(2);
                o.RetryPeriod = TimeSpan.FromMilliseconds(400);
                o.AutoCreateSchema = true;
            })
            .UseSqlite(database.ConnectionString)
            .RunProcessWhileLeader(o =>
            {
                o.Command = "/bin/sh";
                o.Arguments.Add("-c");
                o.Arguments.Add(script);
                o.GracePeriod = TimeSpan.FromMilliseconds(200);
                o.SafetyMargin = TimeSpan.FromMilliseconds(500);

                // One run is enough: no restart while the test reads the logs.
                o.RestartDelay = TimeSpan.FromMinutes(5);
                o.MaxRestartDelay = TimeSpan.FromMinutes(5);
                o.GuardCommand = guard.FileName;
                o.GuardArguments.Clear();
                foreach (var argument in guard.ArgumentList)
                {
                    o.GuardArguments.Add(argument);
                }
            }));
        using var host = builder.Build();
        var logs = host.Services.GetFakeLogCollector();
        var supervisor = host.Services.GetRequiredService<INodeSupervisor>();

        // What had been logged when the supervisor reported the exit: the node's last lines must be there already.
        var exited = new TaskCompletionSource<(NodeProcessEventArgs Exit, IReadOnlyList<FakeLogRecord> Logs)>(TaskCreationOptions.RunContinuationsAsynchronously);
        supervisor.ProcessExited += (_, e) => exited.TrySetResult((e, logs.GetSnapshot()));
        await host.StartAsync(Ct);
        try
        {
            // A node blocked on a full pipe would never exit: the wait would time out.
            var (exit, atExit) = await exited.Task.WaitAsync(Startup, Ct);
            Assert.Equal(ExitCode, exit.ExitCode);

            var lines = atExit.Where(r => r.Id.Id == NodeOutputEvent).ToList();
            output.WriteLine($"{lines.Count} node output records logged by the exit; levels: {string.Join(", ", lines.Select(r => r.Level).Distinct())}");
            var stdout = lines.Where(r => r.GetStructuredStateValue("Stream") == "stdout").Select(r => r.GetStructuredStateValue("Line")).ToList();
            var stderr = lines.Where(r => r.GetStructuredStateValue("Stream") == "stderr").Select(r => r.GetStructuredStateValue("Line")).ToList();
            Assert.Equal(lines.Count, stdout.Count + stderr.Count);

            Assert.Equal(["err-first", "err-last"], stderr);
            Assert.Equal(ShortLines + 3, stdout.Count);
            Assert.Equal("out-first", stdout[0]);
            Assert.Equal(new string('x', LongLineLength), stdout[1]);
            Assert.Equal(Enumerable.Range(1, ShortLines).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), stdout.Skip(2).Take(ShortLines));
            Assert.Equal("out-last", stdout[^1]);
            Assert.Contains(lines, r => r.Message == "[node stderr] err-first");
        }
        finally
        {
            await host.StopAsync(Ct);
        }
    }
}
