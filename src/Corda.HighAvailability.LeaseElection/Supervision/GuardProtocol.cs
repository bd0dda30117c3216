using System.Globalization;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// The line protocol between the supervisor and its guard. Supervisor to guard (the guard's stdin): the JSON
/// <see cref="GuardConfig"/>, then <c>hb KILL_BY_NS</c> after each confirmed renewal (the node may live until that
/// CLOCK_MONOTONIC instant), <c>stop</c> (polite stop, then SIGKILL after the grace period or at the deadline,
/// whichever is first) and <c>kill</c>. Guard to supervisor (its stdout): <c>started PID NS</c>,
/// <c>exited PID CODE NS REASON</c>, and the node's output as <c>o LINE</c> (stdout) or <c>e LINE</c> (stderr).
/// </summary>
internal static class GuardProtocol
{
    public const string Heartbeat = "hb";
    public const string Stop = "stop";
    public const string Kill = "kill";
    public const string Started = "started";
    public const string Exited = "exited";
    public const string NodeOut = "o";
    public const string NodeErr = "e";

    public const string ReasonExit = "exit";
    public const string ReasonStopped = "stopped";
    public const string ReasonDeadline = "deadline";
    public const string ReasonOrphaned = "orphaned";
    public const string ReasonKilled = "killed";
    public const string ReasonBackstop = "backstop";

    public static string FormatHeartbeat(long killByNs) => string.Create(CultureInfo.InvariantCulture, $"{Heartbeat} {killByNs}");

    public static string FormatStarted(int pid, long ns) => string.Create(CultureInfo.InvariantCulture, $"{Started} {pid} {ns}");

    public static string FormatExited(int pid, int code, long ns, string reason) => string.Create(CultureInfo.InvariantCulture, $"{Exited} {pid} {code} {ns} {reason}");

    public static long? ParseLong(string? text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
}
