using BenchmarkDotNet.Running;

namespace Corda.HighAvailability.Benchmarks;

/// <summary>Entry point: pass BenchmarkDotNet's own arguments, e.g. <c>--filter '*' --job short</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
