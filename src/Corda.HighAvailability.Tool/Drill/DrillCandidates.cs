using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Commands;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// The drill's candidate processes: started as <c>candidate-1</c>, <c>candidate-2</c>, ..., signalled with a line in
/// the timeline, stopped together at the end, and killed if still running when the drill is disposed.
/// </summary>
internal sealed class DrillCandidates : IDisposable
{
    private readonly DrillSettings _settings;
    private readonly DrillEventLog _events;
    private readonly List<CandidateProcess> _processes = [];
    private int _next = 1;

    public DrillCandidates(DrillSettings settings, DrillEventLog events)
    {
        _settings = settings;
        _events = events;
    }

    public CandidateProcess? Find(string name) => _processes.FirstOrDefault(c => c.Name == name);

    public CandidateProcess Get(string name) => _processes.Single(c => c.Name == name);

    public void Start()
    {
        var name = $"candidate-{_next++}";
        var arguments = new List<string>
        {
            DrillCandidateCommand.Name,
            "--provider", ProviderTable.Get(_settings.Provider).Name,
            "--lease", _settings.LeaseName,
            "--identity", name,
            "--lease-duration", DurationParser.Format(_settings.LeaseDuration),
        };
        if (_settings.TableName is { } table)
        {
            arguments.Add("--table");
            arguments.Add(table);
        }

        var startInfo = CandidateLauncher.CreateStartInfo(arguments);
        // Through the environment, not argv: command lines are visible to every local user.
        startInfo.Environment[DrillCandidateCommand.ConnectionVariable] = _settings.ConnectionString;
        var candidate = CandidateProcess.Start(name, startInfo, _events.Writer);
        _processes.Add(candidate);
        _events.Log(name, $"started (pid {candidate.Pid})");
    }

    public void SignalAndLog(CandidateProcess candidate, int signal, string why)
    {
        _events.Log(candidate.Name, $"{Signals.Name(signal)} (pid {candidate.Pid}): {why}");
        candidate.Signal(signal);
    }

    /// <summary>SIGTERM to every candidate still running, then up to 10 s plus one lease duration for their exits; stragglers are killed.</summary>
    public async Task StopAllAsync()
    {
        var running = _processes.Where(c => !c.HasExited).ToList();
        foreach (var candidate in running)
        {
            candidate.Stopping = true;
            SignalAndLog(candidate, Signals.Terminate, "end of drill");
        }

        var deadline = TimeSpan.FromSeconds(10) + _settings.LeaseDuration;
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            while (running.Any(c => !_events.Exited(c.Name)))
            {
                await _events.ReadOneAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            foreach (var candidate in running.Where(c => !_events.Exited(c.Name)))
            {
                _events.Log(candidate.Name, "did not stop in time; killed");
                candidate.Dispose();
            }
        }
    }

    /// <summary>Kills every candidate still running.</summary>
    public void Dispose()
    {
        foreach (var candidate in _processes)
        {
            candidate.Dispose();
        }
    }
}
