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
/// from a healthy one.
/// </summary>
internal sealed class GrpcHealthWatch : IDisposable
{
    private readonly AsyncServerStreamingCall<HealthCheckResponse> _call;
    private readonly CancellationTokenSource _stop;
    private readonly string _subject;

    private GrpcHealthWatch(AsyncServerStreamingCall<HealthCheckResponse> call, CancellationTokenSource stop, string subject)
    {
        _call = call;
        _stop = stop;
        _subject = subject;
        Lost = FollowAsync();
    }

    /// <summary>Completes with the reason when the stream fails or ends, or the service stops reporting SERVING. Never faults.</summary>
    public Task<Exception> Lost { get; }

    /// <summary>
    /// Starts the watch and waits for the first status: returns once it is SERVING; throws when it is anything else
    /// or the stream fails; returns <see langword="null"/> when the server has no health service and the mode allows that.
    /// </summary>
    public static async Task<GrpcHealthWatch?> StartAsync(GrpcChannel channel, RpcEndpoint endpoint, GrpcRpcTransportOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var subject = options.HealthService.Length == 0
            ? $"The gRPC health service of {endpoint}"
            : $"The gRPC health service of {endpoint} (service '{options.HealthService}')";
        var stop = new CancellationTokenSource();
        var call = new global::Grpc.Health.V1.Health.HealthClient(channel).Watch(new HealthCheckRequest { Service = options.HealthService }, cancellationToken: stop.Token);
        try
        {
            bool first;
            try
            {
                first = await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false);
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

            if (!first)
            {
                throw new IOException($"{subject} ended its watch before reporting a status.");
            }

            var status = call.ResponseStream.Current.Status;
            if (status != HealthCheckResponse.Types.ServingStatus.Serving)
            {
                throw new IOException($"{subject} reports {Name(status)}: not connecting to it.");
            }

            return new GrpcHealthWatch(call, stop, subject);
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
        _stop.Cancel();
        _call.Dispose();
        _stop.Dispose();
    }

    private static string Name(HealthCheckResponse.Types.ServingStatus status) => status switch
    {
        HealthCheckResponse.Types.ServingStatus.Serving => "SERVING",
        HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
        HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        HealthCheckResponse.Types.ServingStatus.Unknown => "UNKNOWN",
        _ => $"status {(int)status}",
    };

    private async Task<Exception> FollowAsync()
    {
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

            return new IOException($"{_subject} ended its watch.");
        }
        catch (Exception e)
        {
            // A killed server or a failed keep-alive ping ends up here: the connection is gone.
            return new IOException($"{_subject}: the watch failed ({(e as RpcException)?.StatusCode.ToString() ?? e.GetType().Name}), so the connection is lost.", e);
        }
    }
}
