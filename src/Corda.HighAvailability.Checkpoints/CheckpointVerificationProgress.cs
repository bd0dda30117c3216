using Corda.HighAvailability.Checkpoints.Schema;

namespace Corda.HighAvailability.Checkpoints;

/// <summary>Where a verification run stands; reported every <see cref="CheckpointVerificationOptions.ProgressInterval"/> flows and at the end.</summary>
public sealed class CheckpointVerificationProgress
{
    /// <summary>Creates a progress report.</summary>
    /// <param name="schema">The detected schema.</param>
    /// <param name="flowsChecked">Flow ids merged so far.</param>
    /// <param name="blobsChecked">Blobs decoded so far.</param>
    /// <param name="findings">Findings produced so far.</param>
    /// <param name="completed">Whether this is the final report.</param>
    public CheckpointVerificationProgress(CheckpointSchema schema, long flowsChecked, long blobsChecked, long findings, bool completed)
    {
        Schema = schema;
        FlowsChecked = flowsChecked;
        BlobsChecked = blobsChecked;
        Findings = findings;
        Completed = completed;
    }

    /// <summary>The detected schema.</summary>
    public CheckpointSchema Schema { get; }

    /// <summary>Flow ids merged so far.</summary>
    public long FlowsChecked { get; }

    /// <summary>Blobs decoded so far.</summary>
    public long BlobsChecked { get; }

    /// <summary>Findings produced so far.</summary>
    public long Findings { get; }

    /// <summary>Whether every row has been read and every blob checked.</summary>
    public bool Completed { get; }
}
