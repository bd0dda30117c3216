using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using HealthBase = Grpc.Health.V1.Health.HealthBase;

namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>
/// The health service as the tests map it: <see cref="HealthServiceImpl"/>, except that the stdin command
/// <c>cut-watches</c> ends every open Watch with <c>Unavailable</c>, as a proxy in front of a server ends a stream it
/// finds too long or too idle (NGINX's <c>grpc_read_timeout</c>, Envoy's route timeout) while the connection stays up.
/// Each watch opened and each one cut is appended to <c>NAME.watches</c> next to the ledger, so that a test can see
/// the cut happen and the client open the watch again.
/// </summary>
public sealed class CuttableHealthService(HealthServiceImpl health, ServerSettings settings) : HealthBase
{
    private static readonly Lock Gate = new();
    private static CancellationTokenSource s_cut = new();

    public static void CutAll()
    {
        CancellationTokenSource cut;
        lock (Gate)
        {
            cut = s_cut;
            s_cut = new CancellationTokenSource();
        }

        cut.Cancel();
    }

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) => health.Check(request, context);

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        CancellationToken cut;
        lock (Gate)
        {
            cut = s_cut.Token;
        }

        Record("opened");
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, cut);
        var inner = new CallContextWithToken(context, both.Token);
        try
        {
            await health.Watch(request, responseStream, inner);
        }
        catch (Exception) when (cut.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
        }

        if (cut.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            Record("cut");
            throw new RpcException(new Status(StatusCode.Unavailable, "stream timeout (the test server plays a proxy ending a long stream)"));
        }
    }

    private void Record(string what)
    {
        lock (Gate)
        {
            File.AppendAllText(Path.Combine(Path.GetDirectoryName(settings.Ledger)!, $"{settings.Name}.watches"), what + "\n");
        }
    }

    /// <summary>The call's context with another cancellation token (the one <see cref="HealthServiceImpl.Watch"/> follows).</summary>
    private sealed class CallContextWithToken(ServerCallContext inner, CancellationToken token) : ServerCallContext
    {
        protected override string MethodCore => inner.Method;

        protected override string HostCore => inner.Host;

        protected override string PeerCore => inner.Peer;

        protected override DateTime DeadlineCore => inner.Deadline;

        protected override Metadata RequestHeadersCore => inner.RequestHeaders;

        protected override CancellationToken CancellationTokenCore => token;

        protected override Metadata ResponseTrailersCore => inner.ResponseTrailers;

        protected override Status StatusCore
        {
            get => inner.Status;
            set => inner.Status = value;
        }

        protected override WriteOptions? WriteOptionsCore
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        protected override AuthContext AuthContextCore => inner.AuthContext;

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => inner.CreatePropagationToken(options);

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => inner.WriteResponseHeadersAsync(responseHeaders);
    }
}
