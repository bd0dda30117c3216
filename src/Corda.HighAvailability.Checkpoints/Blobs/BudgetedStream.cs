namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>Charges every byte a decoder produces to the blob's <see cref="InflationBudget"/> as it is read.</summary>
internal sealed class BudgetedStream(Stream decoded, InflationBudget budget) : DecodingStream
{
    public override int Read(Span<byte> buffer)
    {
        var read = decoded.Read(buffer);
        budget.Charge(read);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            decoded.Dispose();
        }

        base.Dispose(disposing);
    }
}
