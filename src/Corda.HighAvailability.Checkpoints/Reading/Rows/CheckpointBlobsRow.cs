namespace Corda.HighAvailability.Checkpoints.Reading.Rows;

/// <summary>A <c>node_checkpoint_blobs</c> row: the Kryo <c>checkpoint_value</c> and <c>flow_state</c> (NULL for finished flows).</summary>
internal sealed class CheckpointBlobsRow(string flowId, PooledBlob? checkpointValue, PooledBlob? flowState) : FlowRow(flowId)
{
    private PooledBlob? _checkpointValue = checkpointValue;
    private PooledBlob? _flowState = flowState;

    /// <summary>Whether <c>flow_state</c> is not NULL; the rules need it even when blob checks are off.</summary>
    public bool HasFlowState { get; } = flowState is not null;

    public PooledBlob? TakeCheckpointValue() => Take(ref _checkpointValue);

    public PooledBlob? TakeFlowState() => Take(ref _flowState);

    public override void Dispose()
    {
        _checkpointValue?.Dispose();
        _flowState?.Dispose();
    }
}
