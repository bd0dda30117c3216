using Corda.Samples.NodeProxy.V1;
using Grpc.Core;

namespace Corda.Samples.StandInNodeProxy;

/// <summary>The stand-in's answers: a fixed node identity, and flows that "run" by being recorded in the ledger.</summary>
internal sealed class NodeProxyService(ProxySettings settings, FlowLedger ledger) : NodeProxy.V1.NodeProxy.NodeProxyBase
{
    private const int MaxHoldMs = 60_000;

    public override Task<NodeInfo> GetNodeInfo(GetNodeInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new NodeInfo { LegalName = settings.LegalName, PlatformVersion = 14, ServedBy = settings.Name });

    public override async Task<FlowResult> StartFlow(StartFlowRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(request.ClientRequestId) || string.IsNullOrEmpty(request.FlowName))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "client_request_id and flow_name are required"));
        }

        if (request.HoldMs is < 0 or > MaxHoldMs)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"hold_ms must be between 0 and {MaxHoldMs}"));
        }

        var (entry, replayed) = ledger.StartOnce(
            settings.Name,
            request.ClientRequestId,
            () => new FlowLedger.Entry(Guid.NewGuid().ToString(), $"{request.FlowName}({string.Join(",", request.Args)}) done"));
        if (!replayed && request.HoldMs > 0)
        {
            // The flow is recorded (it "runs" from now on) and the answer is held: a kill now is a kill mid-flow.
            await Task.Delay(request.HoldMs, context.CancellationToken);
        }

        return new FlowResult
        {
            FlowId = entry.FlowId,
            ClientRequestId = request.ClientRequestId,
            Result = entry.Result,
            Replayed = replayed,
            ServedBy = settings.Name,
        };
    }
}
