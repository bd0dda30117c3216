using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.CordaMutualExclusion;

/// <summary>
/// Compares this library's lease with Corda Enterprise's mutual-exclusion row. Machines are compared by name,
/// ignoring case, against Corda's <see cref="CordaMutualExclusionRow.HostName"/> (or its full stored name). Process
/// ids are reported but not compared: the lease holder is usually a supervisor, not the node's JVM.
/// </summary>
public sealed class CordaMutualExclusionComparison
{
    private CordaMutualExclusionComparison(LeaseRecord? lease, CordaMutualExclusionRow? row, CordaMutualExclusionVerdict verdict)
    {
        Lease = lease;
        Row = row;
        Verdict = verdict;
    }

    /// <summary>The lease as read, or <see langword="null"/> when there is no lease row.</summary>
    public LeaseRecord? Lease { get; }

    /// <summary>Corda's row as read, or <see langword="null"/> when the table or row is absent.</summary>
    public CordaMutualExclusionRow? Row { get; }

    /// <summary>How the two guards relate.</summary>
    public CordaMutualExclusionVerdict Verdict { get; }

    /// <summary>Whether the guards are consistent: every verdict but <see cref="CordaMutualExclusionVerdict.Disagree"/>.</summary>
    public bool Agrees => Verdict != CordaMutualExclusionVerdict.Disagree;

    /// <summary>The machine of the live lease holder, if any.</summary>
    public string? LeaseHolderMachine => Lease is { IsHeld: true } ? Lease.Holder!.Machine : null;

    /// <summary>One sentence naming both holders, for logs and health check descriptions.</summary>
    public string Description
    {
        get
        {
            var lease = Lease is { IsHeld: true, Holder: { } holder }
                ? $"lease held by '{holder.Id}' on machine '{holder.Machine ?? "?"}'"
                : "lease not held";
            var corda = Row switch
            {
                null => "Corda's mutual-exclusion row is absent",
                { IsLive: true } => $"Corda's row names '{Row.MachineName}' (pid {Row.Pid}) and is live",
                _ => $"Corda's row names '{Row.MachineName}' (pid {Row.Pid}) but is stale ({Row.Age.TotalSeconds:0.#} s old)",
            };
            return $"{Verdict}: {lease}; {corda}.";
        }
    }

    /// <summary>Compares a lease with Corda's row.</summary>
    /// <param name="lease">The lease as read from the lease store, or <see langword="null"/>.</param>
    /// <param name="row">Corda's row as read, or <see langword="null"/>.</param>
    /// <returns>The comparison.</returns>
    public static CordaMutualExclusionComparison Compare(LeaseRecord? lease, CordaMutualExclusionRow? row)
    {
        CordaMutualExclusionVerdict verdict;
        if (row is not { IsLive: true })
        {
            verdict = CordaMutualExclusionVerdict.CordaGuardInactive;
        }
        else if (lease is not { IsHeld: true, Holder: { } holder })
        {
            verdict = CordaMutualExclusionVerdict.LeaseVacant;
        }
        else if (string.IsNullOrEmpty(holder.Machine))
        {
            verdict = CordaMutualExclusionVerdict.Undetermined;
        }
        else
        {
            var same = string.Equals(holder.Machine, row.HostName, StringComparison.OrdinalIgnoreCase)
                       || string.Equals(holder.Machine, row.MachineName, StringComparison.OrdinalIgnoreCase);
            verdict = same ? CordaMutualExclusionVerdict.Agree : CordaMutualExclusionVerdict.Disagree;
        }

        return new CordaMutualExclusionComparison(lease, row, verdict);
    }
}
