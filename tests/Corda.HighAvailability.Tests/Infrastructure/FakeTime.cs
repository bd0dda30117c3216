using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Tests.Infrastructure;

internal static class FakeTime
{
    /// <summary>
    /// Advances fake time in small steps, letting the elector's continuations run between steps, until
    /// <paramref name="condition"/> holds. Returns the fake time elapsed when it was first seen true: never
    /// earlier than the real moment, at most one step later.
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntilAsync(this FakeTimeProvider time, Func<bool> condition, TimeSpan limit, TimeSpan? step = null)
    {
        var increment = step ?? TimeSpan.FromMilliseconds(100);
        var elapsed = TimeSpan.Zero;
        while (true)
        {
            if (await SettlesTrueAsync(condition))
            {
                return elapsed;
            }

            if (elapsed >= limit)
            {
                throw new TimeoutException($"Condition not met within {limit} of fake time.");
            }

            time.Advance(increment);
            elapsed += increment;
        }
    }

    /// <summary>Advances fake time by <paramref name="duration"/> in steps, letting continuations run.</summary>
    public static async Task AdvanceAsync(this FakeTimeProvider time, TimeSpan duration, TimeSpan? step = null)
    {
        var increment = step ?? TimeSpan.FromMilliseconds(100);
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += increment)
        {
            time.Advance(increment);
            await Settle();
        }

        await Settle();
    }

    /// <summary>Gives thread-pool continuations a moment of real time to run.</summary>
    public static async Task Settle()
    {
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(2);
        }
    }

    private static async Task<bool> SettlesTrueAsync(Func<bool> condition)
    {
        for (var i = 0; i < 10; i++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(2);
        }

        return condition();
    }
}
