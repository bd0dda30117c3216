namespace Corda.HighAvailability.Checkpoints.Reading.Rows;

/// <summary>A <c>node_flow_metadata</c> row: whether <c>finish_time</c> is set, and the AMQP <c>flow_parameters</c>.</summary>
internal sealed class FlowMetadataRow(string flowId, bool hasFinishTime, PooledBlob? flowParameters) : FlowRow(flowId)
{
    private PooledBlob? _flowParameters = flowParameters;

    public bool HasFinishTime { get; } = hasFinishTime;

    public PooledBlob? TakeFlowParameters() => Take(ref _flowParameters);

    public override void Dispose() => _flowParameters?.Dispose();
}
