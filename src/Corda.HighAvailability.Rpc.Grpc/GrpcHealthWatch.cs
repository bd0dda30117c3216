using Corda.HighAvailability.Rpc.Transport;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Rpc.Grpc;

/// <summary>
/// One connection's watch of the server's standard health service (<c>grpc.health.v1.Health/Watch</c>). The open
/// stream is what makes a loss known at once: the channel's connectivity state only follows the socket once a call
/// has taken it over (before that, Grpc.Net.Client checks the socket every 5 s), and HTTP/2 keep-alive pings only run
/// on a connection a call has opened. It also tells a reachable but unhealthy server (a proxy whose node is down)
/// from a healthy one. A watch ended by the other side with a status while the connection stays up (a proxy's stream
/// timeout: NGINX's <c>grpc_read_timeout</c>, Envoy's route and stream idle timeouts) is not a lost connection: it is
/// re-opened on the same channel, and only a watch that cannot be re-opened, or that ends again within
/// <see cref="MinimumLifetimeToReopen"/>, loses the connection.
/// </summary>
internal sealed class GrpcHealthWatch : IDisposable
{
    /// <summary>
    /// A watch the other side ended sooner than this after it was opened is not re-opened: a server or proxy that ends
    /// every watch at once would otherwise be asked again in a tight loop.
    /// </summary>
    internal static readonly TimeSpan MinimumLifetimeToReopen = TimeSpan.FromSeconds(1);

    private readonly GrpcChannel _channel;
    private readonly RpcEndpoint _endpoint;
    private readonly GrpcRpcTransportOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop;
    private readonly string _subject;
    private readonly object _gate = new();

    private AsyncServerStreamingCall<HealthCheckResponse> _call;
    private long _openedAt;

    private GrpcHealthWatch(GrpcChannel channel, RpcEndpoint endpoint, GrpcRpcTransportOptions options, ILogger logger, TimeProvider time, AsyncServerStreamingCall<HealthCheckResponse> call, CancellationTokenSource stop, string subject, long openedAt)
    {
        _channel = channel;
        _endpoint = endpoint;
        _options = options;
        _logger = logger;
        _time = time;
        _call = call;
        _stop = stop;
        _subject = subject;
        _openedAt = openedAt;
        Lost = FollowAsync();
    }

    /// <summary>Completes with the reason when the stream fails or ends for good, or the service stops reporting SERVING. Never faults.</summary>
    public Task<Exception> Lost { get; }

    /// <summary>
    /// Starts the watch and waits for the first status: returns once it is SERVING; throws when it is anything else
    /// or the stream fails; returns <see langword="null"/> when the server has no health service and the mode allows that.
    /// </summary>
    public static async Task<GrpcHealthWatch?> StartAsync(GrpcChannel channel, RpcEndpoint endpoint, GrpcRpcTransportOptions options, ILogger logger, TimeProvider time, CancellationToken cancellationToken)
    {
        var subject = options.HealthService.Length == 0
            ? $"The gRPC health service of {endpoint}"
            : $"The gRPC health service of {endpoint} (service '{options.HealthService}')";
        var stop = new CancellationTokenSource();
        var openedAt = time.GetTimestamp();
        var call = Open(channel, options, stop.Token);
        try
        {
            HealthCheckResponse.Types.ServingStatus? first;
            try
            {
                first = await FirstStatusAsync(call, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
            {
                if (options.HealthWatch == GrpcHealthWatchMode.Required)
                {
                    throw new IOException($"{endpoint} does not offer the gRPC health service (Unimplemented) and GrpcRpcTransportOptions.HealthWatch is Required.", e);
                }

                GrpcTransportLog.HealthServiceMissing(logger, endpoint.ToString());
                call.Dispose();
                stop.Dispose();
                return null;
            }

            if (first is not { } status)
            {
                throw new IOException($"{subject} ended its watch before reporting a status.");
            }

            if (status != HealthCheckResponse.Types.ServingStatus.Serving)
            {
                throw new IOException($"{subject} reports {Name(status)}: not connecting to it.");
            }

            return new GrpcHealthWatch(channel, endpoint, options, logger, time, call, stop, subject, openedAt);
        }
        catch
        {
            call.Dispose();
            stop.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stop.Cancel();
            _call.Dispose();
        }

        _stop.Dispose();
    }

    private static AsyncServerStreamingCall<HealthCheckResponse> Open(GrpcChannel channel, GrpcRpcTransportOptions options, CancellationToken stop) =>
        new global::Grpc.Health.V1.Health.HealthClient(channel).Watch(new HealthCheckRequest { Service = options.HealthService }, cancellationToken: stop);

    /// <summary>The first status of a watch, or <see langword="null"/> when it ended without one.</summary>
    private static async Task<HealthCheckResponse.Types.ServingStatus?> FirstStatusAsync(AsyncServerStreamingCall<HealthCheckResponse> call, CancellationToken cancellationToken) =>
        await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false) ? call.ResponseStream.Current.Status : null;

    internal static string Name(HealthCheckResponse.Types.ServingStatus status) => status switch
    {
        HealthCheckResponse.Types.ServingStatus.Serving => "SERVING",
        HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
        HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        HealthCheckResponse.Types.ServingStatus.Unknown => "UNKNOWN",
        _ => $"status {(int)status}",
    };

    private async Task<Exception> FollowAsync()
    {
        while (true)
        {
            Exception ended;
            try
            {
                while (await _call.ResponseStream.MoveNext(CancellationToken.None).ConfigureAwait(false))
                {
                    var status = _call.ResponseStream.Current.Status;
                    if (status != HealthCheckResponse.Types.ServingStatus.Serving)
                    {
                        return new IOException($"{_subject} reports {Name(status)}.");
                    }
                }

                ended = new IOException($"{_subject} ended its watch.");
            }
            catch (RpcException e) when (e.Status.DebugException is null && !_stop.IsCancellationRequested)
            {
                // A status the other side sent (no transport exception behind it): the connection carried it, so it
                // may well still be up; a proxy ending long streams looks exactly like this.
                ended = new IOException($"{_subject} ended its watch with {e.StatusCode} ({e.Status.Detail}).", e);
            }
            catch (Exception e)
            {
                // A killed server or a failed keep-alive ping ends up here: the connection is gone.
                return new IOException($"{_subject}: the watch failed ({(e as RpcException)?.StatusCode.ToString() ?? e.GetType().Name}), so the connection is lost.", e);
            }

            if (await ReopenAsync(ended).ConfigureAwait(false) is { } lost)
            {
                return lost;
            }
        }
    }

    /// <summary>Re-opens a watch the other side ended; <see langword="null"/> when it is SERVING again, else why the connection is lost.</summary>
    private async Task<Exception?> ReopenAsync(Exception ended)
    {
        var lived = _time.GetElapsedTime(_openedAt);
        if (lived < MinimumLifetimeToReopen)
        {
            return new IOException($"{ended.Message} It had been open for {lived.TotalMilliseconds:0} ms only, so it is not re-opened: the connection is given up.", ended);
        }

        try
        {
            AsyncServerStreamingCall<HealthCheckResponse> call;
            lock (_gate)
            {
                if (_stop.IsCancellationRequested)
                {
                    return ended;
                }

                _call.Dispose();
                _openedAt = _time.GetTimestamp();
                call = _call = Open(_channel, _options, _stop.Token);
            }

            // Bounded like a connect: on a live connection the first status comes at once; a new connection (the old
            // one was closed under the stream) must be set up within ConnectTimeout.
            using var bound = new CancellationTokenSource(_options.ConnectTimeout, _time);
            var status = await FirstStatusAsync(call, bound.Token).ConfigureAwait(false);
            if (status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                GrpcTransportLog.HealthWatchReopened(_logger, _endpoint.ToString(), (ended.InnerException as RpcException)?.StatusCode.ToString() ?? "the end of the stream");
                return null;
            }

            return new IOException($"{ended.Message} Re-opened, it reports {(status is { } s ? Name(s) : "no status")}.", ended);
        }
        catch (Exception e)
        {
            return new IOException($"{ended.Message} Re-opening it failed ({(e as RpcException)?.StatusCode.ToString() ?? e.GetType().Name}), so the connection is lost.", e);
        }
    }
}
