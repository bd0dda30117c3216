using System.Text;
using System.Text.Json;
using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Supervision;

// The core: state, start-up (configuration, threads) and the command reader. The other concerns are in
// GuardRuntime.*.cs: Node, Stop, Release, Output.
/// <summary>
/// The dead man's switch, running in its own process as the node's parent. It starts the node in a session of its
/// own (so that the whole tree can be killed) with a parent-death signal of SIGKILL (so that the node dies with the
/// guard), and SIGKILLs that tree when the supervisor's last confirmed deadline passes or when the supervisor's end
/// of the pipe closes. It never waits on the supervisor to do so: the deadline is watched by a thread of its own, on
/// CLOCK_MONOTONIC, which is the same clock in the supervisor.
/// </summary>
internal sealed partial class GuardRuntime
{
    private static readonly UTF8Encoding NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private readonly TextReader _input;
    private readonly TextWriter _output;
    private readonly TextWriter _diagnostics;
    private readonly Func<NodeGuardRelease, ILeaseStore>? _storeFactory;
    private readonly object _writeLock = new();
    private readonly ManualResetEventSlim _firstHeartbeat = new();
    private readonly ManualResetEventSlim _nodeGone = new();
    private readonly TaskCompletionSource<int> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GuardConfig _config = new();
    private ILeaseStore? _releaseStore;
    private long _killByNs = long.MinValue;
    private long _hardKillAtNs = long.MaxValue;
    private int _pid;
    private volatile bool _exited;
    private volatile string? _killReason;
    private volatile bool _orphaned;

    public GuardRuntime(TextReader input, TextWriter output, TextWriter diagnostics, Func<NodeGuardRelease, ILeaseStore>? storeFactory)
    {
        _input = input;
        _output = output;
        _diagnostics = diagnostics;
        _storeFactory = storeFactory;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var first = _input.ReadLine();
        if (first is null)
        {
            // A spare guard whose supervisor stopped (or died) before it needed it: nothing was started.
            return 0;
        }

        if (JsonSerializer.Deserialize<GuardConfig>(first) is not { Command.Length: > 0 } config)
        {
            Diagnose("no configuration on standard input; the guard is started by the node supervisor.");
            return 2;
        }

        _config = config;
        WarmUpRelease();

        // Dedicated threads: the reader blocks on the pipe, the watcher must run even when the thread pool is busy,
        // and the node's parent-death signal is tied to the thread that started it, which lives until the node is dead.
        StartThread(ReadCommands, "corda-ha guard reader");
        StartThread(WatchDeadline, "corda-ha guard deadline");
        StartThread(OwnNode, "corda-ha guard node owner");
        using var registration = cancellationToken.Register(() => BeginStop(GuardProtocol.ReasonStopped));
        return await _done.Task.ConfigureAwait(false);
    }

    private static void StartThread(Action body, string name) => new Thread(() => body()) { IsBackground = true, Name = name }.Start();

    private void ReadCommands()
    {
        try
        {
            while (_input.ReadLine() is { } line)
            {
                var parts = line.Split(' ', 2);
                switch (parts[0])
                {
                    case GuardProtocol.Heartbeat when parts.Length == 2 && GuardProtocol.ParseLong(parts[1]) is { } killBy:
                        // Deadlines only move forward: a late line never shortens nor (worse) revives a passed one.
                        if (killBy > Interlocked.Read(ref _killByNs))
                        {
                            Interlocked.Exchange(ref _killByNs, killBy);
                        }

                        _firstHeartbeat.Set();
                        break;
                    case GuardProtocol.Stop:
                        BeginStop(GuardProtocol.ReasonStopped);
                        break;
                    case GuardProtocol.Kill:
                        HardKill(GuardProtocol.ReasonKilled);
                        break;
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke: same as end of input.
        }

        // End of input: the supervisor is gone (its end of the pipe closes when its process dies, however it died).
        if (!_exited)
        {
            _orphaned = true;
            BeginStop(GuardProtocol.ReasonOrphaned);
        }

        _firstHeartbeat.Set();
    }
}
