namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>Waits (in real time, generously: the machine is loaded) for a condition to become true.</summary>
public static class Eventually
{
    public static async Task True(Func<bool> condition, string what, int timeoutMs = 20_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Timed out after {timeoutMs} ms waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }
}
