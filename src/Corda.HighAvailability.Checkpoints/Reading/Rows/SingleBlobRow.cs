namespace Corda.HighAvailability.Checkpoints.Reading.Rows;

/// <summary>
/// A row whose only column besides the key is one blob: <c>node_flow_results.result_value</c>,
/// <c>node_flow_exceptions.exception_value</c>, or the pre-4.6 <c>node_checkpoints.checkpoint_value</c>. Which one
/// is named by the table description the row was read with.
/// </summary>
internal sealed class SingleBlobRow(string flowId, PooledBlob? value) : FlowRow(flowId)
{
    private PooledBlob? _value = value;

    public PooledBlob? TakeValue() => Take(ref _value);

    public override void Dispose() => _value?.Dispose();
}
