namespace Corda.HighAvailability.Rpc.Retry;

/// <summary>
/// Exponential backoff with jitter: the first attempt of an outage goes at once, then the delay starts at
/// <see cref="InitialDelay"/> and grows by <see cref="Multiplier"/> up to <see cref="MaxDelay"/>, each delay spread by
/// ±<see cref="Jitter"/> so that clients that lost the same server do not come back in step. Optionally gives up
/// after <see cref="MaxAttempts"/> attempts or <see cref="MaxElapsed"/>.
/// <list type="bullet">
/// <item><see cref="Default"/>: gRPC's connection backoff (1 s × 1.6 ± 20 %, at most 120 s;
/// <see href="https://github.com/grpc/grpc/blob/master/doc/connection-backoff.md">grpc/doc/connection-backoff.md</see>), never gives up.</item>
/// <item><see cref="CordaDefaults"/>: Corda's RPC client defaults (5 s × 1.5, at most 3 min, no jitter, unlimited
/// attempts: <c>connectionRetryInterval</c>, <c>connectionRetryIntervalMultiplier</c>,
/// <c>connectionMaxRetryInterval</c>, <c>maxReconnectAttempts</c> of <c>CordaRPCClientConfiguration</c> in
/// github.com/corda/corda, <c>client/rpc/src/main/kotlin/net/corda/client/rpc/CordaRPCClient.kt</c>).</item>
/// </list>
/// </summary>
public sealed class ExponentialBackoffRetryPolicy : IRpcRetryPolicy
{
    private readonly Random _random;

    /// <summary>Creates the policy.</summary>
    /// <param name="initialDelay">The delay before the second attempt of an outage; positive.</param>
    /// <param name="multiplier">Growth per attempt; at least 1.</param>
    /// <param name="jitter">Relative spread of each delay, 0 (none) to 1 (exclusive).</param>
    /// <param name="maxDelay">The longest delay (before jitter); at least <paramref name="initialDelay"/>.</param>
    /// <param name="maxAttempts">Give up after this many failed attempts in one outage; <see langword="null"/> never.</param>
    /// <param name="maxElapsed">Give up when the outage has lasted this long; <see langword="null"/> never.</param>
    /// <param name="random">The source of jitter; default <see cref="Random.Shared"/> (pass a seeded one in tests).</param>
    public ExponentialBackoffRetryPolicy(
        TimeSpan initialDelay,
        double multiplier,
        double jitter,
        TimeSpan maxDelay,
        int? maxAttempts = null,
        TimeSpan? maxElapsed = null,
        Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initialDelay, TimeSpan.Zero);
        if (!(multiplier >= 1 && double.IsFinite(multiplier)))
        {
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "The multiplier must be a finite number of at least 1.");
        }

        if (!(jitter is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "The jitter must be at least 0 and below 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, initialDelay);
        if (maxAttempts is { } attempts)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1, nameof(maxAttempts));
        }

        if (maxElapsed is { } elapsed)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(elapsed, TimeSpan.Zero, nameof(maxElapsed));
        }

        InitialDelay = initialDelay;
        Multiplier = multiplier;
        Jitter = jitter;
        MaxDelay = maxDelay;
        MaxAttempts = maxAttempts;
        MaxElapsed = maxElapsed;
        _random = random ?? Random.Shared;
    }

    /// <summary>gRPC's connection backoff: 1 s × 1.6 ± 20 %, at most 120 s, never gives up. The default policy.</summary>
    public static ExponentialBackoffRetryPolicy Default { get; } = new(TimeSpan.FromSeconds(1), 1.6, 0.2, TimeSpan.FromSeconds(120));

    /// <summary>The delay before the second attempt of an outage.</summary>
    public TimeSpan InitialDelay { get; }

    /// <summary>Growth of the delay per attempt.</summary>
    public double Multiplier { get; }

    /// <summary>Relative spread of each delay.</summary>
    public double Jitter { get; }

    /// <summary>The longest delay before jitter.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>Failed attempts per outage after which the policy gives up, if any.</summary>
    public int? MaxAttempts { get; }

    /// <summary>Outage length after which the policy gives up, if any.</summary>
    public TimeSpan? MaxElapsed { get; }

    /// <summary>Corda's RPC client defaults: 5 s × 1.5, at most 3 min, no jitter, never gives up.</summary>
    /// <param name="maxAttempts">Corda's <c>maxReconnectAttempts</c>; <see langword="null"/> (Corda's -1) for unlimited.</param>
    /// <returns>The policy.</returns>
    public static ExponentialBackoffRetryPolicy CordaDefaults(int? maxAttempts = null) =>
        new(TimeSpan.FromSeconds(5), 1.5, 0, TimeSpan.FromMinutes(3), maxAttempts);

    /// <inheritdoc />
    public TimeSpan? NextDelay(RpcRetryContext context)
    {
        if ((MaxAttempts is { } max && context.PreviousAttempts >= max) || (MaxElapsed is { } limit && context.Elapsed >= limit))
        {
            return null;
        }

        if (context.PreviousAttempts <= 0)
        {
            // As gRPC and SignalR do, the first attempt after a loss goes at once: most drops are a restart or a blip.
            return TimeSpan.Zero;
        }

        // Computed in seconds as a double: Math.Pow overflows to infinity, never wraps, and Min caps it.
        var seconds = Math.Min(InitialDelay.TotalSeconds * Math.Pow(Multiplier, context.PreviousAttempts - 1), MaxDelay.TotalSeconds);
        if (Jitter > 0)
        {
            seconds *= 1 + (Jitter * ((2 * _random.NextDouble()) - 1));
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
