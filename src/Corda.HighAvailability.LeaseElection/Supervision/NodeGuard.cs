using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// The guard: the process between the supervisor and the node that kills the node when the supervisor's renewals
/// stop being confirmed (see <c>RunProcessWhileLeader</c>). <c>corda-ha node guard</c> runs it; an application that
/// does not ship the tool can run it from its own executable and point <see cref="NodeProcessOptions.GuardCommand"/>
/// at that.
/// </summary>
public static class NodeGuard
{
    /// <summary>
    /// Runs the guard: reads the supervisor's configuration and heartbeats from <paramref name="input"/>, starts the
    /// node, forwards its output and reports to <paramref name="output"/>, and returns once the node is dead (and,
    /// when the supervisor died, its grant was released).
    /// </summary>
    /// <param name="input">The supervisor's pipe (the process's standard input).</param>
    /// <param name="output">Reports to the supervisor (the process's standard output).</param>
    /// <param name="diagnostics">Where the guard explains problems (standard error); never receives secrets.</param>
    /// <param name="releaseStore">
    /// Opens the lease store named in <see cref="NodeProcessOptions.GuardRelease"/>, for the release after the supervisor died;
    /// <see langword="null"/> when this host cannot (the lease then lapses after a lease duration).
    /// </param>
    /// <param name="cancellationToken">Stops the node politely (as the supervisor's <c>stop</c> would).</param>
    /// <returns>The guard's exit code: 0 once the node is dead, 2 without a configuration, 3 when the node was never started.</returns>
    public static Task<int> RunAsync(TextReader input, TextWriter output, TextWriter diagnostics, Func<NodeGuardRelease, ILeaseStore>? releaseStore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(diagnostics);
        return new GuardRuntime(input, output, diagnostics, releaseStore).RunAsync(cancellationToken);
    }
}
