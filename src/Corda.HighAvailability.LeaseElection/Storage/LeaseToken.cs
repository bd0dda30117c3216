namespace Corda.HighAvailability.LeaseElection.Storage;

/// <summary>
/// Proof of one grant of a lease: its name, the holder and the fencing epoch. Renewals, releases and fenced
/// writes succeed only while the database row still carries exactly this holder and epoch.
/// </summary>
public sealed class LeaseToken : IEquatable<LeaseToken>
{
    /// <summary>Creates a token.</summary>
    /// <param name="leaseName">Name of the lease.</param>
    /// <param name="holderId">Identity of the holder.</param>
    /// <param name="epoch">Fencing epoch of the grant.</param>
    public LeaseToken(string leaseName, string holderId, long epoch)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        ArgumentException.ThrowIfNullOrEmpty(holderId);
        LeaseName = leaseName;
        HolderId = holderId;
        Epoch = epoch;
    }

    /// <summary>Name of the lease.</summary>
    public string LeaseName { get; }

    /// <summary>Identity of the holder.</summary>
    public string HolderId { get; }

    /// <summary>Fencing epoch of the grant.</summary>
    public long Epoch { get; }

    /// <inheritdoc />
    public bool Equals(LeaseToken? other) =>
        other is not null
        && Epoch == other.Epoch
        && string.Equals(LeaseName, other.LeaseName, StringComparison.Ordinal)
        && string.Equals(HolderId, other.HolderId, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LeaseToken);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(LeaseName, HolderId, Epoch);

    /// <inheritdoc />
    public override string ToString() => $"{LeaseName}@{Epoch} ({HolderId})";
}
