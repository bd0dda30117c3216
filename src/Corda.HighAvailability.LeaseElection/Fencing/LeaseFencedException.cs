using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Fencing;

/// <summary>
/// A write was refused because its lease grant is no longer current: another holder took over, an operator
/// forced a release, or the lease lapsed. Nothing of the write was committed.
/// </summary>
public sealed class LeaseFencedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public LeaseFencedException()
        : this("The lease grant is no longer current; the write was rolled back.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public LeaseFencedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LeaseFencedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a stale token.</summary>
    /// <param name="token">The grant the write was attempted under, or <see langword="null"/> when this host held none.</param>
    /// <param name="current">The lease row as it stands, when the store read it.</param>
    public LeaseFencedException(LeaseToken? token, LeaseRecord? current)
        : base(Describe(token, current))
    {
        Token = token;
        Current = current;
    }

    /// <summary>The grant the write was attempted under, if any.</summary>
    public LeaseToken? Token { get; }

    /// <summary>The lease row as it stood when the write was refused, if known.</summary>
    public LeaseRecord? Current { get; }

    private static string Describe(LeaseToken? token, LeaseRecord? current)
    {
        if (token is null)
        {
            return "This host does not hold the lease; the write was not attempted.";
        }

        var now = current is null
            ? "the lease row is missing"
            : current.Holder is null
                ? $"the lease is released at epoch {current.Epoch}"
                : $"the lease is held by '{current.Holder.Id}' at epoch {current.Epoch}, expiring {current.ExpiresAt:O}";
        return $"Write fenced: it was made under epoch {token.Epoch} of lease '{token.LeaseName}' by '{token.HolderId}', but {now}. Nothing was committed.";
    }
}
