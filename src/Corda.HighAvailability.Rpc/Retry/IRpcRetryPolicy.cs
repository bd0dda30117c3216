namespace Corda.HighAvailability.Rpc.Retry;

/// <summary>
/// Decides how long to wait before the next connection attempt, or to give up: the user's extension point, in the
/// spirit of SignalR's <c>IRetryPolicy</c> (<see href="https://learn.microsoft.com/aspnet/core/signalr/dotnet-client#automatically-reconnect">ASP.NET Core SignalR .NET client</see>).
/// Built in: <see cref="ExponentialBackoffRetryPolicy"/> (gRPC's connection backoff, the default, or Corda's RPC
/// client defaults) and <see cref="FixedDelaysRetryPolicy"/>. Called on the connection's supervising loop only.
/// </summary>
public interface IRpcRetryPolicy
{
    /// <summary>The delay before the next attempt, or <see langword="null"/> to give up (the connection then closes).</summary>
    /// <param name="context">The attempt count, the time since the outage began, the last error and the endpoints.</param>
    /// <returns>The delay (<see cref="TimeSpan.Zero"/> for at once), or <see langword="null"/>.</returns>
    TimeSpan? NextDelay(RpcRetryContext context);
}
