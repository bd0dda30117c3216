using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Supervision;

// The guard process: a spare guard kept ready for the next term, the configuration it starts the node with, and
// the kill deadline every heartbeat carries.
internal sealed partial class NodeSupervisor
{
    /// <summary>
    /// Starts a spare guard if none is ready: the guard is a process of its own, and starting one (a runtime) takes a
    /// noticeable part of a second, which a takeover should not wait for.
    /// </summary>
    internal void PrepareSpareGuard()
    {
        lock (_sync)
        {
            if (_stopped || _spare is { IsUsable: true })
            {
                return;
            }

            _spare?.Dispose();
            try
            {
                _spare = GuardConnection.Spawn(_options, _logger);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
            {
                _spare = null;
                LogGuardFailed(_logger, ex, _options.GuardCommand);
            }
        }
    }

    /// <summary>Ends the spare guard (it exits on the end of its input, having started nothing).</summary>
    internal void DisposeSpareGuard()
    {
        GuardConnection? spare;
        lock (_sync)
        {
            _stopped = true;
            spare = _spare;
            _spare = null;
        }

        spare?.Dispose();
    }

    private GuardConnection TakeGuard()
    {
        lock (_sync)
        {
            var spare = _spare;
            _spare = null;
            if (spare is { IsUsable: true })
            {
                return spare;
            }

            spare?.Dispose();
        }

        return GuardConnection.Spawn(_options, _logger);
    }

    /// <summary>
    /// The instant (CLOCK_MONOTONIC ns) by which the node must be dead under the grant's last confirmed renewal, or
    /// <see langword="null"/> when <paramref name="token"/> is no longer the grant in force.
    /// </summary>
    private long? KillByNs(LeaseToken token)
    {
        if (_elector.Value.ActiveGrant is not { } grant || !grant.Token.Equals(token))
        {
            return null;
        }

        // Measured on the elector's clock, placed on the shared monotonic clock: the guard compares with that. "Now"
        // is read first, so a preemption between the two reads can only make the deadline earlier, never later.
        var now = PosixProcess.NowNs();
        var sinceRenewal = _time.GetElapsedTime(grant.LastRenewalStart);
        var allowed = _lease.LeaseDuration - _options.SafetyMargin - sinceRenewal;
        return now + (allowed.Ticks * 100);
    }

    private GuardConfig CreateConfig(LeaseToken token)
    {
        var config = new GuardConfig
        {
            Command = _options.Command,
            Arguments = [.. _options.Arguments],
            StopSignal = _options.StopSignal,
            StopCommand = _options.StopCommand,
            StopArguments = [.. _options.StopArguments],
            GraceMs = (long)_options.GracePeriod.TotalMilliseconds,
            LogPath = _options.GuardLogPath,
            Epoch = token.Epoch,
        };
        if (_options.GuardRelease is { } release)
        {
            config.Release = new GuardReleaseConfig
            {
                Provider = release.Provider,
                ConnectionString = release.ConnectionString,
                TableName = release.TableName,
                LeaseName = token.LeaseName,
                HolderId = token.HolderId,
                Epoch = token.Epoch,
            };
        }

        return config;
    }
}
