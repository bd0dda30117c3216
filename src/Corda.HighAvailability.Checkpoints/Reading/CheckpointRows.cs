namespace Corda.HighAvailability.Checkpoints.Reading;

/// <summary>A row of one table, keyed by flow id; owns the pooled blobs it carries.</summary>
internal abstract class FlowRow(string flowId) : IDisposable
{
    public string FlowId { get; } = flowId;

    public abstract void Dispose();
}

/// <summary><c>node_checkpoints</c> (4.6+): flow_id, status.</summary>
internal sealed class CheckpointRow(string flowId, int status) : FlowRow(flowId)
{
    public int Status { get; } = status;

    public override void Dispose()
    {
    }
}

/// <summary>A row with up to two blob columns: blobs (checkpoint_value, flow_state), metadata (flow_parameters), results, exceptions, legacy checkpoints.</summary>
internal sealed class BlobBearingRow(string flowId, PooledBlob? first, PooledBlob? second = null, bool flag = false) : FlowRow(flowId)
{
    public PooledBlob? First { get; private set; } = first;

    public PooledBlob? Second { get; private set; } = second;

    /// <summary>A table-specific flag: metadata's finish_time is not NULL.</summary>
    public bool Flag { get; } = flag;

    /// <summary>Hands the first blob over to the caller (who disposes it).</summary>
    public PooledBlob? TakeFirst()
    {
        var blob = First;
        First = null;
        return blob;
    }

    /// <summary>Hands the second blob over to the caller (who disposes it).</summary>
    public PooledBlob? TakeSecond()
    {
        var blob = Second;
        Second = null;
        return blob;
    }

    public override void Dispose()
    {
        First?.Dispose();
        Second?.Dispose();
    }
}
