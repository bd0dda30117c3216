using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>
/// Decides, on this host's monotonic clock, when the holder of a lease has stopped renewing it: the row must show
/// the same <see cref="LeaseRecord.Revision"/> for a whole lease duration, counted from the moment this host first
/// saw that revision (after the read that returned it). This is client-go's rule, and it is what makes the
/// election immune to steps of the database's clock.
/// </summary>
/// <remarks>
/// Why it is safe: the holder's renewal that wrote a revision started before the database applied it, and this
/// host saw it only afterwards. The holder stops leading <c>RenewDeadline</c> after that start, on its own clock;
/// this host waits <c>LeaseDuration</c> after a later moment, on its clock. As long as the two clocks' rates differ
/// by less than <c>(LeaseDuration - RenewDeadline) / LeaseDuration</c> (a third with the defaults), the holder has
/// stopped before this host may take over. Wall-clock steps on either side change nothing: only monotonic
/// intervals are compared, and the database's clock is never read for the decision.
/// </remarks>
internal sealed class VacancyWatch(TimeProvider time, TimeSpan leaseDuration)
{
    private bool _seen;
    private long? _revision;
    private long _since;
    private bool _free;

    /// <summary>The revision to compare on acquire: <see langword="null"/> when the lease is free (take only if still free).</summary>
    public long? ExpectedRevision => _free ? null : _revision;

    /// <summary>Takes in a row read (or returned by a write) that came back at monotonic time <paramref name="observedAt"/>.</summary>
    /// <param name="record">The row, or <see langword="null"/> when there is none.</param>
    /// <param name="observedAt">A monotonic timestamp taken after the database answered.</param>
    /// <returns><see langword="true"/> when the record shows a new revision (someone wrote the row).</returns>
    public bool Observe(LeaseRecord? record, long observedAt)
    {
        var revision = record?.Revision;
        var free = record?.Holder is null;
        if (_seen && _revision == revision && _free == free)
        {
            return false;
        }

        _seen = true;
        _revision = revision;
        _free = free;
        _since = observedAt;
        return true;
    }

    /// <summary>Forgets what was seen, e.g. after this host's own term ended.</summary>
    public void Reset()
    {
        _seen = false;
        _revision = null;
        _free = false;
        _since = 0;
    }

    /// <summary>How long until the lease counts as vacant; zero when it is vacant now (free, or unchanged for a lease duration).</summary>
    public TimeSpan TimeToVacancy()
    {
        if (!_seen)
        {
            return leaseDuration;
        }

        if (_free)
        {
            return TimeSpan.Zero;
        }

        var remaining = leaseDuration - time.GetElapsedTime(_since);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    /// <summary>How long the lease has been vacant as far as this host can tell; <see langword="null"/> while it is not.</summary>
    public TimeSpan? VacantFor()
    {
        if (!_seen)
        {
            return null;
        }

        var seen = time.GetElapsedTime(_since);
        if (_free)
        {
            return seen;
        }

        return seen >= leaseDuration ? seen - leaseDuration : null;
    }
}
