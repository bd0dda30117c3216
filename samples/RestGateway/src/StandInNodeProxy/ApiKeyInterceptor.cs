using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Corda.Samples.StandInNodeProxy;

/// <summary>Refuses calls without <c>authorization: Bearer KEY</c> (compared in constant time).</summary>
internal sealed class ApiKeyInterceptor(string key) : Interceptor
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes("Bearer " + key);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var given = Encoding.UTF8.GetBytes(context.RequestHeaders.GetValue("authorization") ?? string.Empty);
        if (!CryptographicOperations.FixedTimeEquals(given, _expected))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing or wrong API key"));
        }

        return continuation(request, context);
    }
}
