using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Corda.Samples.RestGateway.Tests;

/// <summary>A gateway answer read whole, and helpers to make requests and wait for an answer.</summary>
public sealed record Answer(HttpStatusCode Status, string? ContentType, string? RetryAfter, JsonElement Body, string Text)
{
    public string? Str(string property) => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public double? Number(string property) => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    public bool? Bool(string property) => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(property, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    public override string ToString() => $"{(int)Status} {ContentType} Retry-After={RetryAfter} {Text}";
}

public static class Http
{
    public static async Task<Answer> GetAsync(this GatewayProcess gateway, string path)
    {
        using var response = await gateway.Http.GetAsync(path);
        return await ReadAsync(response);
    }

    public static async Task<Answer> StartFlowAsync(this GatewayProcess gateway, string? idempotencyKey, string flowName, int holdMs = 0, params string[] args)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/flows") { Content = JsonContent.Create(new { flowName, args, holdMs }) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await gateway.Http.SendAsync(request);
        return await ReadAsync(response);
    }

    /// <summary>Repeats <paramref name="request"/> until <paramref name="done"/> holds (generously: the machine is loaded).</summary>
    public static async Task<Answer> UntilAsync(Func<Task<Answer>> request, Func<Answer, bool> done, string what, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        Answer? last = null;
        while (clock.Elapsed < timeout)
        {
            last = await request();
            if (done(last))
            {
                return last;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last answer: {last}");
        throw new UnreachableException();
    }

    /// <summary>Waits for <paramref name="condition"/> (generously: the machine is loaded).</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, $"Timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(20);
        }
    }

    private static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        JsonElement body = default;
        if (text.Length > 0)
        {
            try
            {
                body = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                // Kept as text.
            }
        }

        return new Answer(
            response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            response.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null,
            body,
            text);
    }
}
