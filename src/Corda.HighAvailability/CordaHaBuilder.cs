using Microsoft.Extensions.DependencyInjection;

namespace Corda.HighAvailability;

internal sealed class CordaHaBuilder(IServiceCollection services) : ICordaHaBuilder
{
    public IServiceCollection Services { get; } = services;
}
