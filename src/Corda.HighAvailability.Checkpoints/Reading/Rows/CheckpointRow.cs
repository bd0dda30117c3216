namespace Corda.HighAvailability.Checkpoints.Reading.Rows;

/// <summary>A <c>node_checkpoints</c> row (Corda 4.6+): the flow's raw status ordinal.</summary>
internal sealed class CheckpointRow(string flowId, int status) : FlowRow(flowId)
{
    public int Status { get; } = status;

    public override void Dispose()
    {
    }
}
