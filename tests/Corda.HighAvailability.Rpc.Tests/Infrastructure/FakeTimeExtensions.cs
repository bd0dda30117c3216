using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Rpc.Tests.Infrastructure;

public static class FakeTimeExtensions
{
    /// <summary>
    /// Advances fake time in steps until <paramref name="condition"/> holds: the background loop registers its timers
    /// asynchronously, so a single jump could come before the timer exists.
    /// </summary>
    public static async Task AdvanceUntil(this FakeTimeProvider time, Func<bool> condition, TimeSpan step, string what, int maxSteps = 2_000)
    {
        for (var i = 0; i < maxSteps && !condition(); i++)
        {
            time.Advance(step);
            await Task.Delay(2);
        }

        await Eventually.True(condition, what, 5_000);
    }
}
