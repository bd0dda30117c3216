using System.Diagnostics;

namespace Corda.HighAvailability.LeaseElection.Supervision;

// The node owner: starts the node once the first heartbeat came, forwards its output, and reports its exit.
internal sealed partial class GuardRuntime
{
    private void OwnNode()
    {
        _firstHeartbeat.Wait();
        if (_orphaned || _killReason is not null || PosixProcess.NowNs() >= Interlocked.Read(ref _killByNs))
        {
            Diagnose("the node was not started: the supervisor is gone, asked to stop, or its deadline passed.");
            _exited = true;
            _done.TrySetResult(3);
            return;
        }

        Process node;
        long startedNs;
        try
        {
            var info = NodeStartInfo.Create(_config);
            startedNs = PosixProcess.NowNs();
            node = Process.Start(info) ?? throw new InvalidOperationException("the node did not start");
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            Diagnose($"the node could not be started: {ex.Message}");
            Write(GuardProtocol.FormatExited(0, 127, PosixProcess.NowNs(), GuardProtocol.ReasonExit));
            _exited = true;
            _done.TrySetResult(0);
            return;
        }

        // Completed at the end of each output stream (no disposal needed, unlike an event a late reader could hit).
        var outputEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errorEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (node)
        {
            Volatile.Write(ref _pid, node.Id);
            node.OutputDataReceived += (_, e) => Forward(GuardProtocol.NodeOut, e.Data, outputEnded);
            node.ErrorDataReceived += (_, e) => Forward(GuardProtocol.NodeErr, e.Data, errorEnded);
            node.BeginOutputReadLine();
            node.BeginErrorReadLine();
            Log("started", node.Id, startedNs);
            Write(GuardProtocol.FormatStarted(node.Id, startedNs));

            // A kill requested before the pid was known (a stop or an end of input racing the start) lands now.
            if (_killReason is not null || _orphaned)
            {
                BeginStop(_killReason ?? GuardProtocol.ReasonOrphaned);
            }

            // The timed overload: it does not wait for the output pipes, which a surviving grandchild could hold open.
            while (!node.WaitForExit(TimeSpan.FromMilliseconds(50)))
            {
            }

            var exitedNs = PosixProcess.NowNs();
            _exited = true;
            _nodeGone.Set();
            var code = node.ExitCode;
            var reason = _killReason ?? GuardProtocol.ReasonExit;

            // The tree goes with the node: whatever it started must not outlive it.
            PosixProcess.KillTree(node.Id);

            // The node's last lines may still be in its pipes or in the readers: forward them before the report,
            // after which the guard exits and whatever was not forwarded would be lost. (The timed wait above does
            // not wait for the pipes; with the group dead they end at once, barring a descendant that left it.)
            Task.WaitAll([outputEnded.Task, errorEnded.Task], NodeSupervisionConstants.OutputDrainTimeout);
            Log("exited", node.Id, exitedNs, code, reason);
            Write(GuardProtocol.FormatExited(node.Id, code, exitedNs, reason));
        }

        if (_orphaned)
        {
            ReleaseAfterOrphaned();
        }

        _done.TrySetResult(0);
    }
}
