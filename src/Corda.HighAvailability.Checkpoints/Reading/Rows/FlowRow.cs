namespace Corda.HighAvailability.Checkpoints.Reading.Rows;

/// <summary>
/// A row of one table, keyed by flow id. It owns the pooled blobs it carries until a <c>Take…</c> method hands one
/// over to the caller (who then disposes it); disposing the row gives back whatever was not taken.
/// </summary>
internal abstract class FlowRow(string flowId) : IDisposable
{
    public string FlowId { get; } = flowId;

    public abstract void Dispose();

    /// <summary>Hands <paramref name="blob"/> over and forgets it, so that <see cref="Dispose"/> leaves it alone.</summary>
    protected static PooledBlob? Take(ref PooledBlob? blob)
    {
        var taken = blob;
        blob = null;
        return taken;
    }
}
