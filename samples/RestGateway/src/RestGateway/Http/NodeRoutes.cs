using System.Text.RegularExpressions;
using Corda.HighAvailability.Rpc;
using Corda.Samples.NodeProxy.V1;
using Corda.Samples.RestGateway.Node;
using Microsoft.AspNetCore.Mvc;

namespace Corda.Samples.RestGateway.Http;

/// <summary>
/// The node's operations as REST: <c>GET /node</c> (a read) and <c>POST /flows</c> (starts a flow; requires an
/// <c>Idempotency-Key</c>). Connection failures are not handled here: they are exceptions that
/// <see cref="RpcProblemExceptionHandler"/> turns into 503 or 502 problem details.
/// </summary>
public static partial class NodeRoutes
{
    /// <summary>The header that makes a flow start safe to retry.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private const int MaxArgs = 32;

    /// <summary>Maps the routes.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IEndpointRouteBuilder MapNodeRoutes(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/node", GetNodeAsync);
        app.MapPost("/flows", StartFlowAsync);
        return app;
    }

    private static async Task<IResult> GetNodeAsync(
        [FromKeyedServices(NodeConnection.Name)] ResilientRpcConnection<NodeProxy.V1.NodeProxy.NodeProxyClient> node,
        CancellationToken cancellationToken)
    {
        var info = await node.InvokeAsync(
            static (client, ctx) => client.GetNodeInfoAsync(new GetNodeInfoRequest(), cancellationToken: ctx.CancellationToken).ResponseAsync,
            NodeConnection.Read,
            cancellationToken);
        return Results.Ok(new NodeInfoResponse(info.LegalName, info.PlatformVersion, info.ServedBy));
    }

    private static async Task<IResult> StartFlowAsync(
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        StartFlowBody body,
        [FromKeyedServices(NodeConnection.Name)] ResilientRpcConnection<NodeProxy.V1.NodeProxy.NodeProxyClient> node,
        IConfiguration configuration,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(idempotencyKey))
        {
            // Without a key, a caller whose response was lost (the connection dropped after the node started the
            // flow) cannot tell "not started" from "started", and a retry could make a second payment. With one, the
            // node recognises the retry (Corda's flow client id) and the caller can always safely retry.
            return Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: $"The {IdempotencyKeyHeader} header is required",
                detail: $"Starting a flow changes the ledger. Send a unique {IdempotencyKeyHeader} (for example a UUID) and reuse it for every retry of "
                    + "the same request: the node runs a flow at most once per key, so a retry after a timeout or a 502 is always safe.",
                type: ProblemTypes.IdempotencyKeyRequired);
        }

        if (!IdempotencyKey().IsMatch(idempotencyKey))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: $"The {IdempotencyKeyHeader} header is malformed",
                detail: $"{IdempotencyKeyHeader} must be 1-128 letters, digits, '.', '_', ':' or '-'.",
                type: ProblemTypes.IdempotencyKeyRequired);
        }

        var errors = Validate(body, configuration.GetValue<bool>("Gateway:AllowTestHold"));
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var request = new StartFlowRequest { ClientRequestId = idempotencyKey, FlowName = body.FlowName, HoldMs = body.HoldMs };
        request.Args.AddRange(body.Args ?? []);
        var result = await node.InvokeAsync(
            (client, ctx) =>
            {
                // The library's request id is the caller's key on every attempt; send that, as the proxy de-duplicates by it.
                request.ClientRequestId = ctx.RequestId;
                return client.StartFlowAsync(request, cancellationToken: ctx.CancellationToken).ResponseAsync;
            },
            NodeConnection.StartFlow(idempotencyKey),
            cancellationToken);
        return Results.Ok(new FlowResponse(result.FlowId, result.ClientRequestId, result.Result, result.Replayed, result.ServedBy));
    }

    private static Dictionary<string, string[]> Validate(StartFlowBody body, bool allowHold)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body.FlowName is null || !FlowName().IsMatch(body.FlowName))
        {
            errors["flowName"] = ["Required: 1-200 letters, digits, '.', '_' or '$' (a flow class name)."];
        }

        if (body.Args is { Count: > MaxArgs })
        {
            errors["args"] = [$"At most {MaxArgs} arguments."];
        }

        if (body.HoldMs != 0 && (!allowHold || body.HoldMs is < 0 or > 60_000))
        {
            errors["holdMs"] = ["Only for the sample's tests (Gateway:AllowTestHold), 0-60000."];
        }

        return errors;
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex IdempotencyKey();

    [GeneratedRegex(@"^[A-Za-z0-9._$]{1,200}$")]
    private static partial Regex FlowName();
}

/// <summary>The body of <c>POST /flows</c>.</summary>
/// <param name="FlowName">The flow to start.</param>
/// <param name="Args">Its arguments.</param>
/// <param name="HoldMs">Tests only: how long the stand-in holds the flow before answering.</param>
public sealed record StartFlowBody(string? FlowName, IReadOnlyList<string>? Args, int HoldMs = 0);

/// <summary>The answer of <c>GET /node</c>.</summary>
/// <param name="LegalName">The node's X.500 name.</param>
/// <param name="PlatformVersion">Its platform version.</param>
/// <param name="ServedBy">The proxy that answered.</param>
public sealed record NodeInfoResponse(string LegalName, int PlatformVersion, string ServedBy);

/// <summary>The answer of <c>POST /flows</c>.</summary>
/// <param name="FlowId">The flow's id.</param>
/// <param name="ClientRequestId">The Idempotency-Key it was started under.</param>
/// <param name="Result">The flow's result.</param>
/// <param name="Replayed">True when the flow had already been started with this key: this is its first result, and it did not run again.</param>
/// <param name="ServedBy">The proxy that answered.</param>
public sealed record FlowResponse(string FlowId, string ClientRequestId, string Result, bool Replayed, string ServedBy);
